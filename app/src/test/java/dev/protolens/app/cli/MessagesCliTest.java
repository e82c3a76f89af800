package dev.protolens.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.protolens.app.Main;
import dev.protolens.engine.store.RunLibrary;
import dev.protolens.engine.testing.Shared;
import dev.protolens.engine.weights.SafetensorsWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * Issue 18, items 6, 7, 9 and 10 through the real command line: each mistake ends with exit 2 and a message
 * that names the option and its bound, never a stack trace, and a text reaches the fit exactly as typed.
 */
class MessagesCliTest {
    static final String TEXT = "The cat sat on the mat.";

    @TempDir
    Path tmp;

    private static void assertRefused(Cli.Result r, String... says) {
        assertThat(r.exit()).as(r.err()).isEqualTo(2);
        assertThat(r.err()).as("no stack trace").doesNotContain("Exception").doesNotContain("\tat ");
        for (String s : says) {
            assertThat(r.err()).contains(s);
        }
    }

    @Test
    void negativeTopKIsRefusedByName() throws Exception {
        Path v = tmp.resolve("v.safetensors");
        new SafetensorsWriter().f32("e", new float[64], 64).f32("m", new float[64], 64).writeTo(v);
        assertRefused(Cli.run("decode", "--model", Shared.model("stories260k-hf").toString(), "--vectors",
                v.toString(), "--length", "4", "--top-k", "-1"), "--top-k", "-1");
    }

    @Test
    void nonFiniteVectorsDecodeWithAWarning() throws Exception {
        float[] e = new float[64];
        e[3] = Float.NaN;
        Path v = tmp.resolve("v.safetensors");
        new SafetensorsWriter().f32("e", e, 64).f32("m", new float[64], 64).writeTo(v);
        Cli.Result r = Cli.run("decode", "--model", Shared.model("stories260k-hf").toString(), "--vectors",
                v.toString(), "--length", "4");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("warning").contains("1 NaN or infinite values").contains("means nothing");
    }

    @Test
    void threadsBeyondTheMachineAreRefusedWithTheBound() {
        int cores = Runtime.getRuntime().availableProcessors();
        assertRefused(Cli.run("inspect", "--model", Shared.model("stories260k-hf").toString(), "--threads", "1000"),
                "1000", cores + " cores");
    }

    @Test
    void aBigSeedBatchSaysWhatItWillCostBeforeItStarts() {
        Cli.Result r = Cli.run("fit", "--model", Shared.model("stories260k-hf").toString(), "--text",
                "The cat sat on the mat.", "--restarts", "32", "--steps", "2", "--no-save", "--quiet");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.err()).contains("estimate: 32 seeds x at most 2 updates, at most about");
        int estimate = r.err().indexOf("estimate:");
        int fitting = r.err().indexOf("fitting ");
        assertThat(estimate).as("the estimate comes before the fit starts").isLessThan(fitting);
        Cli.Result small = Cli.run("fit", "--model", Shared.model("stories260k-hf").toString(), "--text",
                "The cat sat on the mat.", "--restarts", "2", "--steps", "2", "--no-save", "--quiet");
        assertThat(small.err()).as("a small batch starts at once").doesNotContain("estimate:");
    }

    @Test
    void pointsBeyondTheBoundAreRefusedBeforeAnyWork() {
        assertRefused(Cli.run("interpolate", "--a", "x", "--b", "y", "--points", "100000", "--out",
                tmp.resolve("p.csv").toString(), "--library", tmp.resolve("lib").toString()), "100000", "1001");
    }

    @Test
    void anEmptyModelIsNotTheWorkingDirectory() {
        assertRefused(Cli.run("fit", "--model", "", "--text", TEXT, "--no-save"), "--model is empty");
    }

    /** Found by the fault campaign: the fit ran to its end and only then failed to save, with exit 1. */
    @Test
    void aLibraryThatIsAFileIsRefusedBeforeTheFit() throws Exception {
        Path file = tmp.resolve("lib");
        Files.writeString(file, "mine");
        Cli.Result r = Cli.run("fit", "--model", Shared.model("stories260k-hf").toString(), "--text", TEXT, "--steps",
                "1", "--library", file.toString(), "--quiet");
        assertRefused(r, "is a file, not a folder");
        assertThat(r.err()).as("refused before fitting").doesNotContain("fitting ");
        assertThat(Files.readString(file)).isEqualTo("mine");
    }

    /** Found by the fault campaign: bench --length 100000 ran on past 90 s. */
    @Test
    void benchBeyondTheContextIsRefusedWithTheContext() {
        assertRefused(Cli.run("bench", "--model", Shared.model("stories260k-hf").toString(), "--length", "100000"),
                "--length 100000", "context is 512");
    }

    @Test
    void aHugeTextFileIsRefusedBeforeItIsTokenized() throws Exception {
        Path f = tmp.resolve("big.txt");
        Files.writeString(f, "The cat sat on the mat. ".repeat(100_000)); // 2.4 MB
        long t0 = System.nanoTime();
        assertRefused(Cli.run("fit", "--model", Shared.model("stories260k-hf").toString(), "--text-file",
                f.toString(), "--no-save"), "at most 1000 KB");
        assertThat((System.nanoTime() - t0) / 1e9).as("refused before tokenizing").isLessThan(20);
    }

    @Test
    void aByteOrderMarkIsNotFitted() throws Exception {
        String model = Shared.model("stories260k-hf").toString();
        Path f = tmp.resolve("bom.txt");
        Files.write(f, ("\uFEFF" + TEXT + "\n").getBytes(StandardCharsets.UTF_8));
        JsonNode plain = fit(Cli.run("fit", "--model", model, "--text", TEXT, "--steps", "0", "--no-save", "--json"));
        JsonNode file = fit(Cli.run("fit", "--model", model, "--text-file", f.toString(), "--steps", "0",
                "--no-save", "--json"));
        JsonNode arg = fit(Cli.run("fit", "--model", model, "--text", "\uFEFF" + TEXT, "--steps", "0", "--no-save",
                "--json"));
        assertThat(file.get("text").asString()).isEqualTo(TEXT);
        assertThat(arg.get("text").asString()).isEqualTo(TEXT);
        assertThat(file.get("tokens").asInt()).isEqualTo(plain.get("tokens").asInt());
        assertThat(arg.get("tokens").asInt()).isEqualTo(plain.get("tokens").asInt());
    }

    @Test
    void underLangCAnEmojiArgumentIsFittedAsTheEmojiNotQuestionMarks() throws Exception {
        // printf's octal escapes: the four UTF-8 bytes of U+1F600, passed by the shell as they are
        Child c = child("\\360\\237\\230\\200 " + TEXT);
        assertThat(c.exit).as(c.out).isZero();
        JsonNode j = RunLibrary.JSON.readTree(c.out.substring(c.out.indexOf('{')));
        assertThat(j.get("text").asString()).isEqualTo("\uD83D\uDE00 " + TEXT);
    }

    @Test
    void bytesThatAreNotUtf8InAnArgumentAreRefusedLikeInAFile() throws Exception {
        Child c = child("The \\377 cat");
        assertThat(c.exit).as(c.out).isEqualTo(2);
        assertThat(c.out).contains("--text is not UTF-8").doesNotContain("Exception");
    }

    private static JsonNode fit(Cli.Result r) throws Exception {
        assertThat(r.exit()).as(r.err()).isZero();
        return RunLibrary.JSON.readTree(r.out());
    }

    private record Child(int exit, String out) {}

    /** fit --steps 0 in a child JVM under LANG=C, with --text given as printf renders {@code printfText}. */
    private Child child(String printfText) throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = new ArrayList<>(List.of("/bin/sh", "-c", "exec \"$0\" --enable-native-access=ALL-UNNAMED"
                + " -cp \"$1\" \"$2\" fit --model \"$3\" --steps 0 --no-save --json --text \"$(printf '"
                + printfText + "')\"", java.toString(), System.getProperty("java.class.path"), Main.class.getName(),
                Shared.model("stories260k-hf").toString()));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("LANG", "C");
        pb.environment().put("LC_ALL", "C");
        pb.environment().remove("JAVA_TOOL_OPTIONS");
        Path out = tmp.resolve("child.txt");
        Process p = pb.redirectOutput(out.toFile()).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the child did not end: " + Files.readString(out));
        }
        return new Child(p.exitValue(), Files.readString(out, StandardCharsets.ISO_8859_1));
    }
}
