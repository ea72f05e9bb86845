package io.sentimentstreams.bundle;

/**
 * The shape of the network in a bundle, enough for any engine to rebuild the forward pass from the
 * stored weights and to refuse what it does not support.
 *
 * @param type         {@code bilstm}, {@code lstm}, {@code simplernn} or {@code embedding-dense} (our trainer's
 *                     networks, in {@code network.zip}), or {@value #IMPORTED}: a graph trained elsewhere,
 *                     only in {@code model.onnx}, whose other fields summarise it (first layer's units, read-out)
 * @param vocabSize    rows of the embedding table (the vocabulary's {@code num_words})
 * @param embeddingDim embedding width
 * @param hiddenSize   recurrent units per direction (0 for {@code embedding-dense})
 * @param pooling      over time ({@link Pooling}; unused by {@code embedding-dense})
 * @param denseSize    width of the hidden dense layer before the output, 0 when there is none
 * @param denseActivation activation of that dense layer ({@code relu}, {@code tanh}, ...)
 * @param output       {@code softmax2} (two classes, index 1 positive) or {@code sigmoid}
 * @param masked       whether the network was trained and must be run with a mask over padding
 * @param maxlen       time steps the network expects
 */
public record Architecture(
        String type,
        int vocabSize,
        int embeddingDim,
        int hiddenSize,
        Pooling pooling,
        int denseSize,
        String denseActivation,
        String output,
        boolean masked,
        int maxlen) {

    /** The type of an imported bundle: no DL4J network, the fast engine reads {@code model.onnx} itself. */
    public static final String IMPORTED = "onnx";

    /** Whether this bundle was imported ({@code ./sentiment import}) rather than trained here. */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean imported() {
        return IMPORTED.equals(type);
    }
}
