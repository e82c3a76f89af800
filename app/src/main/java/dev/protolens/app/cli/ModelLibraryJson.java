package dev.protolens.app.cli;

import picocli.CommandLine.Mixin;

/**
 * The options of every command that works on a library's runs with a model: {@code --model} and the device
 * ({@link ModelOptions}), {@code --library} ({@link LibraryOption}) and {@code --json} ({@link JsonOption}).
 */
final class ModelLibraryJson {
    @Mixin
    ModelOptions model;

    @Mixin
    LibraryOption library;

    @Mixin
    JsonOption output;
}
