package io.sentimentstreams.model.fast;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;

/**
 * Reads the fast engine's weights from a bundle's {@code model.onnx} instead of the DL4J network, so a
 * JVM that serves on the fast engine never starts ND4J (its native buffers are most of a DL4J-loading
 * JVM's resident memory). Only graphs written by {@code OnnxExport} are understood: initializers
 * {@code embedding} [V, E], {@code lstm_W} [dirs, 4H, E], {@code lstm_R} [dirs, 4H, H], {@code lstm_B}
 * [dirs, 8H] in ONNX's gate order [input, output, forget, cell], then one {@code Gemm} per dense layer
 * with the activation node that consumes it; pooling and padding semantics come from the bundle's
 * architecture and must match what the export wrote into the model's doc string.
 *
 * <p>ONNX gate block k holds DL4J block 3 - k (DL4J: [block input, forget, output, input gate]), so the
 * mapping is its own inverse; the recurrent weights are stored transposed ([4H, H] against DL4J's [H, 4H]).
 */
final class OnnxWeights {

    private static final Pattern DOC = Pattern.compile("padding semantics: (\\S+); pooling: (\\w+)");

    private OnnxWeights() {
    }

    static FastWeights read(final byte[] bytes, final Architecture arch, final int lanes)
            throws UnsupportedArchitectureException {
        final ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new UnsupportedArchitectureException("model.onnx is not a valid ONNX model: " + e.getMessage());
        }
        checkSemantics(model.getDocString(), arch);
        final GraphProto g = model.getGraph();
        final Map<String, TensorProto> init = new HashMap<>();
        for (final TensorProto t : g.getInitializerList()) {
            init.put(t.getName(), t);
        }
        final TensorProto embT = require(init, "embedding", 2);
        final TensorProto wT = require(init, "lstm_W", 3);
        final TensorProto rT = require(init, "lstm_R", 3);
        final TensorProto bT = require(init, "lstm_B", 2);
        final int vocab = (int) embT.getDims(0);
        final int e = (int) embT.getDims(1);
        final int dirs = (int) wT.getDims(0);
        final int h = (int) rT.getDims(2);
        if (wT.getDims(1) != 4L * h || wT.getDims(2) != e || rT.getDims(0) != dirs || rT.getDims(1) != 4L * h
                || bT.getDims(0) != dirs || bT.getDims(1) != 8L * h) {
            throw new UnsupportedArchitectureException("model.onnx: inconsistent LSTM shapes W " + wT.getDimsList()
                    + ", R " + rT.getDimsList() + ", B " + bT.getDimsList() + " for E=" + e);
        }
        if (vocab != arch.vocabSize()) {
            throw new UnsupportedArchitectureException("model.onnx has " + vocab + " embedding rows, bundle.json says "
                    + arch.vocabSize());
        }
        final int hp = FastWeights.roundUp(h, lanes);
        final int gates = 4 * h;
        if ((long) (vocab + 1) * 4 * hp > Integer.MAX_VALUE - 4L * hp) {
            throw new UnsupportedArchitectureException("fast engine: folded table of " + vocab + " x " + 4 * hp
                    + " floats exceeds one Java array");
        }
        final float[] emb = floats(embT);
        final float[] w = floats(wT);
        final float[] r = floats(rT);
        final float[] b = floats(bT);
        final float[][] table = new float[dirs][];
        final float[][] rw = new float[dirs][];
        for (int d = 0; d < dirs; d++) {
            // DL4J layout for this direction: W [E, 4H], RW [H, 4H], bias [4H] (input and recurrent biases summed).
            final float[][] dw = new float[e][gates];
            final float[][] dr = new float[h][gates];
            final float[] db = new float[gates];
            for (int k = 0; k < 4; k++) {
                final int src = (3 - k) * h;
                for (int j = 0; j < h; j++) {
                    final int onnxRow = d * gates + src + j;
                    for (int i = 0; i < e; i++) {
                        dw[i][k * h + j] = w[onnxRow * e + i];
                    }
                    for (int i = 0; i < h; i++) {
                        dr[i][k * h + j] = r[onnxRow * h + i];
                    }
                    db[k * h + j] = b[d * 2 * gates + src + j] + b[d * 2 * gates + gates + src + j];
                }
            }
            // Folded rows: embedding row · W + bias, plus row V for a masked step (zero input: the bias).
            final float[][] rows = new float[vocab + 1][];
            for (int v = 0; v < vocab; v++) {
                final float[] row = db.clone();
                for (int i = 0; i < e; i++) {
                    final float a = emb[v * e + i];
                    final float[] wi = dw[i];
                    for (int c = 0; c < gates; c++) {
                        row[c] += a * wi[c];
                    }
                }
                rows[v] = row;
            }
            rows[vocab] = db.clone();
            table[d] = FastWeights.padGates(rows, h, hp);
            rw[d] = FastWeights.padGates(dr, h, hp);
        }
        final List<FastBiLstm.Dense> head = new ArrayList<>();
        int inWidth = dirs * h;
        int[] inMap = FastWeights.featureMap(dirs, h, hp);
        int inP = dirs * hp;
        boolean output = false;
        for (final NodeProto n : g.getNodeList()) {
            if (!"Gemm".equals(n.getOpType())) {
                continue;
            }
            if (output) {
                throw new UnsupportedArchitectureException("model.onnx: a Gemm after the output layer");
            }
            final TensorProto wd = require(init, n.getInput(1), 2);
            final TensorProto bd = require(init, n.getInput(2), 1);
            final int in = (int) wd.getDims(0);
            final int out = (int) wd.getDims(1);
            final float[] flat = floats(wd);
            final float[][] m = new float[in][out];
            for (int i = 0; i < in; i++) {
                System.arraycopy(flat, i * out, m[i], 0, out);
            }
            final String consumer = consumerOp(g, n.getOutput(0));
            final FastBiLstm.Act act;
            switch (consumer) {
                case "Softmax" -> {
                    if (out != 2) {
                        throw new UnsupportedArchitectureException("model.onnx: softmax over " + out + " (only 2)");
                    }
                    act = FastBiLstm.Act.IDENTITY;
                    output = true;
                }
                case "Relu" -> act = FastBiLstm.Act.RELU;
                case "Tanh" -> act = FastBiLstm.Act.TANH;
                case "Sigmoid" -> act = FastBiLstm.Act.SIGMOID;
                case "Gemm" -> act = FastBiLstm.Act.IDENTITY;
                default -> throw new UnsupportedArchitectureException("model.onnx: dense output feeds " + consumer);
            }
            final FastBiLstm.Dense dense = FastWeights.dense(m, floats(bd), inWidth, inMap, inP, lanes, act);
            head.add(dense);
            inWidth = dense.out();
            inP = dense.outP();
            inMap = FastWeights.identityMap(inWidth);
        }
        if (!output) {
            throw new UnsupportedArchitectureException("model.onnx: no 2-way softmax output layer");
        }
        return new FastWeights(vocab, arch.maxlen(), h, hp, arch.masked(), pooling(arch), table, rw,
                head.toArray(new FastBiLstm.Dense[0]), true);
    }

    /** The export records its padding semantics and pooling; they must be the bundle's. */
    private static void checkSemantics(final String doc, final Architecture arch)
            throws UnsupportedArchitectureException {
        final Matcher m = DOC.matcher(doc == null ? "" : doc);
        if (!m.find()) {
            throw new UnsupportedArchitectureException("model.onnx was not written by this project's exporter (doc: "
                    + doc + ")");
        }
        final boolean masked = !"unmasked".equals(m.group(1));
        if (masked != arch.masked() || !m.group(2).equals(String.valueOf(arch.pooling()))) {
            throw new UnsupportedArchitectureException("model.onnx (" + m.group(0) + ") does not match bundle.json"
                    + " (masked " + arch.masked() + ", pooling " + arch.pooling() + ")");
        }
    }

    private static Pooling pooling(final Architecture arch) throws UnsupportedArchitectureException {
        if (arch.pooling() == null) {
            throw new UnsupportedArchitectureException("fast engine: no pooling in bundle.json");
        }
        return arch.pooling();
    }

    private static String consumerOp(final GraphProto g, final String tensor) {
        for (final NodeProto n : g.getNodeList()) {
            if (n.getInputList().contains(tensor)) {
                return n.getOpType();
            }
        }
        return "nothing";
    }

    private static TensorProto require(final Map<String, TensorProto> init, final String name, final int rank)
            throws UnsupportedArchitectureException {
        final TensorProto t = init.get(name);
        if (t == null || t.getDimsCount() != rank || t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new UnsupportedArchitectureException("model.onnx: no float initializer " + name + " of rank " + rank);
        }
        return t;
    }

    private static float[] floats(final TensorProto t) throws UnsupportedArchitectureException {
        long n = 1;
        for (final long d : t.getDimsList()) {
            n *= d;
        }
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != n * 4) {
                throw new UnsupportedArchitectureException("model.onnx: " + t.getName() + " holds "
                        + t.getRawData().size() + " bytes for " + n + " floats");
            }
            final float[] out = new float[(int) n];
            ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        if (t.getFloatDataCount() != n) {
            throw new UnsupportedArchitectureException("model.onnx: " + t.getName() + " holds "
                    + t.getFloatDataCount() + " floats, dims say " + n);
        }
        final float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }
}
