package dev.protolens.engine.decode;

import dev.protolens.engine.proto.ProtoTokens;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.protolens.engine.UserError;
import dev.protolens.engine.model.LoadedModel;
import java.util.ArrayList;
import java.util.List;

/**
 * Ordinary autoregressive greedy generation from a prompt, for sanity checks and for comparing with
 * one-step decoding. Each step reruns the whole prefix: there is no KV cache, because these are short
 * texts and the same forward pass serves every other feature.
 */
public final class Generation {
    private Generation() {}

    public record Result(long[] promptIds, long[] generatedIds, String text, String continuation) {}

    /**
     * Autoregressive greedy writing that starts from the proto-token e instead of a prompt: input [e], then the
     * embeddings of the tokens written so far. Shows what the model writes token by token when conditioned on e,
     * next to what [e, m, …, m] writes in one pass.
     */
    public static Result fromVectors(LoadedModel m, ProtoTokens v, int maxTokens) {
        int d = m.config().hiddenSize();
        if (v.dim() != d) {
            throw new UserError("The vectors have " + v.dim() + " dimensions but the model embeds into " + d);
        }
        List<Long> generated = new ArrayList<>();
        int limit = Math.min(maxTokens, m.config().maxPositions());
        dev.protolens.engine.runtime.EngineRuntime.setGradMode(false);
        for (int s = 0; s < limit; s++) {
            try (NDManager step = m.model().manager().newSubManager()) {
                NDArray e = step.create(v.e(), new Shape(1, 1, d));
                NDArray x = e;
                if (!generated.isEmpty()) {
                    long[] arr = generated.stream().mapToLong(Long::longValue).toArray();
                    x = e.concat(m.model().embed(step.create(arr, new Shape(1, arr.length))), 1);
                }
                NDArray logits = m.model().logits(x);
                generated.add(logits.get(0, s).argMax().getLong());
            }
        }
        long[] gen = generated.stream().mapToLong(Long::longValue).toArray();
        String text = m.tokenizer().decode(gen, false);
        return new Result(new long[0], gen, text, text);
    }

    /** Greedy continuation of BOS + prompt; stops at EOS or after {@code maxTokens} new tokens. */
    public static Result greedy(LoadedModel m, String prompt, int maxTokens) {
        long[] prompt0 = m.tokenizer().encode(prompt, true).ids();
        if (prompt0.length == 0) {
            throw new UserError("the prompt is empty and the model has no BOS token to start from");
        }
        List<Long> ids = new ArrayList<>();
        for (long id : prompt0) {
            ids.add(id);
        }
        int limit = Math.min(maxTokens, m.config().maxPositions() - prompt0.length);
        long eos = m.tokenizer().eosId().orElse(-1);
        List<Long> generated = new ArrayList<>();
        for (int s = 0; s < limit; s++) {
            long next;
            try (NDManager step = m.model().manager().newSubManager()) {
                long[] arr = ids.stream().mapToLong(Long::longValue).toArray();
                NDArray logits = m.model().logitsForTokens(step.create(arr, new Shape(1, arr.length)));
                next = logits.get(0, arr.length - 1).argMax().getLong();
            }
            if (next == eos) {
                break;
            }
            ids.add(next);
            generated.add(next);
        }
        long[] all = ids.stream().mapToLong(Long::longValue).toArray();
        long[] gen = generated.stream().mapToLong(Long::longValue).toArray();
        return new Result(prompt0, gen, m.tokenizer().decode(all, true), m.tokenizer().decode(gen, true));
    }
}
