package dev.protolens.engine.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Writes a file, or a folder of files, so that readers see the old content or the new, never half of it.
 *
 * <p>A folder (a run, a learned path) is written and flushed into a hidden {@code .incoming-*} sibling, then
 * swapped in with atomic renames; the old version is parked as {@code .replaced-*} for the instant between the
 * two renames and put back by {@link #recoverFolders} if the process died right there.
 */
public final class AtomicFiles {
    private static final String INCOMING = ".incoming-";
    private static final String REPLACED = ".replaced-";

    private AtomicFiles() {}

    public static void write(Path file, byte[] data) throws IOException {
        Path abs = file.toAbsolutePath();
        Path tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName(), ".tmp");
        try {
            Files.write(tmp, data);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Creates or replaces {@code parent/name} with exactly {@code files} (file name to content, written in
     * the map's order and flushed to disk before the swap).
     */
    public static void writeFolder(Path parent, String name, Map<String, byte[]> files) throws IOException {
        Files.createDirectories(parent);
        Path target = parent.resolve(name);
        Path tmp = Files.createTempDirectory(parent, INCOMING + name + "-");
        try {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                writeDurably(tmp.resolve(f.getKey()), f.getValue());
            }
            Path parked = null;
            if (Files.exists(target)) {
                parked = parent.resolve(REPLACED + name + "-" + System.nanoTime());
                move(target, parked);
            }
            move(tmp, target);
            syncDirectory(parent);
            if (parked != null) {
                deleteTree(parked);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    /** Finishes what a crash during {@link #writeFolder} interrupted: restores parked folders, removes half-written ones. */
    public static void recoverFolders(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        try (Stream<Path> s = Files.list(parent)) {
            for (Path p : s.toList()) {
                String n = p.getFileName().toString();
                if (n.startsWith(REPLACED)) {
                    Path target = parent.resolve(n.substring(REPLACED.length(), n.lastIndexOf('-')));
                    if (!Files.exists(target)) {
                        move(p, target);
                    } else {
                        deleteTree(p);
                    }
                } else if (n.startsWith(INCOMING)) {
                    deleteTree(p);
                }
            }
        }
    }

    /** A rename, atomic where the file system allows it. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to);
        }
    }

    private static void writeDurably(Path file, byte[] data) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            ch.force(true);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory (Windows); the renames are still atomic
        }
    }

    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (Stream<Path> s = Files.walk(p)) {
            for (Path x : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(x);
            }
        }
    }
}
