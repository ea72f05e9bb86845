package io.sentimentstreams.model.fast;

/**
 * Answers whether {@code jdk.incubator.vector} is resolved in this JVM, without touching any of its
 * classes, so callers can refuse the fast engine cleanly instead of failing with a linkage error.
 */
public final class VectorSupport {

    private static final boolean AVAILABLE = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();

    private VectorSupport() {
    }

    public static boolean available() {
        return AVAILABLE;
    }
}
