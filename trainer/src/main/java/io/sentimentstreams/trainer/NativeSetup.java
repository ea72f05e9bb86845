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

    private NativeSetup() {
    }

    /** Call before the first ND4J class is touched; later calls do nothing (or rethrow the first one's failure). */
    public static void configure() {
        Applied.ensure();
    }

    /**
     * The settings are process-wide, so they are applied exactly once per JVM: class initialisation gives
     * that, thread-safe, without a mutable flag.
     */
    private static final class Applied {

        /** Why applying failed, or null; kept so that callers get the cause itself, not an initialiser error. */
        private static final RuntimeException FAILURE = apply();

        private Applied() {
        }

        static void ensure() {
            if (FAILURE != null) {
                throw FAILURE;
            }
        }

        private static RuntimeException apply() {
            try {
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
                return null;
            } catch (final RuntimeException e) {
                return e;
            }
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
