package io.sentimentstreams.bench;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.cli.model.OrtModel;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.onnx.OnnxExport;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * A network in, ONNX Runtime benchmark contenders on its {@code OnnxExport} out, in the two sensible
 * threadings for {@code threads} cores: one session per caller with one intra-op thread each ("Nx1"), and
 * one session with {@code threads} intra-op threads and one caller ("1xN"). The headline ratios use
 * whichever is faster at each batch size.
 */
final class OrtContenders {

    private OrtContenders() {
    }

    static List<InferenceBenchmark.Contender> create(final MultiLayerNetwork net, final Architecture a,
            final int threads, final List<AutoCloseable> toClose) throws Exception {
        return create(OnnxExport.export(net, a), threads, toClose);
    }

    /** The same for a graph as it is (an imported bundle's {@code model.onnx}). */
    static List<InferenceBenchmark.Contender> create(final byte[] onnx, final int threads,
            final List<AutoCloseable> toClose) throws Exception {
        final List<SentimentModel> single = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            final OrtModel m = new OrtModel(onnx, 1);
            toClose.add(m);
            single.add(m);
        }
        final List<InferenceBenchmark.Contender> contenders = new ArrayList<>();
        contenders.add(new InferenceBenchmark.Contender("onnxruntime " + threads + "x1", threads, single::get));
        if (threads > 1) {
            final OrtModel shared = new OrtModel(onnx, threads);
            toClose.add(shared);
            contenders.add(new InferenceBenchmark.Contender("onnxruntime 1x" + threads, 1, i -> shared));
        }
        return contenders;
    }
}
