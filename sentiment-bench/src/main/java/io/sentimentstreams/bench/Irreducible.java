package io.sentimentstreams.bench;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.run.DemoInput;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.List;

/**
 * What one review cannot cost less than in the served model's own code: its text pipeline on one thread and
 * its scoring on the fast engine in batches of the size inference-service serves, as CPU microseconds per
 * review, measured on the bench's corpus after a warm-up pass (the services are warm by then too).
 */
final class Irreducible {

    /** inference-service's {@code sentiment.inference.batch.max-size} default. */
    static final int SERVED_BATCH = 128;
    private static final int REVIEWS = 4096;

    record Costs(double textUs, double scoringUs, String engine) {
    }

    private Irreducible() {
    }

    static Costs measure(final Path bundleDir, final List<DemoInput> corpus, final int batch, final PrintStream err)
            throws Exception {
        final ModelBundle bundle = ModelBundle.load(bundleDir);
        final var cfg = bundle.manifest().pipeline().withDefaults();
        final TextPipeline pipeline = TextPipeline.of(cfg,
                Vocabulary.readTsv(bundle.file(BundleManifest.VOCABULARY), cfg.oovToken()));
        final int n = Math.min(REVIEWS, corpus.size());
        final int[][] ids = new int[n][];
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long textNanos = 0;
        for (int pass = 0; pass < 2; pass++) {
            final long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                ids[i] = pipeline.encode(corpus.get(i).text()).ids();
            }
            textNanos = threads.getCurrentThreadCpuTime() - t0;
        }
        try (LoadedModel model = Engines.load(bundle, EngineChoice.FAST)) {
            long scoreNanos = 0;
            for (int pass = 0; pass < 3; pass++) {
                // The fast engine's helper threads count too, so the whole JVM's CPU is taken; the bench's
                // other threads (the result reader) are idle between steps.
                final long t0 = processCpuNanos();
                for (int from = 0; from < n; from += batch) {
                    model.score(java.util.Arrays.copyOfRange(ids, from, Math.min(n, from + batch)));
                }
                scoreNanos = processCpuNanos() - t0;
            }
            final Costs c = new Costs(textNanos / 1e3 / n, scoreNanos / 1e3 / n, model.engine());
            err.printf("  %s on %d corpus reviews: text pipeline %.1f us, scoring %.1f us (%s, batch %d) of CPU"
                    + " per review%n", bundle.manifest().ref(), n, c.textUs(), c.scoringUs(), c.engine(), batch);
            return c;
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }
}
