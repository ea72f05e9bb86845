package io.sentimentstreams.trainer;

/**
 * Where each parameter tensor of the bidirectional-LSTM classifier sits in the fast trainer's flat
 * parameter (and gradient, and Adam moment) arrays, all row-major in DL4J's shapes: embedding [V, E];
 * per direction (0 forward, 1 backward) input weights [E, 4H], recurrent weights [H, 4H], bias [4H] with
 * DL4J's gate blocks [block input, forget, output, input gate]; output weights [2H, 2] and bias [2].
 */
record ParamLayout(int vocab, int embeddingDim, int hidden, int maxlen, boolean frozenEmbedding) {

    int embedding() {
        return 0;
    }

    private int direction(final int d) {
        final int g = 4 * hidden;
        return vocab * embeddingDim + d * (embeddingDim * g + hidden * g + g);
    }

    int inputWeights(final int d) {
        return direction(d);
    }

    int recurrentWeights(final int d) {
        return direction(d) + embeddingDim * 4 * hidden;
    }

    int bias(final int d) {
        return recurrentWeights(d) + hidden * 4 * hidden;
    }

    int outW() {
        return direction(2);
    }

    int outB() {
        return outW() + 2 * hidden * 2;
    }

    int size() {
        return outB() + 2;
    }
}
