package io.sentimentstreams.contracts;

import java.time.Instant;

/**
 * One review scored by the shadow model beside the live one, on {@code reviews.shadow}: both versions, their
 * scores (P(positive)) and labels, and whether the labels agree. Never a label of record: the live result
 * is the one on {@code reviews.labeled}.
 */
public record ShadowResult(
        int schema,
        String id,
        Lang lang,
        String liveModel,
        int liveVersion,
        double liveScore,
        Label liveLabel,
        String shadowModel,
        int shadowVersion,
        double shadowScore,
        Label shadowLabel,
        boolean agree,
        Instant scoredAt) {

    public static final int SCHEMA = 1;
}
