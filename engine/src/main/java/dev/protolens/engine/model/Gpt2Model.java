package dev.protolens.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.protolens.engine.UserError;
import java.util.List;

/** GPT-2. */
final class Gpt2Model extends TransformerModel {
    Gpt2Model(ModelConfig c, WeightLoader w, NDManager manager, DataType compute) {
        super(c, manager, compute);
        throw new UserError("gpt2 is not implemented yet");
    }

    @Override
    public NDArray embed(NDArray ids) {
        throw new UnsupportedOperationException();
    }

    @Override
    public NDArray embeddingTable() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected Trace run(NDArray inputEmbeds, List<NDArray> residual) {
        throw new UnsupportedOperationException();
    }
}
