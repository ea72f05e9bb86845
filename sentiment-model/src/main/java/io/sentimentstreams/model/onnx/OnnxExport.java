package io.sentimentstreams.model.onnx;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.OperatorSetIdProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.TypeProto;
import onnx.Onnx.ValueInfoProto;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.recurrent.Bidirectional;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.protobuf.ByteString;

/**
 * Writes {@code model.onnx} from a trained DL4J embedding → (bi)LSTM → pooling → dense → softmax network:
 * input {@code input_ids} int64 [batch, maxlen] (the bundle's padded ids), output {@code probabilities}
 * float [batch, 2] (index 1 positive), opset 13, so any ONNX runtime (ONNX Runtime, Triton, KServe)
 * computes what DL4J computes, including DL4J's padding rules (docs/engine.md):
 * <ul>
 *   <li>unmasked: padding id 0 is an ordinary token; {@code last} takes the final step;</li>
 *   <li>masked with pooling: masked steps enter the LSTM as all-zero vectors and are left out of the
 *       max/mean;</li>
 *   <li>masked with {@code last} (LSTM state reset at masked steps): the tokens are shifted to the front
 *       and the LSTM gets {@code sequence_lens}; the output is both directions at the last token. This
 *       assumes the tokens of a row are contiguous, as pre/post padding makes them.</li>
 * </ul>
 * A row without tokens is one padding step in the last column, as in {@code Dl4jModel}. DL4J's gate
 * blocks [block input, forget, output, input gate] become ONNX's [input, output, forget, cell].
 */
public final class OnnxExport {

    public static final String INPUT = "input_ids";
    public static final String OUTPUT = "probabilities";
    static final int OPSET = 13;

    /** ONNX gate block k (i, o, f, c) comes from DL4J gate block DL4J_BLOCK[k] (c=0, f=1, o=2, i=3). */
    private static final int[] DL4J_BLOCK = {3, 2, 1, 0};

    private final GraphProto.Builder g = GraphProto.newBuilder().setName("sentiment");
    private final java.util.Set<String> axesAdded = new java.util.HashSet<>();
    private int counter;

    private OnnxExport() {
    }

    public static void write(final MultiLayerNetwork net, final Architecture arch, final Path file)
            throws IOException {
        Files.write(file, export(net, arch));
    }

    /** The serialized ModelProto; throws {@link IllegalArgumentException} for a network it cannot express. */
    public static byte[] export(final MultiLayerNetwork net, final Architecture arch) {
        return new OnnxExport().build(net, arch).toByteArray();
    }

    private ModelProto build(final MultiLayerNetwork net, final Architecture arch) {
        final List<NeuralNetConfiguration> confs = net.getLayerWiseConfigurations().getConfs();
        if (!net.getLayerWiseConfigurations().getInputPreProcessors().isEmpty()
                || !(confs.get(0).getLayer() instanceof EmbeddingSequenceLayer emb)) {
            throw new IllegalArgumentException("ONNX export needs an EmbeddingSequenceLayer first and no preprocessors");
        }
        if (net.getLayer(0).paramTable().containsKey("b") || !isIdentity(emb.getActivationFn())) {
            throw new IllegalArgumentException("ONNX export supports an embedding without bias and activation");
        }
        final int t = arch.maxlen();
        Layer rec = confs.get(1).getLayer();
        Pooling pooling = null;
        if (rec instanceof LastTimeStep lts) {
            rec = lts.getUnderlying();
            pooling = Pooling.LAST;
        }
        final boolean bi = rec instanceof Bidirectional;
        final Layer cell = bi ? ((Bidirectional) rec).getFwd() : rec;
        if (cell == null || cell.getClass() != LSTM.class || (bi && ((Bidirectional) rec).getMode()
                != Bidirectional.Mode.CONCAT)) {
            throw new IllegalArgumentException("ONNX export supports LSTM or Bidirectional(CONCAT, LSTM), got " + rec);
        }
        final LSTM lstm = (LSTM) cell;
        if (!(lstm.getGateActivationFn() instanceof ActivationSigmoid) || !(lstm.getActivationFn()
                instanceof ActivationTanH)) {
            throw new IllegalArgumentException("ONNX export supports sigmoid gates and tanh cells only");
        }
        int idx = 2;
        if (pooling == null) {
            final Layer p = confs.get(idx++).getLayer();
            if (!(p instanceof GlobalPoolingLayer gp) || (gp.getPoolingType() != PoolingType.MAX
                    && gp.getPoolingType() != PoolingType.AVG)) {
                throw new IllegalArgumentException("ONNX export supports max/avg GlobalPoolingLayer or LastTimeStep");
            }
            pooling = gp.getPoolingType() == PoolingType.MAX ? Pooling.MAX : Pooling.MEAN;
        }
        final String[] dirs = bi ? new String[] {"f", "b"} : new String[] {""};
        final int nd = dirs.length;
        final int h = (int) net.getParam("1_" + dirs[0] + "RW").size(0);
        final INDArray embW = net.getParam("0_W").castTo(DataType.FLOAT);
        final int e = (int) embW.size(1);

        input(INPUT, TensorProto.DataType.INT64_VALUE, t);
        floatInit("embedding", rowMajor(embW), embW.size(0), e);
        lstmWeights(net, dirs, e, h);
        i64Init("zero_i64", new long[] {0});

        // mask m [N, T]: ids != 0, plus the last column of an empty row
        final String nz = node("Not", node("Equal", INPUT, "zero_i64"));
        String m = node("Cast", List.of(nz), attrInt("to", TensorProto.DataType.FLOAT_VALUE));
        if (arch.masked()) {
            final float[] lastCol = new float[t];
            lastCol[t - 1] = 1f;
            floatInit("last_column", lastCol, 1, t);
            floatInit("one_f", new float[] {1f});
            final String rowMax = node("ReduceMax", List.of(m), attrInts("axes", 1), attrInt("keepdims", 1));
            final String empty = node("Sub", "one_f", rowMax);
            m = node("Add", m, node("Mul", empty, "last_column"));
        }
        final String pooled;
        final String lstmType;
        if (arch.masked() && pooling == Pooling.LAST) {
            // Shift each row's tokens to the front, run with sequence_lens, read the step at length - 1.
            final long[] range = new long[t];
            for (int i = 0; i < t; i++) {
                range[i] = i;
            }
            i64Init("range_t", range, 1, t);
            i64Init("t_minus_1", new long[] {t - 1});
            i64Init("one_i64", new long[] {1});
            final String start = node("ArgMax", List.of(m), attrInt("axis", 1), attrInt("keepdims", 1));
            final String len = node("Cast", List.of(node("ReduceSum", List.of(m, axes(1)), attrInt("keepdims", 1))),
                    attrInt("to", TensorProto.DataType.INT64_VALUE));
            final String index = node("Min", node("Add", start, "range_t"), "t_minus_1");
            final String aligned = node("GatherElements", List.of(INPUT, index), attrInt("axis", 1));
            final String x = embed(aligned);
            i64Init("shape_flat", new long[] {-1}, 1);
            final String seqLens = node("Cast", List.of(node("Reshape", len, "shape_flat")),
                    attrInt("to", TensorProto.DataType.INT32_VALUE));
            final String y = lstm(x, seqLens, nd, h);
            final String yr = batchMajor(y, t, nd, h);
            i64Init("shape_n11", new long[] {-1, 1, 1}, 3);
            i64Init("shape_11dh", new long[] {1, 1, (long) nd * h}, 3);
            final String last = node("Expand", node("Reshape", node("Sub", len, "one_i64"), "shape_n11"),
                    "shape_11dh");
            i64Init("shape_n_dh", new long[] {0, (long) nd * h}, 2);
            pooled = node("Reshape", node("GatherElements", List.of(yr, last), attrInt("axis", 1)), "shape_n_dh");
            lstmType = "reset";
        } else {
            final String x;
            if (arch.masked()) {
                // EmbeddingSequenceLayer zeroes masked steps; the LSTM still runs over them.
                final String emb3 = node("Gather", List.of("embedding", INPUT), attrInt("axis", 0));
                x = node("Transpose", List.of(node("Mul", emb3, node("Unsqueeze", m, axes(2)))),
                        attrInts("perm", 1, 0, 2));
            } else {
                x = embed(INPUT);
            }
            final String y = lstm(x, "", nd, h);
            final String yr = batchMajor(y, t, nd, h);
            if (pooling == Pooling.LAST) {
                i64Init("t_minus_1_scalar", new long[] {t - 1});
                pooled = node("Gather", List.of(yr, "t_minus_1_scalar"), attrInt("axis", 1));
            } else if (!arch.masked()) {
                pooled = node(pooling == Pooling.MAX ? "ReduceMax" : "ReduceMean", List.of(yr), attrInts("axes", 1),
                        attrInt("keepdims", 0));
            } else if (pooling == Pooling.MAX) {
                floatInit("neg_inf", new float[] {Float.NEGATIVE_INFINITY});
                final String keep = node("Cast", List.of(node("Unsqueeze", m, axes(2))),
                        attrInt("to", TensorProto.DataType.BOOL_VALUE));
                pooled = node("ReduceMax", List.of(node("Where", keep, yr, "neg_inf")), attrInts("axes", 1),
                        attrInt("keepdims", 0));
            } else {
                final String sum = node("ReduceSum", List.of(node("Mul", yr, node("Unsqueeze", m, axes(2))), axes(1)),
                        attrInt("keepdims", 0));
                pooled = node("Div", sum, node("ReduceSum", List.of(m, axes(1)), attrInt("keepdims", 1)));
            }
            lstmType = arch.masked() ? "zero-input" : "unmasked";
        }

        String x = pooled;
        for (; idx < confs.size(); idx++) {
            final Layer l = confs.get(idx).getLayer();
            final INDArray w = net.getParam(idx + "_W").castTo(DataType.FLOAT);
            final INDArray b = net.getParam(idx + "_b").castTo(DataType.FLOAT);
            floatInit("W" + idx, rowMajor(w), w.size(0), w.size(1));
            floatInit("b" + idx, b.toFloatVector(), w.size(1));
            final String z = node("Gemm", x, "W" + idx, "b" + idx);
            if (l instanceof OutputLayer out) {
                if (!(out.getActivationFn() instanceof ActivationSoftmax) || w.size(1) != 2) {
                    throw new IllegalArgumentException("ONNX export supports a 2-way softmax output");
                }
                g.addNode(NodeProto.newBuilder().setOpType("Softmax").addInput(z).addOutput(OUTPUT)
                        .addAttribute(attrInt("axis", 1)).setName("softmax"));
                output(OUTPUT, 2);
                return ModelProto.newBuilder().setIrVersion(7).setProducerName("sentiment-streams")
                        .setDocString("DL4J BiLSTM sentiment network; padding semantics: " + lstmType
                                + "; pooling: " + pooling + "; probabilities[:, 1] = P(positive)")
                        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                        .setGraph(g).build();
            }
            if (!(l instanceof DenseLayer dense)) {
                throw new IllegalArgumentException("ONNX export supports dense layers before the output, got " + l);
            }
            x = activation(z, dense.getActivationFn());
        }
        throw new IllegalArgumentException("network has no OutputLayer");
    }

    /** Row-major floats of a matrix (DL4J keeps parameters in 'f' order views). */
    private static float[] rowMajor(final INDArray m) {
        final float[][] rows = m.toFloatMatrix();
        final int cols = rows.length == 0 ? 0 : rows[0].length;
        final float[] out = new float[rows.length * cols];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, out, i * cols, cols);
        }
        return out;
    }

    private String embed(final String ids) {
        final String emb3 = node("Gather", List.of("embedding", ids), attrInt("axis", 0));
        return node("Transpose", List.of(emb3), attrInts("perm", 1, 0, 2));
    }

    /** ONNX LSTM: Y [T, dirs, N, H]. */
    private String lstm(final String x, final String seqLens, final int nd, final int h) {
        final String y = "lstm_y";
        final NodeProto.Builder n = NodeProto.newBuilder().setOpType("LSTM").setName("lstm")
                .addInput(x).addInput("lstm_W").addInput("lstm_R").addInput("lstm_B").addInput(seqLens)
                .addOutput(y)
                .addAttribute(attrInt("hidden_size", h))
                .addAttribute(AttributeProto.newBuilder().setName("direction").setType(AttributeProto.AttributeType.STRING)
                        .setS(ByteString.copyFrom(nd == 2 ? "bidirectional" : "forward", StandardCharsets.UTF_8)));
        g.addNode(n);
        return y;
    }

    /** Y [T, dirs, N, H] → [N, T, dirs*H] (forward units, then backward units, as DL4J's CONCAT). */
    private String batchMajor(final String y, final int t, final int nd, final int h) {
        i64Init("shape_n_t_dh", new long[] {0, t, (long) nd * h}, 3);
        return node("Reshape", node("Transpose", List.of(y), attrInts("perm", 2, 0, 1, 3)), "shape_n_t_dh");
    }

    private void lstmWeights(final MultiLayerNetwork net, final String[] dirs, final int e, final int h) {
        final int nd = dirs.length;
        final float[] w = new float[nd * 4 * h * e];
        final float[] r = new float[nd * 4 * h * h];
        final float[] b = new float[nd * 8 * h];
        for (int d = 0; d < nd; d++) {
            final float[][] dw = net.getParam("1_" + dirs[d] + "W").castTo(DataType.FLOAT).toFloatMatrix();
            final float[][] dr = net.getParam("1_" + dirs[d] + "RW").castTo(DataType.FLOAT).toFloatMatrix();
            final float[] db = net.getParam("1_" + dirs[d] + "b").castTo(DataType.FLOAT).toFloatVector();
            for (int ob = 0; ob < 4; ob++) {
                final int src = DL4J_BLOCK[ob] * h;
                for (int j = 0; j < h; j++) {
                    final int row = ob * h + j;
                    for (int k = 0; k < e; k++) {
                        w[(d * 4 * h + row) * e + k] = dw[k][src + j];
                    }
                    for (int k = 0; k < h; k++) {
                        r[(d * 4 * h + row) * h + k] = dr[k][src + j];
                    }
                    b[d * 8 * h + row] = db[src + j];
                }
            }
        }
        floatInit("lstm_W", w, nd, 4L * h, e);
        floatInit("lstm_R", r, nd, 4L * h, h);
        floatInit("lstm_B", b, nd, 8L * h);
    }

    private String activation(final String z, final IActivation a) {
        if (a instanceof ActivationReLU) {
            return node("Relu", z);
        } else if (a instanceof ActivationTanH) {
            return node("Tanh", z);
        } else if (a instanceof ActivationSigmoid) {
            return node("Sigmoid", z);
        } else if (isIdentity(a)) {
            return z;
        }
        throw new IllegalArgumentException("ONNX export: unsupported dense activation " + a);
    }

    private static boolean isIdentity(final IActivation a) {
        return a == null || a instanceof ActivationIdentity;
    }

    private String node(final String op, final String... inputs) {
        return node(op, List.of(inputs));
    }

    private String node(final String op, final List<String> inputs, final AttributeProto... attrs) {
        final String out = op.toLowerCase(java.util.Locale.ROOT) + "_" + (counter++);
        final NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
        inputs.forEach(n::addInput);
        for (final AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        g.addNode(n);
        return out;
    }

    private static AttributeProto attrInt(final String name, final long v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(v).build();
    }

    private static AttributeProto attrInts(final String name, final long... v) {
        final AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                .setType(AttributeProto.AttributeType.INTS);
        for (final long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private void floatInit(final String name, final float[] data, final long... dims) {
        final ByteBuffer buf = ByteBuffer.allocate(data.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(data);
        initializer(name, TensorProto.DataType.FLOAT_VALUE, buf, dims);
    }

    /** The 1-D int64 axes tensor {axis}, added to the graph on first use. */
    private String axes(final int axis) {
        final String name = "axes_" + axis;
        if (axesAdded.add(name)) {
            i64Init(name, new long[] {axis}, 1);
        }
        return name;
    }

    /** An int64 initializer; no dims makes a scalar. */
    private void i64Init(final String name, final long[] data, final long... dims) {
        final ByteBuffer buf = ByteBuffer.allocate(data.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        buf.asLongBuffer().put(data);
        initializer(name, TensorProto.DataType.INT64_VALUE, buf, dims);
    }

    /** A graph initializer whose little-endian raw data is the whole of {@code raw}'s array. */
    private void initializer(final String name, final int dataType, final ByteBuffer raw, final long... dims) {
        final TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(dataType)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (final long d : dims) {
            t.addDims(d);
        }
        g.addInitializer(t);
    }

    private void input(final String name, final int elemType, final int t) {
        g.addInput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(TensorShapeProto.newBuilder()
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(t))))));
    }

    private void output(final String name, final int width) {
        g.addOutput(ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(
                        TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(width))))));
    }
}
