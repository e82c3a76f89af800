package dev.protolens.app.cli;

import picocli.CommandLine.Option;

/** {@code --json}: the result as one JSON object on stdout (progress and logs stay on stderr). */
final class JsonOption {
    @Option(names = "--json", description = "Print the result as one JSON object on stdout.")
    boolean json;
}
