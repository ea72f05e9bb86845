package io.sentimentstreams.trainer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.BundleWriter;
import io.sentimentstreams.bundle.DatasetChecksum;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.trainer.eval.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Records an evaluation as a bundle's test figures ({@code evaluate --record}): for a bundle written before
 * its test evaluation (a training checkpoint), the metrics, the test dataset checksum and a measured
 * section in the model card are added, and the bundle is rewritten and re-verified (its digest changes).
 */
public final class TestRecord {

    private TestRecord() {
    }

    public static ModelBundle record(final Path bundleDir, final EvaluateJob.Outcome o, final Path data,
                                     final long rows, final String command) throws IOException, BundleException {
        final ModelBundle b = ModelBundle.load(bundleDir);
        final BundleManifest m = b.manifest();
        final ObjectNode metrics = o.json();
        if (m.metrics() != null && m.metrics().has("validation")) {
            metrics.set("validation", m.metrics().get("validation"));
        }
        final List<DatasetChecksum> datasets = new ArrayList<>();
        for (final DatasetChecksum d : m.datasets()) {
            if (!"test".equals(d.role())) {
                datasets.add(d);
            }
        }
        datasets.add(new DatasetChecksum("test", data.toString(), o.datasetSha256(), rows));
        final Metrics t = o.metrics();
        final StringBuilder section = new StringBuilder();
        section.append(String.format(Locale.ROOT, "## Measured on the test set (engine %s, recorded by evaluate)%n"
                        + "- test (n=%d): accuracy **%.4f**, precision %.4f, recall %.4f, F1 %.4f, ROC-AUC %.4f, "
                        + "log loss %.4f%n- test data: `%s` sha256 `%s`%n- command: `%s`%n%n", o.engine(), t.n(),
                t.accuracy(), t.precision(), t.recall(), t.f1(), t.auc(), t.logLoss(), data, o.datasetSha256(),
                command));
        final Metrics.Confusion cm = t.confusion();
        section.append(String.format(Locale.ROOT, "| | predicted negative | predicted positive |%n|---|---|---|%n"
                + "| actual negative | %d | %d |%n| actual positive | %d | %d |%n%n", cm.tn(), cm.fp(), cm.fn(), cm.tp()));
        section.append("| tokens | reviews | accuracy |\n|---|---|---|\n");
        for (final Metrics.Bucket x : t.byLength()) {
            section.append(String.format(Locale.ROOT, "| %d-%s | %d | %.4f |%n", x.minTokens(),
                    x.maxTokens() == Integer.MAX_VALUE ? "" : Integer.toString(x.maxTokens()), x.n(), x.accuracy()));
        }
        section.append('\n');
        String card = Files.readString(b.file(BundleManifest.MODEL_CARD));
        final int at = card.indexOf("## Reproduce");
        card = at < 0 ? card + "\n" + section : card.substring(0, at) + section + card.substring(at);
        final BundleManifest updated = new BundleManifest(m.schema(), m.name(), m.version(), m.lang(), m.createdAt(),
                m.pipeline(), m.architecture(), m.threshold(), null, datasets, m.training(), metrics);
        final BundleWriter w = BundleWriter.create(bundleDir, true);
        try {
            for (final String f : m.files().keySet()) {
                if (!f.equals(BundleManifest.MODEL_CARD)) {
                    w.file(f, p -> Files.copy(b.file(f), p));
                }
            }
            w.text(BundleManifest.MODEL_CARD, card);
            return w.finish(updated);
        } catch (IOException | BundleException | RuntimeException e) {
            w.abandon();
            throw e;
        }
    }
}
