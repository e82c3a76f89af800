package dev.protolens.engine.testing;

import dev.protolens.engine.weights.SafetensorsFile;
import java.nio.file.Path;
import java.util.Arrays;

/** One oracle fixture (../shared/oracle/NAME.safetensors): the reference's numbers for one text and seed. */
public final class Fixture implements AutoCloseable {
    public final String modelDir;
    public final SafetensorsFile file;

    private Fixture(String modelDir, SafetensorsFile file) {
        this.modelDir = modelDir;
        this.file = file;
    }

    public static Fixture open(String modelDir) {
        Path p = Shared.oracle(modelDir + "__lily__seed0_normal.safetensors");
        return new Fixture(modelDir, SafetensorsFile.open(p));
    }

    public Path model() {
        return Shared.model(modelDir);
    }

    public float[] floats(String name) {
        return file.floats(name);
    }

    public long[] longs(String name) {
        float[] x = file.floats(name);
        long[] r = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            r[i] = (long) x[i];
        }
        return r;
    }

    /** Row k of a (K, d) tensor. */
    public float[] row(String name, int k, int d) {
        return Arrays.copyOfRange(floats(name), k * d, (k + 1) * d);
    }

    public static final String LILY = "Lily and Ben went to the park to play with a red ball.";

    /** Max |a - b| over all elements. */
    public static double maxAbsDiff(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new AssertionError("lengths differ: " + a.length + " vs " + b.length);
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            double x = Math.abs((double) a[i] - b[i]);
            if (!(x <= m)) {
                m = x;
            }
        }
        return m;
    }

    /** ||a - b|| / ||b||. */
    public static double relL2(float[] a, float[] b) {
        double num = 0;
        double den = 0;
        for (int i = 0; i < a.length; i++) {
            num += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            den += (double) b[i] * b[i];
        }
        return Math.sqrt(num / den);
    }

    @Override
    public void close() {
        file.close();
    }
}
