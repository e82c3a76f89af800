package dev.protolens.engine.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.core.Linear;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * libtorch keeps the intra-op thread count per native thread (MKL's is set with mkl_set_num_threads_local). A
 * worker thread that enters the model (every path calls {@link EngineRuntime#setGradMode} first) must compute
 * with the engine's count: on its own, MKL runs a thread's matrix products on every core, which on a 2-core
 * machine took both cores from the window during a slider drag. Observed as process CPU time per wall second
 * while a new thread runs head-sized products (TinyLlama's: 32 positions x 64 dims x 32,000 tokens).
 */
class WorkerThreadsTest {

    @Test
    void aNewThreadComputesWithTheEnginesThreadCount() throws Exception {
        EngineRuntime rt = EngineRuntime.get();
        int engine = rt.threads();
        int cores = Runtime.getRuntime().availableProcessors();
        AtomicReference<double[]> used = new AtomicReference<>();
        Thread t = new Thread(() -> {
            EngineRuntime.setGradMode(false);
            try (NDManager m = rt.newManager()) {
                NDArray w = m.randomNormal(new Shape(32000, 64));
                NDArray x = m.randomNormal(new Shape(1, 32, 64));
                for (int i = 0; i < 20; i++) {
                    Linear.linear(x, w, null).singletonOrThrow().close();
                }
                long cpu0 = processCpuNanos();
                long wall0 = System.nanoTime();
                int n = 0;
                while (System.nanoTime() - wall0 < 600_000_000L) {
                    Linear.linear(x, w, null).singletonOrThrow().close();
                    n++;
                }
                used.set(new double[] {(double) (processCpuNanos() - cpu0) / (System.nanoTime() - wall0), n});
            }
        }, "model-worker-test");
        t.start();
        t.join();
        double cpusPerSecond = used.get()[0];
        System.out.printf("engine threads %d on %d cores; a new worker thread's %d head products used %.2f CPU"
                + " seconds per second%n", engine, cores, (int) used.get()[1], cpusPerSecond);
        if (cores > engine) {
            // MKL on its own would use every core; the rest of the JVM adds a few percent at most
            assertThat(cpusPerSecond).isLessThan(engine + 0.5);
        }
        // only that the measure saw the work: how much of a core it got depends on the machine's load (it was
        // 0.24 at a load average of 21 on 2 cores), which is no property of the engine
        assertThat(cpusPerSecond).isGreaterThan(0.0);
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
