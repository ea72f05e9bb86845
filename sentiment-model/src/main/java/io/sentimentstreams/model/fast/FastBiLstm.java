package io.sentimentstreams.model.fast;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.model.SentimentModel;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/** Placeholder while the engine is written. */
public final class FastBiLstm implements SentimentModel {
    public static FastBiLstm create(final MultiLayerNetwork net, final Architecture arch)
            throws UnsupportedArchitectureException {
        throw new UnsupportedArchitectureException("fast engine not built yet");
    }
    @Override public String engine() { return "fast"; }
    @Override public float[] score(final int[][] ids) { throw new IllegalStateException(); }
    @Override public void close() { }
}
