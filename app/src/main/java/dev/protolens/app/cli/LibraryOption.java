package dev.protolens.app.cli;

import dev.protolens.engine.store.RunLibrary;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --library}: the run library a command reads or writes. */
final class LibraryOption {
    @Option(names = "--library", paramLabel = "DIR", description = "Run library folder (default: the app's library,"
            + " or $PROTOLENS_LIBRARY).")
    Path library;

    RunLibrary library() {
        return library != null ? new RunLibrary(library) : RunLibrary.openDefault();
    }
}
