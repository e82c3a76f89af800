package dev.protolens.engine.model;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.UserError;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.GgufWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hundreds of damaged GGUF files — truncated, bytes flipped in the header, counts, string lengths, dimensions,
 * types and offsets that lie, random bytes, damaged tensor data — each either loads as a working model or is
 * refused with a {@link UserError} that names the file. Never another exception, a JVM crash, a hang or an
 * OutOfMemoryError. Seeded, so a failure reproduces.
 */
class GgufRobustnessTest {
    @TempDir
    Path dir;

    private record Base(String name, byte[] bytes, GgufWriter.Layout layout) {}

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void damagedFilesGiveUserErrors() throws Exception {
        Path stories = Shared.model(GgufModelTest.F32);
        List<Base> bases = new ArrayList<>();
        int[][] variants = {{1, GgufWriter.F32}, {2, GgufWriter.Q8_0}, {3, GgufWriter.Q4_0}, {3, GgufWriter.BF16}};
        for (int[] v : variants) {
            GgufWriter w = GgufFixtures.reencode(stories, v[0], v[1]);
            bases.add(new Base("v" + v[0] + "-" + v[1], w.toBytes(), w.write(dir.resolve("base.gguf"))));
        }
        bases.add(new Base("llama.cpp q8_0", Files.readAllBytes(Shared.model(GgufModelTest.Q8)), null));
        Random rnd = new Random(20240613);
        Map<String, Integer> outcomes = new TreeMap<>();
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        int total = 400;
        Path p = dir.resolve("mutant.gguf");
        long t0 = System.nanoTime();
        for (int i = 0; i < total; i++) {
            Base base = bases.get(rnd.nextInt(bases.size()));
            String kind = mutate(base, rnd, p);
            try (LoadedModel m = ModelLoader.load(p); NDManager step = EngineRuntime.get().newManager()) {
                float[] logits = m.model().logitsForTokens(step.create(new long[] {1, 403, 407}, new Shape(1, 3)))
                        .toFloatArray();
                assertThat(logits).hasSize(3 * m.config().vocabSize());
                loaded++;
                outcomes.merge("loaded", 1, Integer::sum);
            } catch (UserError e) {
                String msg = e.getMessage();
                if (msg == null || !msg.contains("mutant.gguf")) {
                    failures.add("#" + i + " " + kind + " on " + base.name + ": message does not name the file: " + msg);
                }
                outcomes.merge(category(msg), 1, Integer::sum);
            } catch (Throwable t) {
                failures.add("#" + i + " " + kind + " on " + base.name + ": " + t);
            }
        }
        System.out.printf("%d damaged GGUF files in %.1f s: %d loaded and ran, %d refused with a UserError%n", total,
                (System.nanoTime() - t0) / 1e9, loaded, total - loaded - failures.size());
        outcomes.forEach((k, v) -> System.out.printf("  %4d  %s%n", v, k));
        assertThat(failures).isEmpty();
        assertThat(loaded).as("some mutants (data bytes, names) still load").isPositive();
        assertThat(total - loaded).as("most mutants are refused").isGreaterThan(total / 2);
    }

    /** The message with numbers and quoted names blanked, to group the outcomes in the printout. */
    private static String category(String msg) {
        String s = msg.replaceFirst("^mutant\\.gguf: ", "").replaceAll("'[^']*'", "'…'").replaceAll("\\d+", "N");
        return s.length() > 110 ? s.substring(0, 110) + "…" : s;
    }

    private static final long[] LIES = {0, 1, 2, 3, 31, 32, 33, 255, 256, 65535, 1L << 31, (1L << 32) - 1, 1L << 32,
        1L << 40, 1L << 62, Long.MAX_VALUE, -1, -2, Long.MIN_VALUE};

    private static String mutate(Base base, Random rnd, Path out) throws Exception {
        byte[] b = base.bytes.clone();
        GgufWriter.Layout l = base.layout;
        int headerEnd = l != null ? l.headerEnd() : Math.min(b.length, 15000);
        int wide = b[4] == 1 ? 4 : 8;
        int kind = rnd.nextInt(l != null ? 11 : 5);
        String name;
        switch (kind) {
            case 0 -> { // truncate, mostly inside the header
                int at = rnd.nextBoolean() ? rnd.nextInt(headerEnd + 1) : rnd.nextInt(b.length);
                b = java.util.Arrays.copyOf(b, at);
                name = "truncated at " + at;
            }
            case 1 -> { // flip bits in the header
                int n = 1 + rnd.nextInt(8);
                for (int k = 0; k < n; k++) {
                    b[rnd.nextInt(headerEnd)] ^= (byte) (1 << rnd.nextInt(8));
                }
                name = n + " header bits flipped";
            }
            case 2 -> { // random bytes, with or without a plausible start
                b = new byte[rnd.nextInt(4096)];
                rnd.nextBytes(b);
                if (b.length >= 8 && rnd.nextBoolean()) {
                    System.arraycopy(new byte[] {'G', 'G', 'U', 'F', (byte) (1 + rnd.nextInt(3)), 0, 0, 0}, 0, b, 0, 8);
                }
                name = "random bytes (" + b.length + ")";
            }
            case 3 -> { // overwrite a run of header bytes with random ones
                int at = rnd.nextInt(headerEnd);
                int n = Math.min(1 + rnd.nextInt(16), b.length - at);
                for (int k = 0; k < n; k++) {
                    b[at + k] = (byte) rnd.nextInt(256);
                }
                name = n + " random header bytes at " + at;
            }
            case 4 -> { // damage the tensor data (NaN, infinities, other values)
                int n = 1 + rnd.nextInt(20);
                for (int k = 0; k < n; k++) {
                    b[headerEnd + rnd.nextInt(b.length - headerEnd)] = (byte) rnd.nextInt(256);
                }
                name = n + " data bytes changed";
            }
            case 5 -> name = lie(b, pick(rnd, l.counts()), wide, rnd, "count");
            case 6 -> name = lie(b, pick(rnd, l.stringLengths()), wide, rnd, "string length");
            case 7 -> name = lie(b, pick(rnd, l.dims()), wide, rnd, "dimension");
            case 8 -> name = lie(b, pick(rnd, l.types()), 4, rnd, "tensor type");
            case 9 -> name = lie(b, pick(rnd, l.offsets()), 8, rnd, "tensor offset");
            default -> { // two lies at once
                name = lie(b, pick(rnd, l.counts()), wide, rnd, "count") + " + "
                        + lie(b, pick(rnd, l.offsets()), 8, rnd, "tensor offset");
            }
        }
        Files.write(out, b);
        return name;
    }

    private static int pick(Random rnd, List<Integer> positions) {
        return positions.get(rnd.nextInt(positions.size()));
    }

    private static String lie(byte[] b, int at, int width, Random rnd, String what) {
        long old = 0;
        for (int k = 0; k < width; k++) {
            old |= (b[at + k] & 0xffL) << (8 * k);
        }
        long v = switch (rnd.nextInt(4)) {
            case 0 -> LIES[rnd.nextInt(LIES.length)];
            case 1 -> old + 1 + rnd.nextInt(64);
            case 2 -> old - 1 - rnd.nextInt(64);
            default -> rnd.nextLong();
        };
        for (int k = 0; k < width; k++) {
            b[at + k] = (byte) (v >>> (8 * k));
        }
        return what + " at " + at + " " + old + " -> " + v;
    }
}
