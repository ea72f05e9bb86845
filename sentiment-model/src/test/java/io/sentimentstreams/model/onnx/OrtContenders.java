package io.sentimentstreams.model.onnx;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.fast.InferenceBenchmark;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * ONNX Runtime as a benchmark contender, in its two sensible threadings on two cores: two sessions with one
 * intra-op thread each (two callers), and one session with two intra-op threads (one caller). The
 * headline ratio uses whichever is faster at each batch size.
 */
final class OrtContenders {

    private OrtContenders() {
    }

    static List<InferenceBenchmark.Contender> create(final MultiLayerNetwork net, final Architecture a,
            final List<AutoCloseable> toClose) throws Exception {
        final byte[] onnx = OnnxExport.export(net, a);
        final SentimentModel[] single = {new OrtModel(onnx, 1), new OrtModel(onnx, 1)};
        final SentimentModel dual = new OrtModel(onnx, 2);
        toClose.addAll(List.of(single[0], single[1], dual));
        return List.of(
                new InferenceBenchmark.Contender("onnxruntime 2x1", 2, i -> single[i]),
                new InferenceBenchmark.Contender("onnxruntime 1x2", 1, i -> dual));
    }
}
