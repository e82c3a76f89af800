package dev.protolens.engine.inside;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.UserError;
import dev.protolens.engine.model.HeadReading;
import dev.protolens.engine.model.LoadedModel;
import dev.protolens.engine.model.ModelConfig;
import dev.protolens.engine.model.PassProbe;
import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.runtime.EngineRuntime;
import dev.protolens.engine.store.Run;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Looking inside the one pass of a fitted run: the logit lens of the fitted pass beside the text's ordinary
 * teacher-forced pass, every head's attention to e and m, knock-outs of that attention layer by layer, and the
 * geometry of e and m among the token embeddings.
 *
 * <p>Every number comes from the model's own forward pass (the code the fit runs) with a {@link PassProbe} inside
 * it, never from a second implementation. Runs on the model's worker thread (a {@code ModelSession}).
 */
public final class Inside {
    /** Positions (rows × inputs) the lens reads through the head in one call. */
    static final int LENS_GROUP_POSITIONS = 1024;
    /** Activation floats a batch of knock-out passes may hold at once: 256 MB. */
    static final long KNOCKOUT_BATCH_FLOATS = 1L << 26;
    /** Nearest tokens listed for e and for m. */
    public static final int NEIGHBOURS = 10;

    private final LoadedModel model;

    public Inside(LoadedModel model) {
        this.model = model;
    }

    /**
     * The fitted pass seen from inside: its logit lens and every head's attention.
     *
     * @param every            read every k-th layer (1 = all); the input and the last layer are always read
     * @param oneStepAccuracy  the share of the text the pass writes (its own output)
     * @param millis           how long the look took
     */
    public record Look(FittedPass pass, PassProbe.Site site, int every, LensMap oneStep, AttentionMaps attention,
                       double oneStepAccuracy, long millis) {}

    /** Layers the lens reads by default: every k-th with k = ⌈L / 16⌉, so a deep model shows at most 17 rows. */
    public static int defaultEvery(int numLayers) {
        return Math.max(1, (numLayers + 15) / 16);
    }

    /** The layers read when reading every {@code every}-th: 0, every, 2·every, …, and always the last. */
    public static int[] layersRead(int numLayers, int every) {
        if (every < 1) {
            throw new UserError("Read every k-th layer with k of at least 1 (got " + every + ").");
        }
        List<Integer> l = new ArrayList<>();
        for (int i = 0; i < numLayers; i += every) {
            l.add(i);
        }
        l.add(numLayers);
        return l.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The fitted pass's lens and attention, reading the residual stream at {@code site}. */
    public Look look(FittedPass p, PassProbe.Site site, int every) {
        long t0 = System.nanoTime();
        ModelConfig c = model.config();
        int[] layers = layersRead(c.numLayers(), every);
        EngineRuntime.setGradMode(false);
        try (NDManager step = model.model().manager().newSubManager()) {
            int nIn = p.inputLength();
            Recorder fitted = new Recorder(c.numLayers(), layers, site, true);
            long[] written = model.model().argmaxTokens(step.create(p.input(), new Shape(1, nIn, c.hiddenSize())),
                    p.arrangement().offset(), fitted);
            int[] columns = new int[nIn];
            for (int j = 0; j < nIn; j++) {
                int col = j - p.arrangement().offset();
                columns[j] = col >= 0 && col < p.length() ? col : -1;
            }
            LensMap oneStep = lens(LensMap.ONE_STEP, fitted, layers, site, p.target(), columns);
            return new Look(p, site, every, oneStep, attention(fitted, p.pattern()), accuracy(written, p.target()),
                    (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * The lens of the text read the ordinary way, teacher-forced: BOS, t0 … t(N-2) in, so that output i predicts
     * t_i as in the one-step pass. Without BOS the input is the text itself and the first token has no prediction.
     */
    public LensMap teacherForced(FittedPass p, PassProbe.Site site, int every) {
        ModelConfig c = model.config();
        int[] layers = layersRead(c.numLayers(), every);
        var bos = model.tokenizer().bosId();
        long[] ids = new long[p.length()];
        int[] columns = new int[p.length()];
        if (bos.isPresent()) {
            ids[0] = bos.getAsInt();
            System.arraycopy(p.target(), 0, ids, 1, p.length() - 1);
            for (int j = 0; j < ids.length; j++) {
                columns[j] = j;
            }
        } else {
            System.arraycopy(p.target(), 0, ids, 0, p.length());
            for (int j = 0; j < ids.length; j++) {
                columns[j] = j + 1 < p.length() ? j + 1 : -1;
            }
        }
        EngineRuntime.setGradMode(false);
        try (NDManager step = model.model().manager().newSubManager()) {
            Recorder read = new Recorder(c.numLayers(), layers, site, false);
            model.model().argmaxTokens(model.model().embed(step.create(ids, new Shape(1, ids.length))), 0, read);
            return lens(LensMap.TEACHER_FORCED, read, layers, site, p.target(), columns);
        }
    }

    /**
     * Everything for one run: the look and the teacher-forced lens at {@code site}, both knock-outs in each of
     * {@code scopes}, and the geometry ({@code batch}: the run's shared-m batch, or empty).
     */
    public InsideReport report(FittedPass p, PassProbe.Site site, int every, List<KnockOut.Scope> scopes, List<Run> batch) {
        Look look = look(p, site, every);
        LensMap read = teacherForced(p, site, every);
        List<KnockOutCurve> curves = new ArrayList<>();
        for (KnockOut.Scope scope : scopes) {
            for (KnockOut what : KnockOut.values()) {
                curves.add(knockOuts(p, what, scope, () -> false));
            }
        }
        return new InsideReport(p, model.name(), look, read, curves, geometry(p, batch));
    }

    /**
     * The lens rows of one recorded pass, read a group of rows at a time through the model's {@code read} (on the
     * CPU the head in vocabulary slices, never all the logits at once).
     *
     * @param columns per input position, the text's token it predicts, or -1
     */
    private LensMap lens(String pass, Recorder rec, int[] layers, PassProbe.Site site, long[] target, int[] columns) {
        int n = target.length;
        int nIn = columns.length;
        int rows = layers.length;
        float[] prob = new float[rows * n];
        long[] top = new long[rows * n];
        float[] topProb = new float[rows * n];
        Arrays.fill(prob, Float.NaN);
        Arrays.fill(top, -1);
        Arrays.fill(topProb, Float.NaN);
        int perGroup = Math.max(1, Math.min(rows, LENS_GROUP_POSITIONS / nIn));
        for (int r0 = 0; r0 < rows; r0 += perGroup) {
            int g = Math.min(rows, r0 + perGroup) - r0;
            NDList streams = new NDList();
            long[] want = new long[g * nIn];
            for (int r = 0; r < g; r++) {
                streams.add(rec.residual(layers[r0 + r]));
                for (int j = 0; j < nIn; j++) {
                    want[r * nIn + j] = columns[j] >= 0 ? target[columns[j]] : -1;
                }
            }
            HeadReading h;
            try (NDManager group = rec.residual(layers[r0]).getManager().newSubManager()) {
                NDArray stacked = g == 1 ? streams.get(0) : NDArrays.concat(streams, 0);
                if (g > 1) {
                    stacked.attach(group);
                }
                h = model.model().read(stacked, want);
            }
            for (int r = 0; r < g; r++) {
                for (int j = 0; j < nIn; j++) {
                    if (columns[j] >= 0) {
                        int at = (r0 + r) * n + columns[j];
                        prob[at] = (float) Math.exp(h.targetLogProb()[r * nIn + j]);
                        top[at] = h.top()[r * nIn + j];
                        topProb[at] = (float) Math.exp(h.topLogProb()[r * nIn + j]);
                    }
                }
            }
        }
        String[] pieces = new String[rows * n];
        for (int i = 0; i < pieces.length; i++) {
            pieces[i] = top[i] >= 0 ? model.tokenizer().piece(top[i]) : "";
        }
        return new LensMap(pass, site, layers, target.clone(), prob, top, topProb, pieces);
    }

    private AttentionMaps attention(Recorder rec, long[] pattern) {
        ModelConfig c = model.config();
        int n = pattern.length;
        int per = c.numHeads() * n * n;
        float[] all = new float[c.numLayers() * per];
        for (int l = 1; l <= c.numLayers(); l++) {
            NDArray a = rec.attention(l);
            float[] f = (a.getDataType() == DataType.FLOAT32 ? a : a.toType(DataType.FLOAT32, false)).toFloatArray();
            System.arraycopy(f, 0, all, (l - 1) * per, per);
        }
        return new AttentionMaps(c.numLayers(), c.numHeads(), pattern, all);
    }

    // ---- knock-outs ----

    /**
     * The accuracy of the one pass with {@code what} removed, for each ℓ = 1..L in {@code scope}. Several ℓ run
     * as one batched pass, each batch element with its own mask.
     *
     * @param cancelled checked between batches; when it says yes the curve so far is returned with NaN for the rest
     */
    public KnockOutCurve knockOuts(FittedPass p, KnockOut what, KnockOut.Scope scope, BooleanSupplier cancelled) {
        ModelConfig c = model.config();
        int layers = c.numLayers();
        int nIn = p.inputLength();
        long[] pattern = p.pattern();
        EngineRuntime.setGradMode(false);
        double baseline;
        try (NDManager step = model.model().manager().newSubManager()) {
            long[] plain = model.model().argmaxTokens(step.create(p.input(), new Shape(1, nIn, c.hiddenSize())),
                    p.arrangement().offset());
            baseline = accuracy(plain, p.target());
        }
        double[] acc = new double[layers];
        Arrays.fill(acc, Double.NaN);
        long[][] tokens = new long[layers][];
        String[] texts = new String[layers];
        Arrays.fill(texts, "");
        int batch = knockOutBatch(nIn);
        float[] one = p.input();
        for (int l0 = 1; l0 <= layers; l0 += batch) {
            if (cancelled.getAsBoolean()) {
                break;
            }
            int b = Math.min(batch, layers - l0 + 1);
            int[] at = new int[b];
            for (int i = 0; i < b; i++) {
                at[i] = l0 + i;
            }
            float[] z = new float[b * one.length];
            for (int i = 0; i < b; i++) {
                System.arraycopy(one, 0, z, i * one.length, one.length);
            }
            try (NDManager step = model.model().manager().newSubManager()) {
                KnockOutMask mask = new KnockOutMask(step, what, scope, at, pattern);
                long[] ids = model.model().argmaxTokens(step.create(z, new Shape(b, nIn, c.hiddenSize())),
                        p.arrangement().offset(), mask);
                int n = p.length();
                for (int i = 0; i < b; i++) {
                    long[] t = Arrays.copyOfRange(ids, i * n, (i + 1) * n);
                    tokens[at[i] - 1] = t;
                    acc[at[i] - 1] = accuracy(t, p.target());
                    texts[at[i] - 1] = model.tokenizer().decode(t, false);
                }
            }
        }
        return new KnockOutCurve(what, scope, baseline, acc, tokens, texts);
    }

    /**
     * The logits (1, inputs, vocab) of one knock-out pass: {@code what} removed in the layers {@code scope} covers
     * at ℓ = {@code at}. For checks against the reference; the curve uses {@link #knockOuts}.
     */
    public NDArray knockOutLogits(NDManager step, FittedPass p, KnockOut what, KnockOut.Scope scope, int at) {
        EngineRuntime.setGradMode(false);
        KnockOutMask mask = new KnockOutMask(step, what, scope, new int[] {at}, p.pattern());
        return model.model().logits(step.create(p.input(), new Shape(1, p.inputLength(), model.config().hiddenSize())),
                mask);
    }

    /** How many knock-out passes run as one batch: the pass's intermediate arrays stay alive until it ends. */
    private int knockOutBatch(int n) {
        ModelConfig c = model.config();
        long perLayer = (long) n * (6L * c.hiddenSize() + 3L * c.intermediateSize()) + 4L * c.numHeads() * n * n;
        long perPass = perLayer * c.numLayers() + (long) n * c.vocabSize() / 8;
        return (int) Math.max(1, Math.min(c.numLayers(), KNOCKOUT_BATCH_FLOATS / Math.max(1, perPass)));
    }

    private static double accuracy(long[] tokens, long[] target) {
        int right = 0;
        for (int i = 0; i < target.length; i++) {
            right += tokens[i] == target[i] ? 1 : 0;
        }
        return (double) right / target.length;
    }

    // ---- geometry ----

    /**
     * Norms of e and m against the token embeddings' norms, the nearest tokens by cosine, and the spread of e in
     * the run's shared-m batch ({@code batch} from {@link #sharedMBatch}; empty for none).
     */
    public ProtoGeometry geometry(FittedPass p, List<Run> batch) {
        ProtoTokens v = p.vectors();
        int d = v.dim();
        int vocab = model.config().vocabSize();
        float[] norms = new float[vocab];
        float[] cosE = new float[vocab];
        float[] cosM = new float[vocab];
        double eNorm = norm(v.e());
        double mNorm = norm(v.m());
        NDArray table = model.model().embeddingTable();
        int chunk = Math.max(1, (1 << 20) / d);
        for (int r0 = 0; r0 < vocab; r0 += chunk) {
            int r1 = Math.min(vocab, r0 + chunk);
            // a slice of a weight belongs to the model's manager: freed here at once, never left there
            NDArray part = table.get(new NDIndex(r0 + ":" + r1));
            try {
                float[] rows = part.getDataType() == DataType.FLOAT32 ? part.toFloatArray() : widened(part);
                for (int r = r0; r < r1; r++) {
                    int o = (r - r0) * d;
                    double nn = 0;
                    double de = 0;
                    double dm = 0;
                    for (int j = 0; j < d; j++) {
                        float x = rows[o + j];
                        nn += (double) x * x;
                        de += (double) x * v.e()[j];
                        dm += (double) x * v.m()[j];
                    }
                    double nr = Math.sqrt(nn);
                    norms[r] = (float) nr;
                    cosE[r] = (float) (nr == 0 ? 0 : de / (nr * eNorm));
                    cosM[r] = (float) (nr == 0 ? 0 : dm / (nr * mNorm));
                }
            } finally {
                part.close();
            }
        }
        return new ProtoGeometry(eNorm, mNorm, norms, percentile(norms, eNorm), percentile(norms, mNorm),
                nearest(cosE), nearest(cosM), spread(batch));
    }

    private static float[] widened(NDArray part) {
        try (NDArray f = part.toType(DataType.FLOAT32, false)) {
            return f.toFloatArray();
        }
    }

    private List<ProtoGeometry.Neighbour> nearest(float[] cos) {
        Integer[] order = new Integer[cos.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> -cos[i]).thenComparingInt(i -> i));
        List<ProtoGeometry.Neighbour> out = new ArrayList<>();
        for (int k = 0; k < Math.min(NEIGHBOURS, order.length); k++) {
            out.add(new ProtoGeometry.Neighbour(order[k], model.tokenizer().piece(order[k]), cos[order[k]]));
        }
        return out;
    }

    private static double percentile(float[] norms, double value) {
        int below = 0;
        for (float x : norms) {
            below += x < value ? 1 : 0;
        }
        return norms.length == 0 ? Double.NaN : (double) below / norms.length;
    }

    static double norm(float[] x) {
        double s = 0;
        for (float v : x) {
            s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /**
     * The runs of {@code run}'s batch that share its m (run included, in batch order), or an empty list when the run
     * was not fitted in a shared-m batch of two or more. Checkpoints are left out.
     */
    public static List<Run> sharedMBatch(RunLibrary library, Run run) {
        RunRecord r = run.record();
        if (r.batch() == null || r.batch().size() < 2 || r.settings() == null || !r.settings().sharedM()) {
            return List.of();
        }
        List<Run> out = new ArrayList<>();
        for (RunRecord x : library.list().runs()) {
            if (x.batch() != null && r.batch().id().equals(x.batch().id()) && !x.isCheckpoint()) {
                Run loaded = x.id().equals(run.id()) ? run : library.load(x.id());
                if (Arrays.equals(loaded.vectors().m(), run.vectors().m())) {
                    out.add(loaded);
                }
            }
        }
        out.sort(Comparator.comparingInt(x -> x.record().batch().index()));
        return out.size() >= 2 ? out : List.of();
    }

    static ProtoGeometry.BatchSpread spread(List<Run> batch) {
        if (batch == null || batch.size() < 2) {
            return null;
        }
        int k = batch.size();
        int d = batch.getFirst().vectors().dim();
        float[][] e = new float[k][];
        double[] mean = new double[d];
        double meanNorm = 0;
        for (int i = 0; i < k; i++) {
            e[i] = batch.get(i).vectors().e();
            meanNorm += norm(e[i]) / k;
            for (int j = 0; j < d; j++) {
                mean[j] += e[i][j] / (double) k;
            }
        }
        float[] cos = new float[k * k];
        double dist = 0;
        int pairs = 0;
        for (int a = 0; a < k; a++) {
            for (int b = 0; b < k; b++) {
                double dot = 0;
                for (int j = 0; j < d; j++) {
                    dot += (double) e[a][j] * e[b][j];
                }
                double c = dot / (norm(e[a]) * norm(e[b]));
                cos[a * k + b] = (float) c;
                if (b > a) {
                    dist += 1 - c;
                    pairs++;
                }
            }
        }
        double ms = 0;
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < d; j++) {
                double x = e[i][j] - mean[j];
                ms += x * x / k;
            }
        }
        return new ProtoGeometry.BatchSpread(batch.getFirst().record().batch().id(),
                batch.stream().map(Run::id).toList(), cos, dist / pairs, Math.sqrt(ms) / meanNorm, meanNorm);
    }

    // ---- probes ----

    /** Keeps the residual stream of the layers read at one site, and optionally every layer's attention. */
    static final class Recorder implements PassProbe {
        private final boolean[] read;
        private final Site site;
        private final boolean keepAttention;
        private final NDArray[] residual;
        private final NDArray[] attention;

        Recorder(int numLayers, int[] layers, Site site, boolean keepAttention) {
            this.read = new boolean[numLayers + 1];
            for (int l : layers) {
                read[l] = true;
            }
            this.site = site;
            this.keepAttention = keepAttention;
            this.residual = new NDArray[numLayers + 1];
            this.attention = new NDArray[numLayers + 1];
        }

        @Override
        public void residual(int layer, Site s, NDArray stream) {
            // layer 0 (the input) is reported once, after "layer" 0, and read whatever the site
            if (read[layer] && (layer == 0 || s == site)) {
                residual[layer] = stream;
            }
        }

        @Override
        public void attention(int layer, NDArray probabilities) {
            if (keepAttention) {
                attention[layer] = probabilities;
            }
        }

        NDArray residual(int layer) {
            return residual[layer];
        }

        NDArray attention(int layer) {
            return attention[layer];
        }
    }

    /**
     * The masks of a batch of knock-out passes: batch element i removes {@code what} in the layers that
     * {@code scope} covers at ℓ = {@code at[i]}. Layers where no element removes anything are left alone.
     */
    static final class KnockOutMask implements PassProbe {
        private final NDManager manager;
        private final KnockOut what;
        private final KnockOut.Scope scope;
        private final int[] at;
        private final long[] pattern;

        KnockOutMask(NDManager manager, KnockOut what, KnockOut.Scope scope, int[] at, long[] pattern) {
            this.manager = manager;
            this.what = what;
            this.scope = scope;
            this.at = at;
            this.pattern = pattern;
        }

        @Override
        public NDArray attentionMask(int layer, int n) {
            boolean any = false;
            float[] m = new float[at.length * n * n];
            for (int b = 0; b < at.length; b++) {
                if (!scope.covers(layer, at[b])) {
                    continue;
                }
                for (int q = 0; q < n; q++) {
                    for (int k = 0; k < q; k++) {
                        if (what.removes(pattern, q, k)) {
                            m[(b * n + q) * n + k] = Float.NEGATIVE_INFINITY;
                            any = true;
                        }
                    }
                }
            }
            return any ? manager.create(m, new Shape(at.length, 1, n, n)) : null;
        }
    }
}
