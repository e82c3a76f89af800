package dev.protolens.app.models;

import dev.protolens.engine.hub.Sizes;
import java.util.List;

/**
 * A small model the picker offers to download on a first run: base models of the families ProtoLens reads, small
 * enough for a laptop's CPU. The sizes are what the hub lists for the files a pull takes (weights, config,
 * tokenizer), rounded; the pull's own plan replaces them with the exact total once it starts.
 *
 * @param approxBytes the download size, rounded as shown on the button
 */
public record SuggestedModel(String repoId, String label, long approxBytes, String note) {
    public static final List<SuggestedModel> SMALL = List.of(
            new SuggestedModel("HuggingFaceTB/SmolLM2-135M", "SmolLM2-135M", 270_000_000L,
                    "Llama family, 30 layers, d=576, bf16; the quickest real model to fit with"),
            new SuggestedModel("EleutherAI/pythia-160m", "Pythia-160M", 330_000_000L,
                    "GPT-NeoX family, 12 layers, d=768, fp16; one of the paper's model families"),
            new SuggestedModel("Qwen/Qwen2.5-0.5B", "Qwen2.5-0.5B", 990_000_000L,
                    "Qwen2 family, 24 layers, d=896, bf16"),
            new SuggestedModel("TinyLlama/TinyLlama-1.1B-Chat-v1.0", "TinyLlama-1.1B", 2_200_000_000L,
                    "Llama family, 22 layers, d=2048, bf16; needs about 5 GB of memory on the CPU"));

    /** "Download SmolLM2-135M (270 MB)". */
    public String buttonText() {
        return "Download " + label + " (" + Sizes.human(approxBytes) + ")";
    }
}
