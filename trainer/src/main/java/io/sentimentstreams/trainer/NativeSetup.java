package io.sentimentstreams.trainer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Picks the fastest ND4J native build and threading for training and DL4J scoring on this machine, before
 * ND4J loads: the oneDNN/AVX2 libnd4j when the CPU has AVX2 (measured about 2.5x the generic build for
 * the BiLSTM here), and one OpenMP thread per calling thread (several OpenMP threads per tiny LSTM step
 * cost more in synchronisation than they gain; parallelism comes from data-parallel workers instead).
 * Explicit settings (system property, OMP_NUM_THREADS) are left alone. The in-process thread limit is a
 * fallback only: training measured 2-3x slower with it than with {@code OMP_NUM_THREADS=1} in the
 * environment, which the launcher, the images and the services' launcher set.
 */
public final class NativeSetup {

    static final String EXTENSION = "org.bytedeco.javacpp.platform.extension";
    private static volatile boolean done;

    private NativeSetup() {
    }

    /** Call before the first ND4J class is touched; later calls do nothing. */
    public static synchronized void configure() {
        if (done) {
            return;
        }
        done = true;
        if (System.getProperty(EXTENSION) == null && hasAvx2()) {
            System.setProperty(EXTENSION, "-onednn-avx2");
        }
        if (System.getProperty("org.bytedeco.javacpp.nopointergc") == null) {
            System.setProperty("org.bytedeco.javacpp.nopointergc", "true");
        }
        if (System.getenv("OMP_NUM_THREADS") == null) {
            Nd4j.getEnvironment().setMaxThreads(1);
            Nd4j.getEnvironment().setMaxMasterThreads(1);
        }
    }

    static boolean hasAvx2() {
        try {
            final Path cpuinfo = Path.of("/proc/cpuinfo");
            return Files.isReadable(cpuinfo) && Files.readString(cpuinfo).contains(" avx2");
        } catch (IOException e) {
            return false;
        }
    }
}
