package dev.protolens.engine.store;

import dev.protolens.engine.proto.ProtoTokens;
import dev.protolens.engine.fit.FitState;
import java.nio.file.Path;

/**
 * A run as stored: its record, its vectors, the folder it lives in, and for checkpoints the optimiser
 * state to resume from (null otherwise).
 */
public record Run(RunRecord record, ProtoTokens vectors, Path folder, FitState resumeState) {
    public String id() {
        return record.id();
    }
}
