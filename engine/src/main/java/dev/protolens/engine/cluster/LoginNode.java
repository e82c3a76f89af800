package dev.protolens.engine.cluster;

import dev.protolens.engine.UserError;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Where the Slurm commands ({@code sbatch}, {@code squeue}, {@code sacct}, {@code scancel}, {@code sinfo}) run: this
 * machine when it is a login node, or a login node over ssh with the user's own ssh configuration (keys, agent,
 * {@code ~/.ssh/config}), never a password prompt. Over ssh, the plan and the run folder must be at the same path
 * on both machines (a shared home or project file system), as the cluster's nodes need anyway.
 *
 * @param sshHost null for this machine, else a host as {@code ssh} understands it ({@code login1}, {@code me@hpc})
 * @param path    the PATH searched for the commands on this machine
 */
public record LoginNode(String sshHost, String path) {

    /** What a command printed, and how it ended. */
    public record Result(int exit, String out, String err) {
        public boolean ok() {
            return exit == 0;
        }
    }

    public static LoginNode local() {
        return new LoginNode(null, System.getenv().getOrDefault("PATH", ""));
    }

    public static LoginNode ssh(String host) {
        return ssh(host, System.getenv().getOrDefault("PATH", ""));
    }

    static LoginNode ssh(String host, String path) {
        if (host == null || host.isBlank() || host.startsWith("-") || host.chars().anyMatch(Character::isWhitespace)) {
            throw new UserError("\"" + host + "\" is not an ssh host: give one as you would to ssh, e.g. login1 or"
                    + " me@hpc.example.org");
        }
        return new LoginNode(host.strip(), path);
    }

    public boolean isLocal() {
        return sshHost == null;
    }

    /** In words, for messages: "this machine" or "login1 (over ssh)". */
    public String describe() {
        return isLocal() ? "this machine" : sshHost + " (over ssh)";
    }

    /** Runs a Slurm command; a missing command or an unreachable host is the user's to fix, so a {@link UserError}. */
    public Result run(List<String> command) {
        List<String> cmd = new ArrayList<>();
        String tool = command.getFirst();
        if (isLocal()) {
            Path exe = which(tool);
            if (exe == null) {
                throw new UserError(tool + " is not on PATH: this machine is not a Slurm login node. Run protolens"
                        + " on the cluster's login node, or submit from here over ssh with --login HOST.");
            }
            cmd.add(exe.toString());
            cmd.addAll(command.subList(1, command.size()));
        } else {
            Path ssh = which("ssh");
            if (ssh == null) {
                throw new UserError("ssh is not on PATH: install an OpenSSH client to submit to " + sshHost
                        + ", or run protolens on the login node itself");
            }
            cmd.addAll(List.of(ssh.toString(), "-o", "BatchMode=yes", "-o", "ConnectTimeout=20", sshHost, "--"));
            StringBuilder remote = new StringBuilder();
            for (String a : command) {
                remote.append(remote.isEmpty() ? "" : " ").append(SbatchScript.quote(a));
            }
            cmd.add(remote.toString());
        }
        Result r = exec(cmd);
        if (!isLocal() && r.exit() == 255) {
            throw new UserError("could not reach " + sshHost + " over ssh: " + r.err().strip() + ". Check that `ssh "
                    + sshHost + " true` works without a password prompt (a key in ssh-agent, or ~/.ssh/config).");
        }
        if (!isLocal() && r.exit() == 127) {
            throw new UserError(tool + " was not found on " + sshHost + ": it is not a Slurm login node (or Slurm's"
                    + " commands are not on PATH for a non-interactive ssh session there).");
        }
        return r;
    }

    private Path which(String tool) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty()) {
                Path p = Path.of(dir, tool);
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private static Result exec(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            p.getOutputStream().close();
            CompletableFuture<String> out = drain(p.getInputStream());
            CompletableFuture<String> err = drain(p.getErrorStream());
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new UserError(String.join(" ", cmd) + " did not answer within 2 minutes: is slurmctld"
                        + " reachable (`sinfo`)?");
            }
            return new Result(p.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new UserError("could not start " + cmd.getFirst() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UserError("interrupted while waiting for " + cmd.getFirst(), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try (in) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }
}
