package io.sentimentstreams.bench;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.onnx.OnnxExport;
import java.util.Map;

/** An exported model.onnx in, ONNX Runtime's P(positive) per row out: one session, intra-op threads as given. */
final class OrtModel implements SentimentModel {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;

    OrtModel(final byte[] onnx, final int intraOpThreads) throws OrtException {
        final OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(intraOpThreads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(onnx, o);
    }

    @Override
    public String engine() {
        return "onnxruntime";
    }

    @Override
    public float[] score(final int[][] ids) {
        final long[][] in = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            in[i] = new long[ids[i].length];
            for (int k = 0; k < ids[i].length; k++) {
                in[i][k] = ids[i][k];
            }
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, in);
             OrtSession.Result r = session.run(Map.of(OnnxExport.INPUT, t))) {
            final float[][] p = (float[][]) r.get(0).getValue();
            final float[] out = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                out[i] = p[i][1];
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(e);
        }
    }
}
