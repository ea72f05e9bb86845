package io.sentimentstreams.cli.model;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.trainer.EvaluateJob;
import io.sentimentstreams.trainer.NativeSetup;
import io.sentimentstreams.trainer.data.DatasetFormat;
import io.sentimentstreams.trainer.data.ReadOptions;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment evaluate --model DIR --data PATH}: scores a labeled corpus with a bundle (its own text
 * pipeline, the chosen engine) and prints one JSON line: accuracy, precision, recall, f1, auc, confusion,
 * n, accuracy by length bucket, engine.
 */
public final class EvaluateCommand implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("model", "data", "format", "text-col", "label-col", "id-col",
                "engine", "limit"), Set.of("strict", "record", "help"));
        if (a.has("help")) {
            out.println("usage: ./sentiment evaluate --model DIR --data PATH [--format imdb|nsmc|aclimdb|tsv|csv|jsonl]"
                    + " [--text-col C --label-col C] [--strict] [--engine fast|dl4j] [--limit N] [--record]\n"
                    + "  --record: store the figures as the bundle's test metrics (bundle.json + MODEL_CARD.md)");
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final EngineChoice engine;
        try {
            engine = EngineChoice.parse(a.get("engine", "fast"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        final Path model = Path.of(a.require("model"));
        final DatasetFormat format = TrainCommand.format(a.get("format", guessFormat(a.require("data"))));
        NativeSetup.configure();
        final EvaluateJob.Outcome o = EvaluateJob.run(model, Path.of(a.require("data")),
                new ReadOptions(format, a.get("text-col", null), a.get("label-col", null), a.get("id-col", null),
                        a.has("strict")), engine, a.getInt("limit", 0), err);
        if (a.has("record")) {
            if (a.has("limit")) {
                throw new UsageException("--record needs the whole test set (no --limit)");
            }
            final var b = io.sentimentstreams.trainer.TestRecord.record(model, o, Path.of(a.require("data")),
                    o.metrics().n(), TrainCommand.commandLine("evaluate", argv));
            err.println("recorded as test metrics of " + b + ", digest " + b.digest());
        }
        out.println(Json.write(o.json()));
        return 0;
    }

    /** nsmc when the path says so, jsonl/csv by extension, else the IMDB TSV layout. */
    static String guessFormat(final String path) {
        final String p = path.toLowerCase(java.util.Locale.ROOT).replaceFirst("\\.gz$", "");
        if (p.contains("nsmc")) {
            return "nsmc";
        }
        if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return "jsonl";
        }
        if (p.endsWith(".csv")) {
            return "csv";
        }
        if (java.nio.file.Files.isDirectory(Path.of(path))) {
            return "aclimdb";
        }
        return "imdb";
    }
}
