package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.Architecture;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Synchronous data-parallel training on one machine: the main network plus {@code workers - 1} clones,
 * each always driven by the same thread (DL4J workspaces are per thread); every step each replica fits
 * its own batch, then parameters and Adam state are averaged and copied back to all. With one OpenMP
 * thread per replica this keeps both cores busy where a single {@code fit()} uses one.
 */
final class DataParallel implements AutoCloseable {

    private final List<MultiLayerNetwork> replicas = new ArrayList<>();
    private final List<ExecutorService> threads = new ArrayList<>();

    /**
     * @param fresh builds a new network of the same configuration; replicas are not {@code clone()}s
     *              because a cloned configuration shares its {@code Dropout} objects, which hold the
     *              current dropout mask, between threads
     */
    DataParallel(final MultiLayerNetwork main, final Supplier<MultiLayerNetwork> fresh, final int workers,
                 final long seed) {
        replicas.add(main);
        for (int w = 1; w < workers; w++) {
            final MultiLayerNetwork r = fresh.get();
            r.setParams(main.params());
            replicas.add(r);
        }
        for (int w = 0; w < workers; w++) {
            final int id = w;
            final ExecutorService t = Executors.newSingleThreadExecutor(r -> {
                final Thread th = new Thread(r, "trainer-worker-" + id);
                th.setDaemon(true);
                return th;
            });
            // Dropout draws from the calling thread's ND4J generator: seed each worker's once.
            t.submit(() -> Nd4j.getRandom().setSeed(seed + 1000L * id));
            threads.add(t);
        }
    }

    void setLearningRate(final double lr) {
        for (final MultiLayerNetwork r : replicas) {
            r.setLearningRate(lr);
        }
    }

    void epoch(final List<int[]> batches, final EncodedSet train, final Architecture arch, final Progress progress) {
        final int k = replicas.size();
        for (int from = 0; from < batches.size(); from += k) {
            final int n = Math.min(k, batches.size() - from);
            final List<Future<Double>> done = new ArrayList<>(n);
            int reviews = 0;
            for (int w = 0; w < n; w++) {
                final int[] idx = batches.get(from + w);
                reviews += idx.length;
                final MultiLayerNetwork net = replicas.get(w);
                done.add(threads.get(w).submit(() -> {
                    final DataSet ds = Trainer.dataSet(Batches.rows(train.ids(), idx), idx, train.labels(), arch);
                    net.fit(ds);
                    return net.score();
                }));
            }
            double loss = 0;
            for (final Future<Double> f : done) {
                try {
                    loss += f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("training interrupted", e);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("a training worker failed: " + e.getCause(), e.getCause());
                }
            }
            average(n);
            progress.step(reviews, loss / n);
        }
    }

    /** Averages parameters and updater state of the first {@code n} replicas into all replicas. */
    private void average(final int n) {
        if (n == 1 && replicas.size() == 1) {
            return;
        }
        final INDArray params = replicas.get(0).params();
        final INDArray state = replicas.get(0).getUpdater().getStateViewArray();
        for (int w = 1; w < n; w++) {
            params.addi(replicas.get(w).params());
            if (state != null) {
                state.addi(replicas.get(w).getUpdater().getStateViewArray());
            }
        }
        params.divi(n);
        if (state != null) {
            state.divi(n);
        }
        for (int w = 1; w < replicas.size(); w++) {
            replicas.get(w).params().assign(params);
            if (state != null) {
                replicas.get(w).getUpdater().getStateViewArray().assign(state);
            }
        }
    }

    @Override
    public void close() {
        for (final ExecutorService t : threads) {
            t.shutdownNow();
        }
    }
}
