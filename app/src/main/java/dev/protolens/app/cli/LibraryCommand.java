package dev.protolens.app.cli;

import dev.protolens.app.library.RunNames;
import dev.protolens.engine.UserError;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.store.RunRecord;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code protolens library}: the runs of a library, and naming one (the window's Library screen, from a shell). */
@Command(name = "library", mixinStandardHelpOptions = true,
        description = "The runs in the run library: list them, name one.",
        subcommands = {LibraryCommand.ListRuns.class, LibraryCommand.LabelRun.class})
final class LibraryCommand implements Runnable {
    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the runs, newest first: id, accuracy, status and name (its label, else its text).")
    static final class ListRuns implements Callable<Integer> {
        @Mixin
        LibraryOption libraryOption;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            RunLibrary lib = libraryOption.library();
            RunLibrary.Listing l = lib.list();
            if (output.json) {
                List<Map<String, Object>> runs = new ArrayList<>();
                for (RunRecord r : l.runs()) {
                    Map<String, Object> e = new LinkedHashMap<>();
                    e.put("id", r.id());
                    e.put("label", r.label());
                    e.put("text", r.text());
                    e.put("model", r.model().name());
                    e.put("batch", r.batch() == null ? null : r.batch().id());
                    e.put("accuracy", r.metrics() == null ? null : r.metrics().accuracy());
                    e.put("status", r.status());
                    e.put("created_at", r.createdAt());
                    runs.add(e);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("library", lib.root().toString());
                out.put("runs", runs);
                out.put("problems", l.problems().stream().map(RunLibrary.Problem::message).toList());
                Json.print(out);
                return 0;
            }
            System.out.println("Run library: " + lib.root());
            if (l.runs().isEmpty()) {
                System.out.println("  (no runs yet; fit one: protolens fit --model DIR --text \"...\")");
            }
            for (RunRecord r : l.runs()) {
                System.out.printf(Locale.ROOT, "  %-40s %6s  %-20s %s%n", r.id(), r.metrics() == null ? "-"
                        : String.format(Locale.ROOT, "%.1f%%", 100 * r.metrics().accuracy()),
                        r.status(), RunNames.name(r, 50));
            }
            l.problems().forEach(p -> System.err.println("warning: " + p.message()));
            return 0;
        }
    }

    @Command(name = "label", mixinStandardHelpOptions = true,
            description = {"Name a run: the name shows in the Library and wherever the window lists runs.",
                "An empty label (\"\") clears it."})
    static final class LabelRun implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN_ID", description = "The run's id (see: protolens library list).")
        String id;

        @Parameters(index = "1", paramLabel = "LABEL", description = "At most " + RunLibrary.MAX_LABEL
                + " characters, one line.")
        String label;

        @Mixin
        LibraryOption libraryOption;

        @Mixin
        JsonOption output;

        @Override
        public Integer call() {
            RunLibrary lib = libraryOption.library();
            if (!Files.isDirectory(lib.root())) {
                throw new UserError("There is no run library at " + lib.root() + ". Give the folder with --library.");
            }
            RunRecord r = lib.label(id, label);
            if (output.json) {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("id", r.id());
                out.put("label", r.label());
                Json.print(out);
            } else {
                System.out.println(r.label() == null ? "Run " + r.id() + " has no label now."
                        : "Run " + r.id() + " is now called \"" + r.label() + "\".");
            }
            return 0;
        }
    }
}
