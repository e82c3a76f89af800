package dev.protolens.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes a file, or a folder of files, so that readers see the old content or the new, never half of it.
 *
 * <p>A file goes to a hidden temporary file beside it, is flushed to the disk (so a power loss cannot leave
 * an empty file behind the rename) and replaces the old one with one atomic rename.
 *
 * <p>A folder (a run, a learned path) is written and flushed into a hidden {@code .incoming-*} sibling, then
 * swapped in with atomic renames; the old version is parked as {@code .replaced-*} for the instant between the
 * two renames and put back by {@link #recoverFolders} if the process died right there. A parked folder is
 * only ever whole: what is thrown away is first renamed to {@code .deleting-*} and deleted under that name, so
 * a kill during a deletion cannot leave a half-deleted {@code .replaced-*} for recovery to restore. And there
 * is at most one per name: stale ones (a kill after the swap) are thrown away before the next parking.
 * Callers that share a parent folder between processes serialise these calls (RunLibrary holds its lock).
 */
public final class AtomicFiles {
    private static final String INCOMING = ".incoming-";
    private static final String REPLACED = ".replaced-";
    private static final String DELETING = ".deleting-";

    private AtomicFiles() {}

    public static void write(Path file, byte[] data) throws IOException {
        Path abs = file.toAbsolutePath();
        // not Files.createTempFile: it makes the file 0600 whatever the umask, and an exported figure or table
        // must get the permissions any other file the user writes gets
        Path tmp = abs.resolveSibling("." + abs.getFileName() + "." + Long.toHexString(ThreadLocalRandom.current()
                .nextLong()) + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                writeAll(ch, data);
                ch.force(true);
            }
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
            // parked versions left by a kill after an earlier swap are older than the target (or, with no
            // target, than this save): recovery must never find one beside the version parked below
            discardParked(parent, name);
            Path parked = null;
            if (Files.exists(target)) {
                // a non-negative suffix without '-', so recovery finds the name before the last '-'
                parked = parent.resolve(REPLACED + name + "-" + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
                move(target, parked);
            }
            move(tmp, target);
            syncDirectory(parent);
            if (parked != null) {
                discard(parked);
            }
        } finally {
            deleteTree(tmp);
        }
    }

    private static void discardParked(Path parent, String name) throws IOException {
        List<Path> stale;
        try (Stream<Path> s = Files.list(parent)) {
            stale = s.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith(REPLACED) && n.lastIndexOf('-') > REPLACED.length()
                        && n.substring(REPLACED.length(), n.lastIndexOf('-')).equals(name);
            }).toList();
        }
        for (Path p : stale) {
            discard(p);
        }
    }

    /** Deletes a folder under a name recovery ignores, so that a kill halfway leaves nothing it would restore. */
    private static void discard(Path p) throws IOException {
        Path doomed = p.resolveSibling(DELETING + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE));
        move(p, doomed);
        deleteTree(doomed);
    }

    /**
     * Finishes what a crash during {@link #writeFolder} interrupted: restores parked folders, removes
     * half-written ones. What it cannot tidy (a file held open on Windows) stays for next time.
     */
    public static void recoverFolders(Path parent) throws IOException {
        if (!Files.isDirectory(parent)) {
            return;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(parent)) {
            entries = s.toList();
        }
        for (Path p : entries) {
            String n = p.getFileName().toString();
            try {
                if (n.startsWith(REPLACED) && n.lastIndexOf('-') > REPLACED.length()) {
                    Path target = parent.resolve(n.substring(REPLACED.length(), n.lastIndexOf('-')));
                    if (!Files.exists(target)) {
                        move(p, target);
                    } else {
                        deleteTree(p);
                    }
                } else if (n.startsWith(INCOMING) || n.startsWith(DELETING)) {
                    deleteTree(p);
                }
            } catch (IOException e) {
                // left as it is; listings skip dot-folders
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
            writeAll(ch, data);
            ch.force(true);
        }
    }

    private static void writeAll(FileChannel ch, byte[] data) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(data);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // not every platform can sync a directory (Windows); the renames are still atomic
        }
    }

    public static void deleteTree(Path p) throws IOException {
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
