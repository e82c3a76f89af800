package dev.protolens.engine.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.fit.FitState;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Run records with awkward contents for property tests: floats at the edges (negative zero, subnormals,
 * the largest values, infinities, NaN), every kind of Unicode (emoji, combining marks, right-to-left text,
 * control characters, quotes and backslashes), long texts and histories, absent optional parts; and a
 * bit-exact comparison of two records that follows every record component, so a field added later is
 * compared without touching the test.
 */
final class RandomRuns {
    private RandomRuns() {}

    private static final String[] PIECES = {"", " ", "a", "\"", "\\", "\\u0000", "\u0000", "\u0001\u001f", "\n\r\t",
        "\u00e9", "e\u0301", "\u4f60\u597d", "\u05e9\u05dc\u05d5\u05dd", "\u0645\u0631\u062d\u0628\u0627",
        "\ud83d\ude00", "\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67", "\u2028\u2029", "\ufeff", "\uffff",
        "</script>", "{\"x\":1}", "\u2581Once", "<0x0A>", "null", "NaN", "-0"};

    static String text(Random r, int maxLength) {
        StringBuilder sb = new StringBuilder();
        int n = r.nextInt(maxLength + 1);
        while (sb.length() < n) {
            if (r.nextInt(3) == 0) {
                sb.append(PIECES[r.nextInt(PIECES.length)]);
            } else {
                // any code point outside the surrogate range (those only come in pairs, from the line above)
                int cp;
                do {
                    cp = r.nextInt(4) == 0 ? r.nextInt(Character.MAX_CODE_POINT + 1) : 32 + r.nextInt(95);
                } while (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE);
                sb.appendCodePoint(cp);
            }
        }
        return sb.toString();
    }

    static double dbl(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> -0.0;
            case 1 -> 0.0;
            case 2 -> Double.MIN_VALUE;
            case 3 -> -Double.longBitsToDouble(r.nextLong() & 0x000f_ffff_ffff_ffffL); // subnormal
            case 4 -> Double.MAX_VALUE;
            case 5 -> Double.NaN;
            case 6 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
            case 7 -> Double.MIN_NORMAL;
            default -> {
                double d;
                do {
                    d = Double.longBitsToDouble(r.nextLong());
                } while (Double.isNaN(d));
                yield d;
            }
        };
    }

    static float flt(Random r) {
        return switch (r.nextInt(12)) {
            case 0 -> -0.0f;
            case 1 -> 0.0f;
            case 2 -> Float.MIN_VALUE;
            case 3 -> Float.intBitsToFloat(r.nextInt() & 0x807f_ffff); // subnormal, either sign
            case 4 -> -Float.MAX_VALUE;
            case 5 -> Float.NaN;
            case 6 -> r.nextBoolean() ? Float.POSITIVE_INFINITY : Float.NEGATIVE_INFINITY;
            case 7 -> (float) r.nextGaussian();
            default -> {
                float f;
                do {
                    f = Float.intBitsToFloat(r.nextInt());
                } while (Float.isNaN(f));
                yield f;
            }
        };
    }

    /** Any float bit pattern, NaN payloads included: a safetensors file keeps raw bits. */
    static float[] rawFloats(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(4) == 0 ? Float.intBitsToFloat(r.nextInt()) : flt(r);
        }
        return v;
    }

    static float[] floats(Random r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = flt(r);
        }
        return v;
    }

    static int anInt(Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> Integer.MIN_VALUE;
            case 1 -> Integer.MAX_VALUE;
            case 2 -> 0;
            default -> r.nextInt();
        };
    }

    static String orNull(Random r, String s) {
        return r.nextInt(6) == 0 ? null : s;
    }

    static RunRecord record(Random r, String id, int d) {
        int tokens = r.nextInt(40);
        long[] ids = new long[tokens];
        List<String> pieces = new ArrayList<>();
        for (int i = 0; i < tokens; i++) {
            ids[i] = r.nextInt(3) == 0 ? r.nextLong() : r.nextInt(32000);
            pieces.add(text(r, 6));
        }
        int steps = r.nextInt(8) == 0 ? 5001 : r.nextInt(60);
        int textLength = r.nextInt(10) == 0 ? 100_000 : 200;
        RunRecord.ModelInfo model = new RunRecord.ModelInfo(text(r, 20), text(r, 60), orNull(r, "safetensors"),
                "llama", d, anInt(r), anInt(r), r.nextLong(), Long.toHexString(r.nextLong()));
        RunRecord.Settings settings = new RunRecord.Settings(text(r, 8), text(r, 8), r.nextLong(), dbl(r), dbl(r),
                dbl(r), dbl(r), dbl(r), anInt(r), dbl(r), r.nextBoolean(), r.nextInt(3) == 0 ? null
                : new RunRecord.Start(text(r, 40), text(r, 8), dbl(r), anInt(r), dbl(r), dbl(r), text(r, 8),
                        orNull(r, text(r, 30))));
        RunRecord.Metrics metrics = r.nextInt(8) == 0 ? null : new RunRecord.Metrics(dbl(r), dbl(r), anInt(r),
                anInt(r), r.nextBoolean(), anInt(r), anInt(r), anInt(r), dbl(r), orNull(r, text(r, 300)));
        RunRecord.History history = r.nextInt(8) == 0 ? null
                : new RunRecord.History(floats(r, steps), r.nextInt(10) == 0 ? new float[0] : floats(r, steps));
        RunRecord.Timings timings = new RunRecord.Timings(text(r, 30), orNull(r, text(r, 30)), r.nextLong(), dbl(r),
                dbl(r));
        RunRecord.Environment env = r.nextInt(8) == 0 ? null
                : new RunRecord.Environment(text(r, 10), anInt(r), text(r, 40), text(r, 20), text(r, 10));
        RunRecord.Batch batch = r.nextBoolean() ? null : new RunRecord.Batch(text(r, 20), anInt(r), anInt(r));
        return new RunRecord(RunRecord.SCHEMA_VERSION, id, r.nextInt(10) == 0 ? null : "2025-01-01T00:00:"
                + (10 + r.nextInt(50)) + "Z", text(r, 12), model, text(r, textLength), ids, pieces, settings,
                orNull(r, "complete"), metrics, history, timings, env, batch, null, orNull(r, text(r, 40)));
    }

    static ProtoTokens vectors(Random r, int d) {
        return new ProtoTokens(rawFloats(r, d), rawFloats(r, d));
    }

    static FitState resume(Random r, int d) {
        return new FitState(r.nextInt(Integer.MAX_VALUE), rawFloats(r, d), rawFloats(r, d), rawFloats(r, d),
                rawFloats(r, d), rawFloats(r, d), rawFloats(r, d), null);
    }

    /**
     * Every component equal, floats and doubles by their bits. With {@code rawNaN} false, NaNs compare
     * equal whatever their payload: JSON has one NaN, and run.json is JSON.
     */
    static void assertBitExact(Object want, Object got, String path, boolean rawNaN) {
        if (want == null || got == null) {
            assertThat(got).as(path).isEqualTo(want);
            return;
        }
        switch (want) {
            case Record rec -> {
                assertThat(got).as(path).isInstanceOf(rec.getClass());
                for (RecordComponent c : rec.getClass().getRecordComponents()) {
                    try {
                        assertBitExact(c.getAccessor().invoke(want), c.getAccessor().invoke(got), path + "." + c.getName(),
                                rawNaN);
                    } catch (ReflectiveOperationException e) {
                        throw new AssertionError(e);
                    }
                }
            }
            case float[] a -> {
                float[] b = (float[]) got;
                assertThat(b.length).as(path + ".length").isEqualTo(a.length);
                for (int i = 0; i < a.length; i++) {
                    int wa = rawNaN ? Float.floatToRawIntBits(a[i]) : Float.floatToIntBits(a[i]);
                    int wb = rawNaN ? Float.floatToRawIntBits(b[i]) : Float.floatToIntBits(b[i]);
                    if (wa != wb) {
                        throw new AssertionError(path + "[" + i + "]: wrote " + a[i] + " (0x" + Integer.toHexString(wa)
                                + ") but read " + b[i] + " (0x" + Integer.toHexString(wb) + ")");
                    }
                }
            }
            case long[] a -> assertThat((long[]) got).as(path).containsExactly(a);
            case Double a -> assertThat(Double.doubleToLongBits((Double) got)).as(path + " (" + a + " vs " + got + ")")
                    .isEqualTo(Double.doubleToLongBits(a));
            case Float a -> assertThat(Float.floatToIntBits((Float) got)).as(path).isEqualTo(Float.floatToIntBits(a));
            case List<?> a -> {
                List<?> b = (List<?>) got;
                assertThat(b).as(path + ".size").hasSize(a.size());
                for (int i = 0; i < a.size(); i++) {
                    assertBitExact(a.get(i), b.get(i), path + "[" + i + "]", rawNaN);
                }
            }
            default -> assertThat(got).as(path).isEqualTo(want);
        }
    }
}
