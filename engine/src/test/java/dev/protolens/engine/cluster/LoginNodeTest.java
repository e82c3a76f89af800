package dev.protolens.engine.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.protolens.engine.UserError;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Slurm's commands over ssh, with a stand-in {@code ssh} that records its arguments and runs the remote line here. */
class LoginNodeTest {

    @TempDir
    Path dir;

    private void tool(String name, String body) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void theRemoteLineIsOneQuotedCommandInBatchMode() throws IOException {
        // the last argument is what the login node's shell runs
        tool("ssh", "printf '%s\\n' \"$@\" > '" + dir.resolve("args") + "'\nfor a; do last=$a; done\nexec sh -c \"$last\"\n");
        LoginNode node = LoginNode.ssh("me@hpc", dir + ":/usr/bin:/bin");
        LoginNode.Result r = node.run(List.of("echo", "a plan/with space's.json", "--array=1,3"));
        assertTrue(r.ok(), r.err());
        assertEquals("a plan/with space's.json --array=1,3\n", r.out());
        List<String> args = Files.readAllLines(dir.resolve("args"));
        assertEquals(List.of("-o", "BatchMode=yes", "-o", "ConnectTimeout=20", "me@hpc", "--"), args.subList(0, 6));
        assertEquals("me@hpc (over ssh)", node.describe());
    }

    @Test
    void anUnreachableHostOrAMissingCommandThereIsTheUsersToFix() throws IOException {
        tool("ssh", "echo 'ssh: connect to host hpc port 22: Connection refused' >&2\nexit 255\n");
        UserError refused = assertThrows(UserError.class, () -> LoginNode.ssh("hpc", dir.toString())
                .run(List.of("sbatch", "x")));
        assertTrue(refused.getMessage().contains("could not reach hpc over ssh: ssh: connect to host hpc port 22:"
                + " Connection refused") && refused.getMessage().contains("ssh hpc true"), refused.getMessage());
        tool("ssh", "echo 'bash: sbatch: command not found' >&2\nexit 127\n");
        UserError missing = assertThrows(UserError.class, () -> LoginNode.ssh("hpc", dir.toString())
                .run(List.of("sbatch", "x")));
        assertTrue(missing.getMessage().contains("sbatch was not found on hpc"), missing.getMessage());
        assertThrows(UserError.class, () -> LoginNode.ssh("-oProxyCommand=x", dir.toString()));
        UserError noSsh = assertThrows(UserError.class, () -> LoginNode.ssh("hpc", dir.resolve("empty").toString())
                .run(List.of("sbatch")));
        assertTrue(noSsh.getMessage().contains("ssh is not on PATH"), noSsh.getMessage());
    }
}
