package io.sentimentstreams.cli.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.sentimentstreams.model.SentimentModel;
import java.util.Map;

/**
 * A {@code model.onnx} in, ONNX Runtime's P(positive) per row out: one session, intra-op threads as given.
 * The graph's single input takes the padded id rows (int64 or int32); its first output is [batch, 1]
 * (sigmoid: the column is P) or [batch, 2] (softmax: column 1 is P). Used by {@code ./sentiment import} for the
 * canary of an imported graph and by {@code bench inference} as the third engine.
 */
public final class OrtModel implements SentimentModel {

    private final OrtEnvironment env = OrtEnvironment.getEnvironment();
    private final OrtSession session;
    private final String input;
    private final boolean int32;

    public OrtModel(final byte[] onnx, final int intraOpThreads) throws OrtException {
        final OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        o.setIntraOpNumThreads(intraOpThreads);
        o.setInterOpNumThreads(1);
        o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
        session = env.createSession(onnx, o);
        if (session.getNumInputs() != 1) {
            session.close();
            throw new IllegalArgumentException("the graph has " + session.getNumInputs() + " inputs; one is supported");
        }
        final Map.Entry<String, NodeInfo> in = session.getInputInfo().entrySet().iterator().next();
        input = in.getKey();
        int32 = in.getValue().getInfo() instanceof TensorInfo t && t.type == OnnxJavaType.INT32;
    }

    /** The ONNX Runtime version this JVM loaded (for model cards). */
    public String runtimeVersion() {
        return env.getVersion();
    }

    @Override
    public String engine() {
        return "onnxruntime";
    }

    @Override
    public float[] score(final int[][] ids) {
        try (OnnxTensor t = int32 ? OnnxTensor.createTensor(env, ids) : OnnxTensor.createTensor(env, widen(ids));
             OrtSession.Result r = session.run(Map.of(input, t))) {
            final float[][] p = (float[][]) r.get(0).getValue();
            final float[] out = new float[p.length];
            for (int i = 0; i < p.length; i++) {
                if (p[i].length != 1 && p[i].length != 2) {
                    throw new IllegalStateException("the graph's output has " + p[i].length
                            + " columns per row; 1 (sigmoid) or 2 (softmax) are supported");
                }
                out[i] = p[i][p[i].length - 1];
            }
            return out;
        } catch (OrtException e) {
            throw new IllegalStateException("onnxruntime failed: " + e.getMessage(), e);
        }
    }

    private static long[][] widen(final int[][] ids) {
        final long[][] in = new long[ids.length][];
        for (int i = 0; i < ids.length; i++) {
            in[i] = new long[ids[i].length];
            for (int k = 0; k < ids[i].length; k++) {
                in[i][k] = ids[i][k];
            }
        }
        return in;
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
