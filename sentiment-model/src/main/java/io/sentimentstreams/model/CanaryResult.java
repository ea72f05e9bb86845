package io.sentimentstreams.model;

/**
 * The outcome of comparing the fast engine with the DL4J reference when a model is loaded: whether
 * fast may serve, over how many reviews, the largest |P_fast - P_dl4j| seen, and why not when it may not.
 *
 * @param status     see {@link Status}
 * @param reviews    canary reviews scored by both engines (0 when the comparison did not run)
 * @param maxAbsDiff largest absolute probability difference (NaN when the comparison did not run)
 * @param tolerance  the limit the difference had to stay within
 * @param reason     one human-readable line for logs
 */
public record CanaryResult(Status status, int reviews, double maxAbsDiff, double tolerance, String reason) {

    /** Low-cardinality outcome, suitable as a metric tag ({@link #tag()}). */
    public enum Status {
        /** Both engines agreed within tolerance: fast serves. */
        PASSED,
        /** The engines disagreed beyond tolerance (or fast produced NaN where DL4J did not): dl4j serves. */
        FAILED,
        /** The fast engine cannot run this network shape: dl4j serves. */
        UNSUPPORTED,
        /** The JVM lacks {@code jdk.incubator.vector} (no {@code --add-modules}): dl4j serves. */
        UNAVAILABLE,
        /** The caller chose dl4j, so no comparison ran. */
        NOT_RUN
    }

    public boolean fastAccepted() {
        return status == Status.PASSED;
    }

    /** {@code passed}, {@code failed}, {@code unsupported}, {@code unavailable} or {@code not_run}. */
    public String tag() {
        return status.name().toLowerCase(java.util.Locale.ROOT);
    }

    static CanaryResult notRun(final String reason) {
        return new CanaryResult(Status.NOT_RUN, 0, Double.NaN, Canary.TOLERANCE, reason);
    }
}
