package io.sentimentstreams.model.fast;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import onnx.Onnx.AttributeProto;
import onnx.Onnx.GraphProto;
import onnx.Onnx.ModelProto;
import onnx.Onnx.NodeProto;
import onnx.Onnx.TensorProto;
import onnx.Onnx.TensorShapeProto;
import onnx.Onnx.ValueInfoProto;

/**
 * An ONNX sentiment graph trained elsewhere (torch.onnx.export, tf2onnx), read into what the fast engine
 * computes, or refused with the op or shape it cannot map: token ids [N, T] → {@code Gather} embedding →
 * one or two ONNX {@code LSTM}/{@code GRU} ops (forward or bidirectional) → max or mean over time, the last
 * step, or the final state → dense layers ({@code Gemm}, or {@code MatMul} + {@code Add}) with
 * Relu/Tanh/Sigmoid → a 1-wide sigmoid or a 2-way softmax (index 1 = positive).
 *
 * <p>The reader follows the data path from the input and tracks what each axis of every tensor on it
 * means (batch, time, direction, hidden units, features), so layout ops ({@code Transpose}, {@code Reshape},
 * {@code Squeeze}, ...) are checked, not guessed at. Shape arithmetic off the data path ({@code Shape},
 * {@code ConstantOfShape}, ...) is allowed only where it makes the zero initial state the exporters write.
 * Whatever the reader accepts, the importer still checks against ONNX Runtime on the original file.
 *
 * @param vocab      embedding rows
 * @param embDim     embedding width
 * @param embedding  [vocab, embDim] row-major
 * @param timeSteps  the input's fixed second dimension, or 0 when it is symbolic
 * @param layers     the recurrent ops in order (one or two)
 * @param readout    how the last layer's sequence becomes one vector
 * @param head       dense layers after the read-out, the last one feeding the output
 * @param output     sigmoid over one unit or softmax over two
 * @param ops        the op types on the data path, in order (for the model card)
 */
public record ImportedGraph(int vocab, int embDim, float[] embedding, int timeSteps, List<Recurrent> layers,
                            Readout readout, List<Dense> head, Output output, List<String> ops) {

    /** The ONNX recurrent cells the fast engine runs. */
    public enum Cell { LSTM, GRU }

    /** How the sequence becomes one vector: MAX/MEAN over every step, LAST = the output at step T−1, FINAL = each direction's final state. */
    public enum Readout { MAX, MEAN, LAST, FINAL }

    public enum Output { SIGMOID, SOFTMAX2 }

    public enum Act { IDENTITY, RELU, TANH, SIGMOID }

    /**
     * One ONNX recurrent op with ONNX's own layouts: {@code w} [dirs, G, input], {@code r} [dirs, G, hidden],
     * {@code b} [dirs, 2G] (input bias then recurrent bias), G = 4H for LSTM (gates i, o, f, c) and 3H for
     * GRU (gates z, r, h).
     */
    public record Recurrent(Cell cell, int dirs, int hidden, int input, float[] w, float[] r, float[] b,
                            boolean linearBeforeReset) {
        public int gates() {
            return (cell == Cell.LSTM ? 4 : 3) * hidden;
        }
    }

    /** y = act(x · w + b), {@code w} [in, out] row-major. */
    public record Dense(int in, int out, float[] w, float[] b, Act act) {
    }

    /** The width of the vector the read-out produces. */
    public int features() {
        final Recurrent last = layers.get(layers.size() - 1);
        return last.dirs() * last.hidden();
    }

    /** One line for logs and the model card, e.g. {@code Gather(3000x32) → LSTM(bi, 32) → max → Gemm(64→16, relu) → ...}. */
    public String describe() {
        final StringBuilder sb = new StringBuilder("embedding ").append(vocab).append('x').append(embDim);
        for (final Recurrent l : layers) {
            sb.append(" → ").append(l.cell()).append('(').append(l.dirs() == 2 ? "bidirectional, " : "forward, ")
                    .append(l.hidden());
            if (l.cell() == Cell.GRU) {
                sb.append(", linear_before_reset=").append(l.linearBeforeReset() ? 1 : 0);
            }
            sb.append(')');
        }
        sb.append(" → ").append(readout.name().toLowerCase(Locale.ROOT));
        for (final Dense d : head) {
            sb.append(" → dense ").append(d.in()).append("→").append(d.out());
            if (d.act() != Act.IDENTITY) {
                sb.append(' ').append(d.act().name().toLowerCase(Locale.ROOT));
            }
        }
        return sb.append(" → ").append(output == Output.SIGMOID ? "sigmoid" : "softmax over 2").toString();
    }

    // ---- reading ------------------------------------------------------------------------------------

    /** Axis meanings: batch, time, time cut to one step, pooled step kept as 1, direction, hidden, features. */
    private enum Ax { N, T, T1, P1, D, H, F }

    /** Off-path tensors: constants (initializers, Constant) and shape arithmetic. */
    private static final Set<String> SHAPE_OPS = Set.of("Shape", "Constant", "Gather", "Unsqueeze", "Squeeze",
            "Concat", "ConstantOfShape", "Slice", "Cast", "Reshape", "Expand", "Identity", "Mul", "Add", "Sub",
            "Div", "Range", "Equal", "Where");

    /** A tensor on the data path: what each axis means, and (for features) how wide it is. */
    private record Data(List<Ax> axes, int width, boolean ids) {
    }

    /**
     * Parses {@code bytes}; every refusal is an {@link UnsupportedArchitectureException} whose message names
     * the node (op and name) or the shape it cannot map.
     */
    public static ImportedGraph parse(final byte[] bytes) throws UnsupportedArchitectureException {
        final ModelProto model;
        try {
            model = ModelProto.parseFrom(bytes);
        } catch (org.nd4j.shade.protobuf.InvalidProtocolBufferException e) {
            throw new UnsupportedArchitectureException("not a valid ONNX model: " + e.getMessage());
        }
        if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
            throw new UnsupportedArchitectureException("not an ONNX model with a graph");
        }
        return new Reader(model.getGraph()).read();
    }

    private static final class Reader {
        private final GraphProto g;
        private final Map<String, TensorProto> consts = new HashMap<>();
        private final Map<String, NodeProto> producer = new HashMap<>();
        private final Map<String, Data> data = new HashMap<>();
        private final List<String> ops = new ArrayList<>();
        private float[] embedding;
        private int vocab;
        private int embDim;
        private final List<Recurrent> layers = new ArrayList<>();
        private Readout readout;
        private final List<Dense> head = new ArrayList<>();
        private Output output;
        private String lastData;
        private final Map<String, Integer> uses = new HashMap<>();

        Reader(final GraphProto g) {
            this.g = g;
        }

        ImportedGraph read() throws UnsupportedArchitectureException {
            for (final TensorProto t : g.getInitializerList()) {
                consts.put(t.getName(), t);
            }
            final List<ValueInfoProto> inputs = new ArrayList<>();
            for (final ValueInfoProto v : g.getInputList()) {
                if (!consts.containsKey(v.getName())) {
                    inputs.add(v);
                }
            }
            if (inputs.size() != 1) {
                throw new UnsupportedArchitectureException("the graph has " + inputs.size()
                        + " inputs; one input of token ids [batch, time] is supported");
            }
            final ValueInfoProto in = inputs.get(0);
            final int elem = in.getType().getTensorType().getElemType();
            if (elem != TensorProto.DataType.INT64_VALUE && elem != TensorProto.DataType.INT32_VALUE) {
                throw new UnsupportedArchitectureException("input '" + in.getName() + "' has element type "
                        + TensorProto.DataType.forNumber(elem) + "; token ids must be int64 or int32");
            }
            final TensorShapeProto shape = in.getType().getTensorType().getShape();
            if (shape.getDimCount() != 2) {
                throw new UnsupportedArchitectureException("input '" + in.getName() + "' has rank "
                        + shape.getDimCount() + " " + dims(shape) + "; token ids must be [batch, time]");
            }
            final int timeSteps = shape.getDim(1).hasDimValue() ? (int) shape.getDim(1).getDimValue() : 0;
            data.put(in.getName(), new Data(List.of(Ax.N, Ax.T), 0, true));
            lastData = in.getName();
            for (final NodeProto n : g.getNodeList()) {
                for (final String o : n.getOutputList()) {
                    producer.put(o, n);
                }
            }
            for (final NodeProto n : g.getNodeList()) {
                step(n);
            }
            if (g.getOutputCount() != 1 || !g.getOutput(0).getName().equals(lastData)) {
                throw new UnsupportedArchitectureException("the graph's output " + outputNames()
                        + " is not the end of the data path (" + lastData + ")");
            }
            if (embedding == null) {
                throw new UnsupportedArchitectureException("no embedding (Gather of a [vocab, dim] initializer by the ids)");
            }
            if (layers.isEmpty()) {
                throw new UnsupportedArchitectureException("no LSTM or GRU op on the path from the input");
            }
            if (readout == null) {
                throw new UnsupportedArchitectureException("no read-out of the sequence (ReduceMax, ReduceMean, the"
                        + " last step or the final state)");
            }
            if (output == null) {
                throw new UnsupportedArchitectureException("the graph does not end in a sigmoid over 1 unit or a"
                        + " softmax over 2 (ends in " + ops.get(ops.size() - 1) + ")");
            }
            return new ImportedGraph(vocab, embDim, embedding, timeSteps, List.copyOf(layers), readout,
                    List.copyOf(head), output, List.copyOf(ops));
        }

        private String outputNames() {
            final List<String> names = new ArrayList<>();
            for (final ValueInfoProto v : g.getOutputList()) {
                names.add(v.getName());
            }
            return names.toString();
        }

        private void step(final NodeProto n) throws UnsupportedArchitectureException {
            Data in = null;
            String inName = null;
            int dataInputs = 0;
            for (final String i : n.getInputList()) {
                if (data.containsKey(i)) {
                    dataInputs++;
                    in = data.get(i);
                    inName = i;
                }
            }
            if (in == null) {
                // Off the data path: constants and shape arithmetic. Shape() of a data tensor lands here too.
                if (!SHAPE_OPS.contains(n.getOpType())) {
                    throw refuse(n, "is not on the path from the input and is not shape arithmetic");
                }
                if ("Constant".equals(n.getOpType())) {
                    for (final AttributeProto a : n.getAttributeList()) {
                        if ("value".equals(a.getName())) {
                            consts.put(n.getOutput(0), a.getT());
                        }
                    }
                }
                return;
            }
            if ("Shape".equals(n.getOpType())) {
                return;
            }
            if (dataInputs > 1) {
                throw refuse(n, "combines two tensors of the data path (branches are not supported)");
            }
            if (uses.merge(inName, 1, Integer::sum) > 1) {
                throw refuse(n, "reads " + inName + " a second time (branches are not supported)");
            }
            final String op = n.getOpType();
            final Data out = switch (op) {
                case "Identity", "Dropout" -> in;
                case "Cast" -> cast(n, in);
                case "Gather" -> gather(n, in, inName);
                case "Transpose" -> transpose(n, in);
                case "Reshape" -> reshape(n, in);
                case "Flatten" -> flatten(n, in);
                case "Squeeze" -> squeeze(n, in);
                case "Slice" -> slice(n, in);
                case "LSTM", "GRU" -> recurrent(n, in, inName);
                case "ReduceMax", "ReduceMean" -> reduce(n, in);
                case "Gemm" -> gemm(n, in);
                case "MatMul" -> matmul(n, in);
                case "Add" -> add(n, in);
                case "Relu", "Tanh", "Sigmoid" -> activation(n, in);
                case "Softmax" -> softmax(n, in);
                default -> throw refuse(n, "is not supported (supported: Gather, LSTM, GRU, Transpose, Reshape,"
                        + " Squeeze, Slice, ReduceMax, ReduceMean, Gemm, MatMul, Add, Relu, Tanh, Sigmoid, Softmax)");
            };
            ops.add(op);
            final String o = "LSTM".equals(op) || "GRU".equals(op) ? recurrentOutput(n) : n.getOutput(0);
            data.put(o, out);
            lastData = o;
        }

        private String recurrentOutput(final NodeProto n) throws UnsupportedArchitectureException {
            // Y (the sequence) or Y_h (the final state) may be read, not both, and never Y_c.
            final List<String> read = new ArrayList<>();
            for (int k = 0; k < n.getOutputCount(); k++) {
                if (!n.getOutput(k).isEmpty() && consumed(n.getOutput(k))) {
                    read.add(k + "");
                }
            }
            if (read.size() != 1 || "2".equals(read.get(0))) {
                throw refuse(n, "has outputs " + read + " read; only one of Y (0) or Y_h (1) can be mapped");
            }
            return n.getOutput(Integer.parseInt(read.get(0)));
        }

        private boolean consumed(final String tensor) {
            for (final NodeProto m : g.getNodeList()) {
                if (m.getInputList().contains(tensor)) {
                    return true;
                }
            }
            for (final ValueInfoProto v : g.getOutputList()) {
                if (v.getName().equals(tensor)) {
                    return true;
                }
            }
            return false;
        }

        private Data gather(final NodeProto n, final Data in, final String inName) throws UnsupportedArchitectureException {
            if (in.ids()) {
                if (!n.getInput(1).equals(inName)) {
                    throw refuse(n, "gathers from the ids instead of by them");
                }
                final TensorProto emb = floatConst(n, n.getInput(0), 2);
                if (embedding != null) {
                    throw refuse(n, "is a second embedding");
                }
                if (intAttr(n, "axis", 0) != 0) {
                    throw refuse(n, "gathers on axis " + intAttr(n, "axis", 0) + " of the embedding (must be 0)");
                }
                vocab = (int) emb.getDims(0);
                embDim = (int) emb.getDims(1);
                embedding = floats(emb);
                return new Data(List.of(Ax.N, Ax.T, Ax.F), embDim, false);
            }
            // The last time step: Gather(seq, index -1 or T-1) on the time axis.
            final int axis = axis(n, intAttr(n, "axis", 0), in);
            final long[] idx = ints(n, n.getInput(1));
            if (in.axes().get(axis) != Ax.T || idx.length != 1 || !scalar(n.getInput(1))) {
                throw refuse(n, "gathers index " + java.util.Arrays.toString(idx) + " on axis " + axis + " of "
                        + in.axes() + "; only the last time step (scalar index -1) can be mapped");
            }
            requireLast(n, idx[0]);
            final List<Ax> axes = new ArrayList<>(in.axes());
            axes.remove(axis);
            setReadout(n, Readout.LAST);
            return new Data(axes, in.width(), false);
        }

        private Data slice(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            if (n.getInputCount() < 3) {
                throw refuse(n, "has no starts/ends inputs");
            }
            final long[] starts = ints(n, n.getInput(1));
            final long[] ends = ints(n, n.getInput(2));
            final long[] axesIn = n.getInputCount() > 3 && !n.getInput(3).isEmpty() ? ints(n, n.getInput(3))
                    : new long[] {0};
            if (starts.length != 1 || axesIn.length != 1 || n.getInputCount() > 4 && !n.getInput(4).isEmpty()
                    && ints(n, n.getInput(4))[0] != 1) {
                throw refuse(n, "slices more than one axis or with a step; only the last time step can be mapped");
            }
            final int axis = axis(n, (int) axesIn[0], in);
            if (in.axes().get(axis) != Ax.T || !(starts[0] == -1 && (ends[0] == 0 || ends[0] >= Integer.MAX_VALUE))) {
                throw refuse(n, "slices [" + starts[0] + ", " + ends[0] + ") on axis " + axis + " of " + in.axes()
                        + "; only the last time step ([-1, end)) can be mapped");
            }
            final List<Ax> axes = new ArrayList<>(in.axes());
            axes.set(axis, Ax.T1);
            setReadout(n, Readout.LAST);
            return new Data(axes, in.width(), false);
        }

        private void requireLast(final NodeProto n, final long index) throws UnsupportedArchitectureException {
            if (index != -1) {
                throw refuse(n, "reads time step " + index + "; only the last step (-1) can be mapped");
            }
        }

        /** Ids may be cast between integer types; activations only to float (anything else changes values). */
        private Data cast(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final int to = intAttr(n, "to", 0);
            final boolean ok = in.ids() ? to == TensorProto.DataType.INT64_VALUE || to == TensorProto.DataType.INT32_VALUE
                    : to == TensorProto.DataType.FLOAT_VALUE;
            if (!ok) {
                throw refuse(n, "casts " + (in.ids() ? "the ids" : "activations") + " to "
                        + TensorProto.DataType.forNumber(to) + ", which the fast engine does not reproduce");
            }
            return in;
        }

        private Data transpose(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final long[] perm = intsAttr(n, "perm");
            if (perm == null || perm.length != in.axes().size()) {
                throw refuse(n, "has perm " + java.util.Arrays.toString(perm) + " for a tensor laid out " + in.axes());
            }
            final List<Ax> axes = new ArrayList<>();
            for (final long p : perm) {
                axes.add(in.axes().get((int) p));
            }
            return new Data(axes, in.width(), in.ids());
        }

        private Data squeeze(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            long[] sq = intsAttr(n, "axes");
            if (sq == null && n.getInputCount() > 1) {
                sq = ints(n, n.getInput(1));
            }
            if (sq == null) {
                throw refuse(n, "squeezes every axis of size 1 of " + in.axes() + "; explicit axes are needed");
            }
            final List<Ax> axes = new ArrayList<>(in.axes());
            final List<Integer> drop = new ArrayList<>();
            for (final long s : sq) {
                drop.add(axis(n, (int) s, in));
            }
            drop.sort(java.util.Comparator.reverseOrder());
            Readout becomes = null;
            for (final int a : drop) {
                final Ax ax = axes.get(a);
                if (ax == Ax.D && singleDirection()) {
                    axes.remove(a);
                } else if (ax == Ax.T1 || ax == Ax.P1) {
                    axes.remove(a);
                } else {
                    throw refuse(n, "squeezes axis " + a + " (" + ax + ") of " + in.axes() + ", which is not of size 1");
                }
            }
            return joined(in, rename(axes));
        }

        /** The width of the last axis once hidden units became features: all directions' units. */
        private Data joined(final Data in, final List<Ax> axes) {
            final boolean nowFeatures = in.axes().contains(Ax.H) && !axes.contains(Ax.H);
            return new Data(axes, nowFeatures ? features() : in.width(), false);
        }

        /** After the direction axis is gone, hidden units are plain features. */
        private List<Ax> rename(final List<Ax> axes) {
            if (axes.contains(Ax.D)) {
                return axes;
            }
            final List<Ax> out = new ArrayList<>(axes);
            out.replaceAll(a -> a == Ax.H ? Ax.F : a);
            return out;
        }

        private boolean singleDirection() {
            return !layers.isEmpty() && layers.get(layers.size() - 1).dirs() == 1;
        }

        private Data reshape(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final long[] target = ints(n, n.getInput(1));
            return merged(n, in, target.length, "Reshape to " + java.util.Arrays.toString(target));
        }

        private Data flatten(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final int axis = axis(n, intAttr(n, "axis", 1), in);
            if (axis != 1) {
                throw refuse(n, "flattens from axis " + axis + "; only axis 1 can be mapped");
            }
            return merged(n, in, 2, "Flatten");
        }

        /**
         * The result of a reshape to {@code rank} axes: singleton axes (one direction, a cut or pooled time
         * axis) vanish and a trailing (direction, hidden) pair becomes features, direction-major, which is how
         * ONNX concatenates the directions; any other regrouping is refused.
         */
        private Data merged(final NodeProto n, final Data in, final int rank, final String what)
                throws UnsupportedArchitectureException {
            final List<Ax> axes = new ArrayList<>();
            for (final Ax a : in.axes()) {
                if (a == Ax.T1 || a == Ax.P1 || a == Ax.D && singleDirection()) {
                    continue;
                }
                axes.add(a);
            }
            final int k = axes.size();
            if (k >= 2 && axes.get(k - 2) == Ax.D && axes.get(k - 1) == Ax.H && rank == k - 1) {
                axes.remove(k - 1);
                axes.set(k - 2, Ax.F);
            }
            final List<Ax> out = rename(axes);
            if (out.size() != rank || out.contains(Ax.D)) {
                throw refuse(n, "(" + what + ") of a tensor laid out " + in.axes()
                        + " cannot be mapped (only dropping size-1 axes and joining [direction, hidden] is)");
            }
            return joined(in, out);
        }

        private Data recurrent(final NodeProto n, final Data in, final String inName)
                throws UnsupportedArchitectureException {
            if (embedding == null) {
                throw refuse(n, "comes before the embedding");
            }
            if (readout != null) {
                throw refuse(n, "comes after the read-out");
            }
            if (layers.size() == 2) {
                throw refuse(n, "is a third recurrent layer (at most two are supported)");
            }
            if (!n.getInput(0).equals(inName) || !in.axes().equals(List.of(Ax.T, Ax.N, Ax.F))) {
                throw refuse(n, "reads a tensor laid out " + in.axes() + "; X must be [time, batch, features]");
            }
            final boolean lstm = "LSTM".equals(n.getOpType());
            for (final AttributeProto a : n.getAttributeList()) {
                switch (a.getName()) {
                    case "hidden_size", "direction", "linear_before_reset" -> { }
                    case "layout" -> {
                        if (a.getI() != 0) {
                            throw refuse(n, "uses layout=" + a.getI() + " (batch-major); only layout 0 is supported");
                        }
                    }
                    case "input_forget" -> {
                        if (a.getI() != 0) {
                            throw refuse(n, "couples the input and forget gates (input_forget=1)");
                        }
                    }
                    default -> throw refuse(n, "has attribute '" + a.getName()
                            + "' (custom activations, clip and similar are not supported)");
                }
            }
            final String direction = stringAttr(n, "direction", "forward");
            final int dirs = switch (direction) {
                case "forward" -> 1;
                case "bidirectional" -> 2;
                default -> throw refuse(n, "runs direction '" + direction + "' (forward or bidirectional only)");
            };
            final TensorProto w = floatConst(n, n.getInput(1), 3);
            final TensorProto r = floatConst(n, n.getInput(2), 3);
            final int gates = (int) w.getDims(1);
            final int h = intAttr(n, "hidden_size", gates / (lstm ? 4 : 3));
            final int per = lstm ? 4 : 3;
            if (w.getDims(0) != dirs || gates != per * h || w.getDims(2) != in.width()
                    || r.getDims(0) != dirs || r.getDims(1) != (long) per * h || r.getDims(2) != h) {
                throw refuse(n, "has W " + w.getDimsList() + " and R " + r.getDimsList() + " for input width "
                        + in.width() + ", hidden_size " + h + ", " + dirs + " direction(s)");
            }
            final float[] b;
            if (n.getInputCount() > 3 && !n.getInput(3).isEmpty()) {
                final TensorProto bt = floatConst(n, n.getInput(3), 2);
                if (bt.getDims(0) != dirs || bt.getDims(1) != 2L * gates) {
                    throw refuse(n, "has B " + bt.getDimsList() + "; expected [" + dirs + ", " + 2 * gates + "]");
                }
                b = floats(bt);
            } else {
                b = new float[dirs * 2 * gates];
            }
            if (n.getInputCount() > 4 && !n.getInput(4).isEmpty()) {
                throw refuse(n, "takes sequence_lens; the fast engine runs every row over all time steps");
            }
            for (int k = 5; k < n.getInputCount(); k++) {
                if (n.getInput(k).isEmpty()) {
                    continue;
                }
                if (lstm && k == 7) {
                    throw refuse(n, "has peephole weights (P)");
                }
                if (!zero(n.getInput(k))) {
                    throw refuse(n, "starts from an initial state (" + (k == 5 ? "initial_h" : "initial_c")
                            + ") that is not all zeros");
                }
            }
            final boolean lbr = intAttr(n, "linear_before_reset", 0) != 0;
            layers.add(new Recurrent(lstm ? Cell.LSTM : Cell.GRU, dirs, h, in.width(), floats(w), floats(r), b, lbr));
            final String o = recurrentOutput(n);
            if (o.equals(n.getOutput(0))) {
                return new Data(List.of(Ax.T, Ax.D, Ax.N, Ax.H), h, false);
            }
            setReadout(n, Readout.FINAL);
            return new Data(List.of(Ax.D, Ax.N, Ax.H), h, false);
        }

        /** Whether {@code tensor} is all zeros: a zero constant, or shape plumbing around a zero ConstantOfShape. */
        private boolean zero(final String tensor) throws UnsupportedArchitectureException {
            final TensorProto c = consts.get(tensor);
            if (c != null) {
                for (final float f : floats(c)) {
                    if (f != 0f) {
                        return false;
                    }
                }
                return true;
            }
            final NodeProto p = producer.get(tensor);
            if (p == null) {
                return false;
            }
            return switch (p.getOpType()) {
                case "ConstantOfShape" -> {
                    for (final AttributeProto a : p.getAttributeList()) {
                        if ("value".equals(a.getName())) {
                            for (final float f : floats(a.getT())) {
                                if (f != 0f) {
                                    yield false;
                                }
                            }
                        }
                    }
                    yield true;
                }
                case "Slice", "Squeeze", "Unsqueeze", "Reshape", "Expand", "Identity", "Cast", "Tile" ->
                        zero(p.getInput(0));
                default -> false;
            };
        }

        private Data reduce(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            long[] axes = intsAttr(n, "axes");
            if (axes == null && n.getInputCount() > 1) {
                axes = ints(n, n.getInput(1));
            }
            if (axes == null || axes.length != 1) {
                throw refuse(n, "reduces axes " + java.util.Arrays.toString(axes) + " of " + in.axes()
                        + "; only the time axis can be pooled");
            }
            final int axis = axis(n, (int) axes[0], in);
            if (in.axes().get(axis) != Ax.T) {
                throw refuse(n, "reduces axis " + axis + " (" + in.axes().get(axis) + ") of " + in.axes()
                        + "; only the time axis can be pooled");
            }
            setReadout(n, "ReduceMax".equals(n.getOpType()) ? Readout.MAX : Readout.MEAN);
            final List<Ax> out = new ArrayList<>(in.axes());
            if (intAttr(n, "keepdims", 1) != 0) {
                out.set(axis, Ax.P1);
            } else {
                out.remove(axis);
            }
            return new Data(out, in.width(), false);
        }

        private void setReadout(final NodeProto n, final Readout r) throws UnsupportedArchitectureException {
            if (layers.isEmpty()) {
                throw refuse(n, "reads out a sequence before any LSTM or GRU");
            }
            if (readout != null) {
                throw refuse(n, "is a second read-out (after " + readout + ")");
            }
            readout = r;
        }

        /** The [batch, features] vector the head works on, its width, or a refusal naming the layout. */
        private int headInput(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final List<Ax> axes = new ArrayList<>(in.axes());
            axes.removeIf(a -> a == Ax.P1 || a == Ax.T1);
            if (readout == null || !axes.equals(List.of(Ax.N, Ax.F))) {
                throw refuse(n, "applies to a tensor laid out " + in.axes() + (readout == null
                        ? " before any read-out" : "") + "; dense layers need [batch, features]");
            }
            if (output != null) {
                throw refuse(n, "comes after the output activation");
            }
            return head.isEmpty() ? features() : head.get(head.size() - 1).out();
        }

        private int features() {
            final Recurrent last = layers.get(layers.size() - 1);
            return last.dirs() * last.hidden();
        }

        private Data gemm(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final int width = headInput(n, in);
            if (intAttr(n, "transA", 0) != 0 || floatAttr(n, "alpha", 1f) != 1f || floatAttr(n, "beta", 1f) != 1f) {
                throw refuse(n, "uses transA, alpha or beta other than 0, 1, 1");
            }
            if (!n.getInput(0).equals(lastData)) {
                throw refuse(n, "takes the data path as its B operand");
            }
            final TensorProto bt = floatConst(n, n.getInput(1), 2);
            final boolean transB = intAttr(n, "transB", 0) != 0;
            final int inW = (int) bt.getDims(transB ? 1 : 0);
            final int outW = (int) bt.getDims(transB ? 0 : 1);
            if (inW != width) {
                throw refuse(n, "has weights " + bt.getDimsList() + (transB ? " (transB)" : "") + " for an input of "
                        + width + " features");
            }
            final float[] raw = floats(bt);
            final float[] w = new float[inW * outW];
            for (int i = 0; i < inW; i++) {
                for (int o = 0; o < outW; o++) {
                    w[i * outW + o] = transB ? raw[o * inW + i] : raw[i * outW + o];
                }
            }
            final float[] b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? bias(n, n.getInput(2), outW)
                    : new float[outW];
            head.add(new Dense(inW, outW, w, b, Act.IDENTITY));
            return new Data(List.of(Ax.N, Ax.F), outW, false);
        }

        private Data matmul(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final int width = headInput(n, in);
            if (!n.getInput(0).equals(lastData)) {
                throw refuse(n, "takes the data path as its right operand");
            }
            final TensorProto bt = floatConst(n, n.getInput(1), 2);
            if (bt.getDims(0) != width) {
                throw refuse(n, "has weights " + bt.getDimsList() + " for an input of " + width + " features");
            }
            head.add(new Dense(width, (int) bt.getDims(1), floats(bt), new float[(int) bt.getDims(1)], Act.IDENTITY));
            return new Data(List.of(Ax.N, Ax.F), (int) bt.getDims(1), false);
        }

        private Data add(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            if (head.isEmpty() || !"MatMul".equals(ops.get(ops.size() - 1))) {
                throw refuse(n, "is not the bias of a MatMul");
            }
            final Dense d = head.remove(head.size() - 1);
            final String other = n.getInput(0).equals(lastData) ? n.getInput(1) : n.getInput(0);
            head.add(new Dense(d.in(), d.out(), d.w(), bias(n, other, d.out()), d.act()));
            return in;
        }

        private float[] bias(final NodeProto n, final String name, final int width)
                throws UnsupportedArchitectureException {
            final TensorProto t = consts.get(name);
            final float[] b = t == null ? null : floats(t);
            if (b == null || b.length != width) {
                throw refuse(n, "has a bias " + (t == null ? "that is not a constant" : "of shape " + t.getDimsList())
                        + " for " + width + " outputs");
            }
            return b;
        }

        private Data activation(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final int width = headInput(n, in);
            if (head.isEmpty() || head.get(head.size() - 1).act() != Act.IDENTITY) {
                throw refuse(n, "does not follow a dense layer");
            }
            final Act act = switch (n.getOpType()) {
                case "Relu" -> Act.RELU;
                case "Tanh" -> Act.TANH;
                default -> Act.SIGMOID;
            };
            if (act == Act.SIGMOID && width == 1 && !laterDense(n)) {
                output = Output.SIGMOID;
            } else {
                final Dense d = head.remove(head.size() - 1);
                head.add(new Dense(d.in(), d.out(), d.w(), d.b(), act));
            }
            return in;
        }

        /** Whether a Gemm or MatMul follows {@code n} (then a 1-wide sigmoid is a hidden layer, not the output). */
        private boolean laterDense(final NodeProto n) {
            boolean after = false;
            for (final NodeProto m : g.getNodeList()) {
                if (m == n) {
                    after = true;
                } else if (after && ("Gemm".equals(m.getOpType()) || "MatMul".equals(m.getOpType()))) {
                    return true;
                }
            }
            return false;
        }

        private Data softmax(final NodeProto n, final Data in) throws UnsupportedArchitectureException {
            final int width = headInput(n, in);
            final int axis = intAttr(n, "axis", -1);
            if (width != 2 || head.isEmpty() || axis != 1 && axis != -1) {
                throw refuse(n, "is a softmax over " + width + " outputs on axis " + axis
                        + "; only a 2-way softmax over the last axis of a dense layer is supported");
            }
            output = Output.SOFTMAX2;
            return in;
        }

        // ---- helpers --------------------------------------------------------------------------------

        private static UnsupportedArchitectureException refuse(final NodeProto n, final String why) {
            return new UnsupportedArchitectureException("ONNX node " + n.getOpType()
                    + (n.getName().isEmpty() ? "" : " '" + n.getName() + "'") + " " + why);
        }

        private int axis(final NodeProto n, final int axis, final Data in) throws UnsupportedArchitectureException {
            final int rank = in.axes().size();
            final int a = axis < 0 ? axis + rank : axis;
            if (a < 0 || a >= rank) {
                throw refuse(n, "names axis " + axis + " of a rank-" + rank + " tensor");
            }
            return a;
        }

        private TensorProto floatConst(final NodeProto n, final String name, final int rank)
                throws UnsupportedArchitectureException {
            final TensorProto t = consts.get(name);
            if (t == null || t.getDimsCount() != rank || t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
                throw refuse(n, "needs '" + name + "' to be a float constant of rank " + rank
                        + (t == null ? " (it is computed or missing)" : " (it is " + TensorProto.DataType.forNumber(
                                t.getDataType()) + " " + t.getDimsList() + ")"));
            }
            return t;
        }

        private boolean scalar(final String name) {
            final TensorProto t = consts.get(name);
            return t != null && t.getDimsCount() == 0;
        }

        private long[] ints(final NodeProto n, final String name) throws UnsupportedArchitectureException {
            final TensorProto t = consts.get(name);
            if (t == null) {
                throw refuse(n, "needs '" + name + "' to be a constant (it is computed)");
            }
            final int count = (int) t.getDimsList().stream().mapToLong(Long::longValue).reduce(1, (x, y) -> x * y);
            final long[] out = new long[count];
            final boolean i64 = t.getDataType() == TensorProto.DataType.INT64_VALUE;
            if (!i64 && t.getDataType() != TensorProto.DataType.INT32_VALUE) {
                throw refuse(n, "needs '" + name + "' to hold integers");
            }
            if (!t.getRawData().isEmpty()) {
                final ByteBuffer bb = ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN);
                for (int i = 0; i < count; i++) {
                    out[i] = i64 ? bb.getLong() : bb.getInt();
                }
            } else {
                for (int i = 0; i < count; i++) {
                    out[i] = i64 ? t.getInt64Data(i) : t.getInt32Data(i);
                }
            }
            return out;
        }

        private static int intAttr(final NodeProto n, final String name, final int fallback) {
            for (final AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return (int) a.getI();
                }
            }
            return fallback;
        }

        private static float floatAttr(final NodeProto n, final String name, final float fallback) {
            for (final AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a.getF();
                }
            }
            return fallback;
        }

        private static String stringAttr(final NodeProto n, final String name, final String fallback) {
            for (final AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals(name)) {
                    return a.getS().toStringUtf8();
                }
            }
            return fallback;
        }

        private static long[] intsAttr(final NodeProto n, final String name) {
            for (final AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals(name)) {
                    final long[] out = new long[a.getIntsCount()];
                    for (int i = 0; i < out.length; i++) {
                        out[i] = a.getInts(i);
                    }
                    return out;
                }
            }
            return null;
        }

        private static String dims(final TensorShapeProto s) {
            final List<String> d = new ArrayList<>();
            for (final TensorShapeProto.Dimension x : s.getDimList()) {
                d.add(x.hasDimValue() ? String.valueOf(x.getDimValue()) : x.getDimParam());
            }
            return d.toString();
        }
    }

    static float[] floats(final TensorProto t) throws UnsupportedArchitectureException {
        long n = 1;
        for (final long d : t.getDimsList()) {
            n *= d;
        }
        if (t.getDataType() != TensorProto.DataType.FLOAT_VALUE) {
            throw new UnsupportedArchitectureException("'" + t.getName() + "' is "
                    + TensorProto.DataType.forNumber(t.getDataType()) + ", not float");
        }
        if (!t.getRawData().isEmpty()) {
            if (t.getRawData().size() != n * 4) {
                throw new UnsupportedArchitectureException("'" + t.getName() + "' holds " + t.getRawData().size()
                        + " bytes for " + n + " floats");
            }
            final float[] out = new float[(int) n];
            ByteBuffer.wrap(t.getRawData().toByteArray()).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
        if (t.getFloatDataCount() != n) {
            throw new UnsupportedArchitectureException("'" + t.getName() + "' holds " + t.getFloatDataCount()
                    + " floats, its dims say " + n);
        }
        final float[] out = new float[(int) n];
        for (int i = 0; i < n; i++) {
            out[i] = t.getFloatData(i);
        }
        return out;
    }
}
