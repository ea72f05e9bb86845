package io.sentimentstreams.cli.model;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.trainer.Featurizer;
import io.sentimentstreams.trainer.NativeSetup;
import io.sentimentstreams.trainer.TrainerConfig;
import io.sentimentstreams.trainer.VectorJob;
import io.sentimentstreams.trainer.data.ReadOptions;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./sentiment vectors}: fits word2vec on the training rows of a corpus, tokenized by the pipeline the
 * model will use, and writes a GloVe-format file for {@code ./sentiment train --embeddings}; progress on
 * stderr, one JSON summary line on stdout.
 */
public final class VectorsCommand implements Command {

    static final String USAGE_TEXT = """
            usage: ./sentiment vectors --data PATH --out FILE[.gz] [--format imdb|nsmc|aclimdb|tsv|csv|jsonl]
                     [--lang en|ko] [--tokenizer T] [--text-col C --label-col C --id-col C] [--strict] [--limit N]
                     [--dim 64] [--window 5] [--min-count 3] [--negative 5] [--epochs 5] [--lr 0.025]
                     [--sample 1e-4 (down-sampling of frequent words; 0 = off)]
                     [--workers 2] [--val-fraction X] [--seed N] [--force]
            Fits skip-gram word2vec on the rows `train` would train on with the same --val-fraction, --seed and
            --limit (validation rows and any test corpus are left out). --dim must equal train's
            --embedding-dim. --strict stops at the first bad row instead of counting and skipping it.
            With --workers above 1 the vectors differ from run to run (DL4J's threads share the weights
            without locks); the file's sha256 is printed and recorded by `train`.""";

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("data", "out", "format", "lang", "tokenizer", "text-col", "label-col",
                "id-col", "limit", "dim", "window", "min-count", "negative", "epochs", "lr", "workers",
                "val-fraction", "seed", "sample"), Set.of("force", "strict", "help"));
        if (a.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final Lang lang = a.getEnum("lang", Lang::of, Lang.EN);
        final TrainerConfig d = TrainerConfig.defaults(lang);
        // Only --tokenizer changes what word2vec sees; num_words, maxlen and padding do not apply here.
        final PipelineConfig pipeline = TrainCommand.pipeline(a, lang);
        final ReadOptions read = new ReadOptions(TrainCommand.format(a.get("format", TrainCommand.defaultFormat(lang))),
                a.get("text-col", null), a.get("label-col", null), a.get("id-col", null), a.has("strict"));
        final VectorJob.Request request = new VectorJob.Request(Path.of(a.require("data")), read,
                Path.of(a.require("out")), a.has("force"), a.getInt("limit", 0),
                a.getDouble("val-fraction", d.validationFraction()), a.getInt("seed", (int) d.seed()),
                a.getInt("dim", d.embeddingDim()), a.getInt("window", 5), a.getInt("min-count", 3),
                a.getInt("negative", 5), a.getInt("epochs", 5), a.getInt("workers", 2), a.getDouble("lr", 0.025),
                a.getDouble("sample", 1e-4));
        if (request.dim() < 1 || request.window() < 1 || request.minCount() < 1 || request.negative() < 1
                || request.epochs() < 1 || request.workers() < 1) {
            throw new UsageException("--dim, --window, --min-count, --negative, --epochs and --workers must be at "
                    + "least 1");
        }
        NativeSetup.configure();
        final VectorJob.Outcome o = VectorJob.run(request, Featurizer.pipeline(pipeline), err);
        final Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("out", o.out().toString());
        summary.put("sha256", o.sha256());
        summary.put("words", o.words());
        summary.put("dim", o.dim());
        summary.put("texts", o.texts());
        summary.put("tokens", o.tokens());
        summary.put("train_seconds", Math.round(o.seconds() * 10) / 10.0);
        out.println(Json.write(summary));
        return 0;
    }
}
