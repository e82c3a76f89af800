package dev.protolens.engine.runtime;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.Locale;
import java.util.Optional;

/**
 * Keeps glibc's malloc from handing libtorch's large temporaries back to the kernel after every step.
 *
 * <p>A fit step allocates and frees the same few large tensors each time (the logits of N × vocab floats and
 * their gradient: 8 MB each for TinyLLama at N = 64). Under glibc's defaults the JVM's worker threads allocate
 * from secondary arenas that are trimmed as soon as such a block is freed, so the next step faults every page
 * back in: 30 % of the fit's CPU time was kernel time (4.1 s of 19.9 s for 300 steps), and a step took about
 * twice the reference's. Fixing the mmap threshold at 32 MiB (glibc's largest) and raising the trim threshold
 * to 128 MiB keeps those blocks in the process for reuse: kernel time fell to 0.9 s for the same steps and the
 * median step from 52.7 to 25.2 ms. The cost is that up to 128 MiB freed at the top of a heap stays with the
 * process. Measured alternatives: a 1 GiB trim threshold was as fast but let the resident set creep up by
 * 9 % over a 5000-step fit (128 MiB: 3 %, like the defaults); glibc's top_pad alone made steps 3x slower.
 *
 * <p>Linux with glibc only; elsewhere, or when {@code PROTOLENS_MALLOC_TUNING=0}, nothing changes.
 */
final class NativeAllocator {
    private static final int M_TRIM_THRESHOLD = -1;
    private static final int M_MMAP_THRESHOLD = -3;
    private static final int MMAP_THRESHOLD = 32 << 20;
    private static final int TRIM_THRESHOLD = 128 << 20;

    private NativeAllocator() {}

    /** Applies the settings once; says what was done, or empty when nothing was (not glibc, or turned off). */
    static Optional<String> tune() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("linux")
                || "0".equals(System.getenv("PROTOLENS_MALLOC_TUNING"))) {
            return Optional.empty();
        }
        try {
            Linker linker = Linker.nativeLinker();
            if (linker.defaultLookup().find("gnu_get_libc_version").isEmpty()) {
                return Optional.empty(); // musl and others: their malloc has no such knobs
            }
            MethodHandle mallopt = linker.downcallHandle(linker.defaultLookup().find("mallopt").orElseThrow(),
                    FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
            int a = (int) mallopt.invokeExact(M_MMAP_THRESHOLD, MMAP_THRESHOLD);
            int b = (int) mallopt.invokeExact(M_TRIM_THRESHOLD, TRIM_THRESHOLD);
            return a == 1 && b == 1 ? Optional.of("glibc malloc: mmap threshold 32 MiB, trim threshold 128 MiB")
                    : Optional.empty();
        } catch (Throwable e) {
            // without native access (or on an unusual libc) the defaults stay: slower, never wrong
            return Optional.empty();
        }
    }
}
