package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.DatasetChecksum;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.trainer.data.Dataset;
import io.sentimentstreams.trainer.eval.Metrics;
import java.util.Locale;

/** Renders {@code MODEL_CARD.md}: what the model is, the data, how to reproduce it, and measured figures. */
final class ModelCard {

    private ModelCard() {
    }

    static String render(final BundleManifest m, final TrainJob.Request r, final Dataset train,
                         final TrainJob.BundleContents contents) {
        final Dataset test = contents.test();
        final Trainer.Result result = contents.result();
        final Metrics validation = result.validation().metrics();
        final Metrics testMetrics = contents.score() == null ? null : contents.score().metrics();
        final StringBuilder sb = new StringBuilder();
        final Architecture a = m.architecture();
        final TrainerConfig c = r.config();
        sb.append("# Model card: ").append(m.name()).append('@').append(m.version()).append("\n\n");
        sb.append("Binary sentiment classifier (").append(m.lang() == Lang.KO ? "Korean" : "English")
                .append(" reviews): text in, P(positive) out; label POSITIVE when P >= ")
                .append(m.threshold()).append(".\n\n");
        sb.append("## Intended use and limits\n");
        sb.append("- Intended: labeling the sentiment of ").append(m.lang() == Lang.KO
                ? "Korean movie reviews (the NSMC domain)" : "English movie reviews (the IMDB domain)")
                .append(" streaming through Sentiment Streams; a reference model for the demo and the engines.\n");
        sb.append("- Not intended: other domains without re-evaluation, sarcasm-heavy or mixed-sentiment texts, ")
                .append("decisions about people. Accuracy on other text genres is unmeasured.\n");
        sb.append("- At most ").append(a.maxlen()).append(" tokens of a review are read (")
                .append(m.pipeline().truncating() == PadSide.PRE ? "the last " : "the first ").append(a.maxlen())
                .append(", truncating=").append(m.pipeline().truncating())
                .append("); words outside the ")
                .append(m.pipeline().numWords()).append("-word vocabulary become the OOV token.\n");
        sb.append("- Trained on data with the biases of its source (user reviews, polarised ratings only: ")
                .append("neutral reviews were excluded from the corpus).\n\n");
        sb.append("## Data\n");
        sb.append("| role | path | sha256 | rows |\n|---|---|---|---|\n");
        for (final DatasetChecksum d : m.datasets()) {
            sb.append("| ").append(d.role()).append(" | `").append(d.path()).append("` | `").append(d.sha256())
                    .append("` | ").append(d.rows()).append(" |\n");
        }
        sb.append('\n');
        sb.append("- Training rows used: ").append(m.training().path("trainRows").asInt())
                .append(", validation rows (carved from the training file with seed ").append(c.seed())
                .append("): ").append(m.training().path("validationRows").asInt()).append(".\n");
        sb.append("- Skipped malformed training rows: ").append(train.badRows().size());
        if (!train.badRows().isEmpty()) {
            sb.append(" (first: ").append(train.badRows().get(0)).append(')');
        }
        sb.append(".\n");
        if (test != null) {
            sb.append("- Skipped malformed test rows: ").append(test.badRows().size()).append("; test texts also in ")
                    .append("the training file: ").append(m.training().path("testOverlap").asInt()).append(".\n");
        }
        sb.append('\n');
        sb.append("## Model\n");
        sb.append(String.format(Locale.ROOT, "- %s: embedding %d x %d (trainable%s) -> %s -> %s pooling%s -> "
                        + "2-way softmax; masked=%s (%s, see docs/model.md).%n",
                a.type(), a.vocabSize(), a.embeddingDim(),
                result.pretrainedRows() > 0 ? ", " + result.pretrainedRows() + " rows from " + c.embeddings() : "",
                "bilstm".equals(a.type()) ? "Bidirectional LSTM(" + a.hiddenSize() + " per direction, concat)"
                        : a.type() + "(" + a.hiddenSize() + ")",
                a.pooling(), a.denseSize() > 0 ? " -> dense " + a.denseSize() + " " + a.denseActivation() : "",
                a.masked(), a.masked() ? "padding id 0 is masked out"
                        : "padding id 0 is an ordinary input with a learned embedding, so padding counts"));
        sb.append(String.format(Locale.ROOT, "- Parameters: %,d. Text pipeline: %s tokenizer, lower=%s, "
                        + "num_words=%d, oov=%s, maxlen=%d, padding=%s, truncating=%s.%n",
                result.network().numParams(), m.pipeline().tokenizer(), m.pipeline().lower(), m.pipeline().numWords(),
                m.pipeline().oovToken(), m.pipeline().maxlen(), m.pipeline().padding(), m.pipeline().truncating()));
        sb.append(String.format(Locale.ROOT, "- Training (%s engine): Adam lr %.4g (x%.2f per epoch), batch %d x "
                        + "%d worker(s), dropout %.2f, clip %.2f, early stopping on validation %s (patience %d), "
                        + "best epoch %d of %d, seed %d.%n%n", c.engine(), c.learningRate(), c.lrDecay(),
                c.batchSize(), c.workers(), c.dropout(), c.clip(), c.monitor(), c.patience(), result.bestEpoch(), result.epochs().size(),
                c.seed()));
        sb.append("| epoch | lr | train loss | val loss | val accuracy | seconds | reviews/s |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        final boolean noValidation = validation.n() == 0;
        for (final Trainer.EpochStats e : result.epochs()) {
            sb.append(String.format(Locale.ROOT, "| %d | %.5f | %.4f | %s | %s | %.0f | %.1f |%n", e.epoch(),
                    e.learningRate(), e.trainLoss(), noValidation ? "-" : String.format(Locale.ROOT, "%.4f",
                            e.validationLoss()), noValidation ? "-" : String.format(Locale.ROOT, "%.4f",
                            e.validationAccuracy()), e.seconds(), e.reviewsPerSecond()));
        }
        if (noValidation) {
            sb.append("\nNo validation rows (`--val-fraction 0`): every epoch was kept by its training loss, so the "
                    + "last epoch is the model.\n");
        }
        sb.append('\n');
        final String validationEngine = m.metrics().path("validationEngine").asText("dl4j");
        sb.append(testMetrics == null
                ? "## Measured (validation, engine " + validationEngine + "; no test figures in this bundle)\n"
                : "## Measured (test scored with engine " + m.metrics().path("engine").asText("dl4j")
                        + ", validation with " + validationEngine + ")\n");
        if (testMetrics != null) {
            sb.append(row("test", testMetrics));
        }
        if (!noValidation) {
            sb.append(row("validation", validation));
        }
        if (testMetrics != null) {
            final Metrics.Confusion cm = testMetrics.confusion();
            sb.append(String.format(Locale.ROOT, "%nTest confusion matrix (rows actual, columns predicted):%n%n"
                    + "| | predicted negative | predicted positive |%n|---|---|---|%n"
                    + "| actual negative | %d | %d |%n| actual positive | %d | %d |%n%n", cm.tn(), cm.fp(), cm.fn(),
                    cm.tp()));
            sb.append("Test accuracy by review length (tokens before padding/truncation):\n\n");
            sb.append("| tokens | reviews | accuracy |\n|---|---|---|\n");
            for (final Metrics.Bucket b : testMetrics.byLength()) {
                sb.append(String.format(Locale.ROOT, "| %d-%s | %d | %.4f |%n", b.minTokens(),
                        b.maxTokens() == Integer.MAX_VALUE ? "" : Integer.toString(b.maxTokens()), b.n(),
                        b.accuracy()));
            }
            sb.append('\n');
        }
        sb.append("\n## Reproduce\n```\n");
        if (c.embeddings() != null) {
            sb.append(vectorsCommand(r, m.pipeline().lang(), m.pipeline().tokenizer(), a.embeddingDim()))
                    .append('\n');
        }
        sb.append(r.commandLine()).append("\n```\n");
        if (c.embeddings() != null) {
            sb.append("The first line is how `./sentiment vectors` makes an embedding file like the one used (its "
                    + "sha256 is in the data table; if the file was made another way, use that file). With two "
                    + "workers word2vec is not bit-for-bit repeatable, so a new file gives a similar model, not "
                    + "the same one.\n");
        }
        sb.append("Machine: ").append(TrainJob.machine()).append(".\n");
        return sb.toString();
    }

    /** The {@code ./sentiment vectors} command for an embeddings file, with its defaults (docs/model.md). */
    static String vectorsCommand(final TrainJob.Request r, final Lang lang, final Tokenizer tokenizer, final int dim) {
        return "./sentiment vectors --data " + r.data() + " --format " + r.read().format().name().toLowerCase(
                Locale.ROOT) + " --lang " + lang + " --tokenizer " + tokenizer + " --out " + r.config().embeddings()
                + " --dim " + dim + (r.limit() > 0 ? " --limit " + r.limit() : "") + splitOptions(r.config(), lang)
                + (r.read().textCol() != null ? " --text-col " + r.read().textCol() : "")
                + (r.read().labelCol() != null ? " --label-col " + r.read().labelCol() : "");
    }

    /** --val-fraction and --seed when they differ from the defaults: vectors must leave out the same rows. */
    private static String splitOptions(final TrainerConfig c, final Lang lang) {
        final TrainerConfig d = TrainerConfig.defaults(lang);
        return (c.validationFraction() != d.validationFraction() ? " --val-fraction " + c.validationFraction() : "")
                + (c.seed() != d.seed() ? " --seed " + c.seed() : "");
    }

    private static String row(final String what, final Metrics x) {
        return String.format(Locale.ROOT, "- %s (n=%d): accuracy **%.4f**, precision %.4f, recall %.4f, F1 %.4f, "
                + "ROC-AUC %.4f, log loss %.4f%n", what, x.n(), x.accuracy(), x.precision(), x.recall(), x.f1(),
                x.auc(), x.logLoss());
    }
}
