package io.sentimentstreams.model.dl4j;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.preprocessor.BaseInputPreProcessor;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Keras {@code Flatten} after an embedding: a sequence [batch, size, time] in, one row [batch, size*time]
 * out (time-major within a row, like Keras' [time, size] flattening), for the embedding + dense baseline.
 * DL4J's own RNN-to-feed-forward preprocessor stacks time steps as rows instead, which is not a flatten.
 */
public final class FlattenSequencePreProcessor extends BaseInputPreProcessor {

    private static final long serialVersionUID = 1L;

    @JsonProperty
    private int size;
    @JsonProperty
    private int timeSteps;

    public FlattenSequencePreProcessor() {
    }

    public FlattenSequencePreProcessor(@JsonProperty("size") final int size,
                                       @JsonProperty("timeSteps") final int timeSteps) {
        this.size = size;
        this.timeSteps = timeSteps;
    }

    @Override
    public INDArray preProcess(final INDArray input, final int miniBatchSize, final LayerWorkspaceMgr mgr) {
        if (input.rank() != 3 || input.size(1) != size || input.size(2) != timeSteps) {
            throw new IllegalStateException("flatten expects [batch, " + size + ", " + timeSteps + "], got "
                    + java.util.Arrays.toString(input.shape()));
        }
        // [b, size, T] -> [b, T, size] -> [b, T*size]
        final INDArray out = input.permute(0, 2, 1).dup('c').reshape('c', input.size(0), (long) size * timeSteps);
        return mgr.leverageTo(ArrayType.ACTIVATIONS, out);
    }

    @Override
    public INDArray backprop(final INDArray output, final int miniBatchSize, final LayerWorkspaceMgr mgr) {
        final INDArray eps = output.dup('c').reshape('c', output.size(0), timeSteps, size).permute(0, 2, 1)
                .dup('c');
        return mgr.leverageTo(ArrayType.ACTIVATION_GRAD, eps);
    }

    @Override
    public InputType getOutputType(final InputType inputType) {
        return InputType.feedForward((long) size * timeSteps);
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(final INDArray maskArray, final MaskState state,
                                                          final int minibatchSize) {
        // Flatten sees every step, padding included, exactly like Keras' Flatten: no mask beyond here.
        return new Pair<>(null, state);
    }

    @Override
    public FlattenSequencePreProcessor clone() {
        return new FlattenSequencePreProcessor(size, timeSteps);
    }

    public int getSize() {
        return size;
    }

    public int getTimeSteps() {
        return timeSteps;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof FlattenSequencePreProcessor f && f.size == size && f.timeSteps == timeSteps;
    }

    @Override
    public int hashCode() {
        return 31 * size + timeSteps;
    }
}
