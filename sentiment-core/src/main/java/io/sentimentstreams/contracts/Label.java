package io.sentimentstreams.contracts;

/** The two sentiment classes; index 1 of the network's softmax is {@link #POSITIVE}. */
public enum Label {
    NEGATIVE,
    POSITIVE;

    public static Label of(final double pPositive, final double threshold) {
        return pPositive >= threshold ? POSITIVE : NEGATIVE;
    }
}
