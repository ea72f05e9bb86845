package io.sentimentstreams.model.fast;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.model.SentimentModel;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code fast} engine: padded token-id rows in, P(positive) out, computed by a plain-Java forward pass
 * over the weights of a DL4J embedding → (bidirectional) LSTM → pooling → dense → softmax network.
 *
 * <p>What makes it fast (docs/engine.md has the details): the embedding, its activation, the input weights
 * and the bias of each direction are folded at load time into one table row per token, so a time step
 * costs one row lookup plus the recurrent product; that product runs for a block of reviews at once
 * (4 rows × 4 vectors register tiles) over {@code jdk.incubator.vector}; each review is run only over its
 * real tokens when the network is masked (and over the real tokens after a precomputed padding prefix
 * when it is not); the two directions and blocks of reviews run on a small pool of threads. Scratch
 * buffers live per thread, so a call allocates only its result array and a latch.
 *
 * <p>Semantics mirror DL4J 1.0.0-M2.1 exactly, including how its masking differs with the wiring (see
 * {@link Padding}), and a row without any token is scored as a single padding token in the last column,
 * as {@code Dl4jModel} feeds it (DL4J itself refuses or returns NaN for an all-masked row).
 */
public final class FastBiLstm implements SentimentModel {

    public static final String ENGINE = "fast";
    /** System property overriding the number of threads one call may use (default: available cores, ≥ 2). */
    public static final String THREADS_PROPERTY = "sentiment.fast.threads";

    /** Reviews per unit of work: big enough to reuse recurrent weights from L1, small enough to balance. */
    static final int BLOCK = 64;

    /**
     * How DL4J 1.0.0-M2.1 treats padding, which depends on the wiring (verified in docs/engine.md).
     * RESET: masked net with LastTimeStep; the mask reaches the LSTM, which zeroes h and c at every masked
     * step, so a masked step is a restart. ZERO_INPUT: masked net with GlobalPoolingLayer; the mask reaches
     * the embedding (which zeroes masked steps) and the pooling (which ignores them) but not the LSTM,
     * whose state runs on through masked steps fed an all-zero input. UNMASKED: padding is token 0.
     */
    enum Padding { RESET, ZERO_INPUT, UNMASKED }

    enum Act { IDENTITY, RELU, TANH, SIGMOID }

    /** One dense layer of the head, width padded to whole vectors; {@code w} is [inP, outP] row-major. */
    record Dense(float[] w, float[] b, int inP, int out, int outP, Act act) {
    }

    private final int vocab;
    private final int maxlen;
    private final int hidden;
    private final int hp;
    private final int g;
    private final int dirs;
    private final Padding padding;
    private final Pooling pooling;
    private final float[][] table;
    private final float[][] rw;
    private final float[][] prefixH;
    private final float[][] prefixC;
    private final float[][] prefixPool;
    private final Dense[] head;
    private final boolean softmax2;
    private final int featWidth;
    private final int threads;
    /** False only for measurements and tests: an unmasked row runs every padding step from a zero state. */
    private final boolean paddingPrefix;
    private final ExecutorService pool;
    private final ThreadLocal<Worker> workers = ThreadLocal.withInitial(Worker::new);
    private final ThreadLocal<CallState> calls = ThreadLocal.withInitial(CallState::new);
    private volatile boolean closed;

    FastBiLstm(final FastWeights w, final int threads) {
        this(w, threads, true);
    }

    FastBiLstm(final FastWeights w, final int threads, final boolean paddingPrefix) {
        this.paddingPrefix = paddingPrefix;
        this.vocab = w.vocab();
        this.maxlen = w.maxlen();
        this.hidden = w.hidden();
        this.hp = w.hp();
        this.g = 4 * w.hp();
        this.dirs = w.table().length;
        this.pooling = w.pooling();
        this.padding = !w.masked() ? Padding.UNMASKED
                : pooling == Pooling.LAST ? Padding.RESET : Padding.ZERO_INPUT;
        this.table = w.table();
        this.rw = new float[dirs][];
        for (int d = 0; d < dirs; d++) {
            this.rw[d] = VectorKernels.packRecurrent(w.rw()[d], hidden, g);
        }
        this.head = w.head();
        this.softmax2 = w.softmax2();
        this.featWidth = dirs * hp;
        this.threads = Math.max(1, threads);
        this.pool = this.threads > 1 ? Executors.newFixedThreadPool(this.threads - 1, r -> {
            final Thread t = new Thread(r, "fast-bilstm");
            t.setDaemon(true);
            return t;
        }) : null;
        if (padding == Padding.RESET) {
            prefixH = null;
            prefixC = null;
            prefixPool = null;
        } else {
            prefixH = new float[dirs][(maxlen + 1) * hp];
            prefixC = new float[dirs][(maxlen + 1) * hp];
            prefixPool = new float[dirs][(maxlen + 1) * hp];
            for (int d = 0; d < dirs; d++) {
                if (padding == Padding.UNMASKED) {
                    paddingPrefix(d, 0, poolMode());
                } else {
                    paddingPrefix(d, vocab * g, VectorKernels.POOL_NONE);
                }
            }
        }
    }

    /**
     * Builds the engine from a DL4J network, or explains what it cannot reproduce. Threads default to the
     * available processors (at least two), overridable with {@value #THREADS_PROPERTY}.
     */
    public static FastBiLstm create(final org.deeplearning4j.nn.multilayer.MultiLayerNetwork net,
            final Architecture arch) throws UnsupportedArchitectureException {
        return create(net, arch, defaultThreads());
    }

    public static FastBiLstm create(final org.deeplearning4j.nn.multilayer.MultiLayerNetwork net,
            final Architecture arch, final int threads) throws UnsupportedArchitectureException {
        if (!VectorSupport.available()) {
            throw new UnsupportedArchitectureException(
                    "jdk.incubator.vector is not in this JVM (start it with --add-modules jdk.incubator.vector)");
        }
        return new FastBiLstm(FastWeights.extract(net, arch, VectorKernels.lanes()), threads);
    }

    /**
     * Builds the engine from a bundle's {@code model.onnx} (as {@code OnnxExport} writes it) without touching
     * DL4J or ND4J; the caller must still check it against reference probabilities (the bundle's stored
     * canary) before serving with it.
     */
    public static FastBiLstm fromOnnx(final byte[] onnx, final Architecture arch)
            throws UnsupportedArchitectureException {
        if (!VectorSupport.available()) {
            throw new UnsupportedArchitectureException(
                    "jdk.incubator.vector is not in this JVM (start it with --add-modules jdk.incubator.vector)");
        }
        return new FastBiLstm(OnnxWeights.read(onnx, arch, VectorKernels.lanes()), defaultThreads());
    }

    /**
     * {@link #fromOnnx(byte[], Architecture)} with a choice of threads and of the padding prefix of unmasked
     * networks; {@code paddingPrefix = false} runs every leading padding step of every row from a zero state
     * (the same floats, slower) and exists so that benches and tests can compare the two.
     */
    public static FastBiLstm fromOnnx(final byte[] onnx, final Architecture arch, final int threads,
            final boolean paddingPrefix) throws UnsupportedArchitectureException {
        if (!VectorSupport.available()) {
            throw new UnsupportedArchitectureException(
                    "jdk.incubator.vector is not in this JVM (start it with --add-modules jdk.incubator.vector)");
        }
        return new FastBiLstm(OnnxWeights.read(onnx, arch, VectorKernels.lanes()), threads, paddingPrefix);
    }

    static int defaultThreads() {
        final String p = System.getProperty(THREADS_PROPERTY);
        if (p != null && !p.isBlank()) {
            return Math.max(1, Integer.parseInt(p.trim()));
        }
        return Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    @Override
    public String engine() {
        return ENGINE;
    }

    public int threads() {
        return threads;
    }

    /** The pooling this network uses. */
    public Pooling pooling() {
        return pooling;
    }

    @Override
    public float[] score(final int[][] ids) {
        if (closed) {
            throw new IllegalStateException("fast engine is closed");
        }
        final int b = ids.length;
        final float[] out = new float[b];
        if (b == 0) {
            return out;
        }
        final CallState cs = calls.get();
        cs.prepare(ids);
        final Job job = new Job(ids, cs, cs.nTasks);
        final int helpers = pool == null ? 0 : Math.min(threads - 1, cs.nTasks - 1);
        try {
            for (int i = 0; i < helpers; i++) {
                pool.execute(job);
            }
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("fast engine is closed", e);
        }
        job.run();
        try {
            job.done.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while scoring", e);
        }
        if (job.error != null) {
            throw new IllegalStateException("fast engine failed: " + job.error, job.error);
        }
        for (int i = 0; i < b; i++) {
            out[i] = headOf(cs, i);
        }
        return out;
    }

    @Override
    public void close() {
        closed = true;
        if (pool != null) {
            pool.shutdownNow();
        }
    }

    /** Dense layers and the output on one review's pooled features. */
    private float headOf(final CallState cs, final int review) {
        float[] x = cs.feat;
        int xOff = review * featWidth;
        float[] y = cs.y1;
        for (int l = 0; l < head.length; l++) {
            final Dense d = head[l];
            VectorKernels.dense(x, xOff, d.inP(), d.w(), d.b(), d.outP(), y);
            if (l < head.length - 1) {
                activate(d.act(), y, d.out());
            }
            x = y;
            xOff = 0;
            y = y == cs.y1 ? cs.y2 : cs.y1;
        }
        if (softmax2) {
            // softmax over two logits, index 1 positive; same value as exp(z1-m)/(exp(z0-m)+exp(z1-m)).
            final double z0 = x[0];
            final double z1 = x[1];
            final double m = Math.max(z0, z1);
            final double e0 = Math.exp(z0 - m);
            final double e1 = Math.exp(z1 - m);
            return (float) (e1 / (e0 + e1));
        }
        return (float) (1.0 / (1.0 + Math.exp(-(double) x[0])));
    }

    private static void activate(final Act act, final float[] y, final int n) {
        switch (act) {
            case RELU -> {
                for (int i = 0; i < n; i++) {
                    y[i] = Math.max(0f, y[i]);
                }
            }
            case TANH -> {
                for (int i = 0; i < n; i++) {
                    y[i] = (float) Math.tanh(y[i]);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < n; i++) {
                    y[i] = (float) (1.0 / (1.0 + Math.exp(-(double) y[i])));
                }
            }
            case IDENTITY -> {
            }
        }
        // Padded lanes beyond n must stay 0 for the next layer (its weights there are 0 anyway).
    }

    private int poolMode() {
        return switch (pooling) {
            case LAST -> VectorKernels.POOL_NONE;
            case MAX -> VectorKernels.POOL_MAX;
            case MEAN -> VectorKernels.POOL_SUM;
        };
    }

    /**
     * State and pooled value after 0..maxlen leading padding steps from a zero state, all reviews alike:
     * token 0 pooled (unmasked nets) or the all-zero input unpooled (masked nets with pooling).
     */
    private void paddingPrefix(final int d, final int inputOffset, final int mode) {
        final Worker w = new Worker();
        final int init = poolMode();
        Arrays.fill(w.h, 0, hp, 0f);
        Arrays.fill(w.c, 0, hp, 0f);
        Arrays.fill(w.pool, 0, hp, init == VectorKernels.POOL_MAX ? Float.NEGATIVE_INFINITY : 0f);
        for (int z = 0; ; z++) {
            System.arraycopy(w.h, 0, prefixH[d], z * hp, hp);
            System.arraycopy(w.c, 0, prefixC[d], z * hp, hp);
            System.arraycopy(w.pool, 0, prefixPool[d], z * hp, hp);
            if (z == maxlen) {
                break;
            }
            w.off[0] = inputOffset;
            VectorKernels.gates(table[d], w.off, w.h, rw[d], 1, hidden, hp, g, w.gates);
            VectorKernels.cell(w.gates, w.c, w.h, w.pool, mode, null, 1, hp, g);
        }
    }

    /** One block of up to {@link #BLOCK} reviews in one direction: the recurrence and the pooling. */
    private void runTask(final int[][] ids, final CallState cs, final int task) {
        final int d = cs.taskDir[task];
        final int chunks = cs.taskChunks[task];
        final int first = cs.taskFirst[task];
        final int[] sorted = cs.sorted[d];
        final int[] steps = cs.steps[d];
        final Worker w = workers.get();
        final int b = ids.length;
        final int mode = poolMode();
        final boolean backward = d == 1;
        final boolean lastOnly = backward && pooling == Pooling.LAST;
        int n = 0;
        for (int s = first; s < b && n < BLOCK; s += chunks) {
            final int review = sorted[s];
            w.review[n] = review;
            w.steps[n] = steps[review];
            buildSequence(ids[review], backward, lastOnly, w, n, mode);
            n++;
        }
        final int maxSteps = n == 0 ? 0 : w.steps[0];
        int active = n;
        for (int k = 0; k < maxSteps; k++) {
            while (active > 0 && w.steps[active - 1] <= k) {
                active--;
            }
            for (int r = 0; r < active; r++) {
                w.off[r] = w.seq[r * maxlen + k];
                w.pooledNow[r] = w.pooled[r * maxlen + k];
                if (w.reset[r * maxlen + k]) {
                    Arrays.fill(w.h, r * hp, (r + 1) * hp, 0f);
                    Arrays.fill(w.c, r * hp, (r + 1) * hp, 0f);
                }
            }
            VectorKernels.gates(table[d], w.off, w.h, rw[d], active, hidden, hp, g, w.gates);
            VectorKernels.cell(w.gates, w.c, w.h, w.pool, mode, w.pooledNow, active, hp, g);
        }
        for (int r = 0; r < n; r++) {
            final int dst = w.review[r] * featWidth + d * hp;
            switch (pooling) {
                case LAST -> System.arraycopy(w.h, r * hp, cs.feat, dst, hp);
                case MAX -> System.arraycopy(w.pool, r * hp, cs.feat, dst, hp);
                case MEAN -> {
                    final float count = w.count[r];
                    for (int j = 0; j < hp; j++) {
                        cs.feat[dst + j] = w.pool[r * hp + j] / count;
                    }
                }
            }
        }
    }

    /**
     * Writes row {@code r}'s table offsets in reading order into the worker's sequence buffer, its reset
     * flags, its initial state and pooling accumulator, and the divisor for mean pooling.
     */
    private void buildSequence(final int[] row, final boolean backward, final boolean lastOnly, final Worker w,
            final int r, final int mode) {
        final int base = r * maxlen;
        final int steps = w.steps[r];
        final int hr = r * hp;
        final int dir = backward ? 1 : 0;
        switch (padding) {
            case RESET -> {
                Arrays.fill(w.h, hr, hr + hp, 0f);
                Arrays.fill(w.c, hr, hr + hp, 0f);
                Arrays.fill(w.pool, hr, hr + hp, mode == VectorKernels.POOL_MAX ? Float.NEGATIVE_INFINITY : 0f);
                int k = 0;
                int prev = -2;
                int tokens = 0;
                for (int i = 0; i < maxlen; i++) {
                    final int id = row[backward ? maxlen - 1 - i : i];
                    if (id == 0) {
                        continue;
                    }
                    tokens++;
                    if (k < steps) {
                        w.seq[base + k] = id * g;
                        w.reset[base + k] = k > 0 && i != prev + 1;
                        w.pooled[base + k] = true;
                        k++;
                    }
                    prev = i;
                }
                if (tokens == 0) {
                    // Dl4jModel unmasks the last column of an empty row: one step of the padding token.
                    w.seq[base] = 0;
                    w.reset[base] = false;
                    w.pooled[base] = true;
                    tokens = 1;
                }
                w.count[r] = tokens;
            }
            case ZERO_INPUT -> {
                // Steps from the first to the last unmasked one in reading order; masked steps in between
                // run on the zero-input row and stay out of the pooling; the leading masked run comes
                // from the prefix table, the trailing one changes nothing pooled and is skipped.
                final int first = firstUnmasked(row, backward);
                System.arraycopy(prefixH[dir], first * hp, w.h, hr, hp);
                System.arraycopy(prefixC[dir], first * hp, w.c, hr, hp);
                System.arraycopy(prefixPool[dir], first * hp, w.pool, hr, hp);
                final boolean empty = isEmpty(row);
                int tokens = 0;
                for (int k = 0; k < steps; k++) {
                    final int t = backward ? maxlen - 1 - (first + k) : first + k;
                    final int id = row[t];
                    final boolean unmasked = id != 0 || (empty && t == maxlen - 1);
                    w.seq[base + k] = unmasked ? id * g : vocab * g;
                    w.reset[base + k] = false;
                    w.pooled[base + k] = unmasked;
                    if (unmasked) {
                        tokens++;
                    }
                }
                w.count[r] = tokens;
            }
            case UNMASKED -> {
                final int zeros = lastOnly ? (row[maxlen - 1] == 0 ? 1 : 0) : paddingPrefix ? maxlen - steps : 0;
                System.arraycopy(prefixH[dir], zeros * hp, w.h, hr, hp);
                System.arraycopy(prefixC[dir], zeros * hp, w.c, hr, hp);
                System.arraycopy(prefixPool[dir], zeros * hp, w.pool, hr, hp);
                for (int k = 0; k < steps; k++) {
                    final int i = zeros + k;
                    final int t = backward ? maxlen - 1 - i : i;
                    w.seq[base + k] = row[t] * g;
                    w.reset[base + k] = false;
                    w.pooled[base + k] = true;
                }
                w.count[r] = maxlen;
            }
        }
    }

    private boolean isEmpty(final int[] row) {
        for (final int id : row) {
            if (id != 0) {
                return false;
            }
        }
        return true;
    }

    /** Reading-order index of the first unmasked step (an empty row counts its last column as unmasked). */
    private int firstUnmasked(final int[] row, final boolean backward) {
        for (int i = 0; i < maxlen; i++) {
            if (row[backward ? maxlen - 1 - i : i] != 0) {
                return i;
            }
        }
        return backward ? 0 : maxlen - 1;
    }

    /** Steps per direction of one validated row (see {@link #buildSequence}). */
    private void stepsOf(final int[] row, final int review, final CallState cs) {
        if (row.length != maxlen) {
            throw new IllegalArgumentException("every row needs " + maxlen + " ids, got " + row.length);
        }
        int nonZero = 0;
        int firstNz = -1;
        int lastNz = -1;
        for (int t = 0; t < maxlen; t++) {
            final int id = row[t];
            if (id < 0 || id >= vocab) {
                throw new IllegalArgumentException("token id " + id + " outside the vocabulary [0, " + vocab + ")");
            }
            if (id != 0) {
                nonZero++;
                if (firstNz < 0) {
                    firstNz = t;
                }
                lastNz = t;
            }
        }
        switch (padding) {
            case RESET -> {
                final int total = Math.max(1, nonZero);
                cs.steps[0][review] = total;
                if (dirs > 1) {
                    cs.steps[1][review] = pooling == Pooling.LAST ? 1 : total;
                }
            }
            case ZERO_INPUT -> {
                // From the first to the last unmasked step in each reading order.
                final int span = nonZero == 0 ? 1 : lastNz - firstNz + 1;
                cs.steps[0][review] = span;
                if (dirs > 1) {
                    cs.steps[1][review] = span;
                }
            }
            case UNMASKED -> {
                // The leading padding run of each reading order comes from the prefix table.
                cs.steps[0][review] = !paddingPrefix ? maxlen : firstNz < 0 ? 0 : maxlen - firstNz;
                if (dirs > 1) {
                    cs.steps[1][review] = pooling == Pooling.LAST ? (row[maxlen - 1] == 0 ? 0 : 1)
                            : !paddingPrefix ? maxlen : lastNz < 0 ? 0 : lastNz + 1;
                }
            }
        }
    }

    /** Per-thread scratch for running blocks; sized once. */
    private final class Worker {
        final float[] h = new float[BLOCK * hp];
        final float[] c = new float[BLOCK * hp];
        final float[] pool = new float[BLOCK * hp];
        final float[] gates = new float[BLOCK * g];
        final int[] seq = new int[BLOCK * maxlen];
        final boolean[] reset = new boolean[BLOCK * maxlen];
        final boolean[] pooled = new boolean[BLOCK * maxlen];
        final boolean[] pooledNow = new boolean[BLOCK];
        final int[] off = new int[BLOCK];
        final int[] steps = new int[BLOCK];
        final int[] review = new int[BLOCK];
        final int[] count = new int[BLOCK];
    }

    /** Per-calling-thread buffers for one call: the schedule and the pooled features; grown, never shrunk. */
    private final class CallState {
        int[][] sorted = new int[dirs][0];
        int[][] steps = new int[dirs][0];
        float[] feat = new float[0];
        int[] taskDir = new int[0];
        int[] taskChunks = new int[0];
        int[] taskFirst = new int[0];
        int nTasks;
        final int[] bucket = new int[maxlen + 2];
        final float[] y1;
        final float[] y2;

        CallState() {
            int widest = 2;
            for (final Dense d : head) {
                widest = Math.max(widest, d.outP());
            }
            y1 = new float[widest];
            y2 = new float[widest];
        }

        void prepare(final int[][] ids) {
            final int b = ids.length;
            if (sorted[0].length < b) {
                final int cap = Math.max(b, 2 * sorted[0].length);
                for (int d = 0; d < dirs; d++) {
                    sorted[d] = new int[cap];
                    steps[d] = new int[cap];
                }
                feat = new float[cap * featWidth];
            }
            long total = 0;
            final long[] cost = new long[dirs];
            for (int i = 0; i < b; i++) {
                stepsOf(ids[i], i, this);
            }
            for (int d = 0; d < dirs; d++) {
                sortBySteps(steps[d], sorted[d], b);
                for (int i = 0; i < b; i++) {
                    cost[d] += steps[d][i] + 1;
                }
                total += cost[d];
            }
            // Chunks per direction: enough blocks of <= BLOCK rows, and a direction that carries most of
            // the work (the forward one of an unmasked net with last-step pooling) is split over threads.
            nTasks = 0;
            final int minChunks = (b + BLOCK - 1) / BLOCK;
            final int[] chunks = new int[dirs];
            for (int d = 0; d < dirs; d++) {
                final int share = (int) Math.round((double) threads * cost[d] / total);
                chunks[d] = Math.max(minChunks, Math.min(b, Math.max(1, share)));
                for (int c = 0; c < chunks[d]; c++) {
                    final int rowsInChunk = (b - c + chunks[d] - 1) / chunks[d];
                    nTasks += (rowsInChunk + BLOCK - 1) / BLOCK;
                }
            }
            if (taskDir.length < nTasks) {
                taskDir = new int[2 * nTasks];
                taskChunks = new int[2 * nTasks];
                taskFirst = new int[2 * nTasks];
            }
            int t = 0;
            for (int d = 0; d < dirs; d++) {
                for (int c = 0; c < chunks[d]; c++) {
                    // Block j of chunk c starts at sorted position c + j*BLOCK*chunks and strides by chunks.
                    for (int first = c; first < b; first += BLOCK * chunks[d]) {
                        taskDir[t] = d;
                        taskChunks[t] = chunks[d];
                        taskFirst[t] = first;
                        t++;
                    }
                }
            }
            nTasks = t;
        }

        /** Counting sort of review indices by descending step count. */
        private void sortBySteps(final int[] st, final int[] out, final int b) {
            Arrays.fill(bucket, 0);
            for (int i = 0; i < b; i++) {
                bucket[maxlen - st[i]]++;
            }
            int acc = 0;
            for (int s = 0; s <= maxlen; s++) {
                final int c = bucket[s];
                bucket[s] = acc;
                acc += c;
            }
            for (int i = 0; i < b; i++) {
                out[bucket[maxlen - st[i]]++] = i;
            }
        }
    }

    /** The tasks of one call, pulled by the calling thread and the helpers until none is left. */
    private final class Job implements Runnable {
        final int[][] ids;
        final CallState cs;
        final int nTasks;
        final AtomicInteger next = new AtomicInteger();
        final CountDownLatch done;
        volatile Throwable error;

        Job(final int[][] ids, final CallState cs, final int nTasks) {
            this.ids = ids;
            this.cs = cs;
            this.nTasks = nTasks;
            this.done = new CountDownLatch(nTasks);
        }

        @Override
        public void run() {
            for (int t = next.getAndIncrement(); t < nTasks; t = next.getAndIncrement()) {
                try {
                    runTask(ids, cs, t);
                } catch (Throwable e) {
                    error = e;
                } finally {
                    done.countDown();
                }
            }
        }
    }
}
