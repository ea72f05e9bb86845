package io.sentimentstreams.model;

import io.sentimentstreams.contracts.ModelRef;

/**
 * What {@link Engines#load} hands a service: the engine that serves a bundle, its name ({@code dl4j} or
 * {@code fast}) for logs and metric tags, and the canary outcome that decided it.
 */
public record LoadedModel(ModelRef ref, SentimentModel model, String engine, CanaryResult canary)
        implements AutoCloseable {

    public float[] score(final int[][] ids) {
        return model.score(ids);
    }

    @Override
    public void close() {
        model.close();
    }
}
