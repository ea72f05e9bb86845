package io.sentimentstreams.cli.model;

import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.trainer.Featurizer;
import io.sentimentstreams.trainer.NativeSetup;
import io.sentimentstreams.trainer.TrainJob;
import io.sentimentstreams.trainer.TrainerConfig;
import io.sentimentstreams.trainer.data.DatasetFormat;
import io.sentimentstreams.trainer.data.ReadOptions;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code ./sentiment train}: reads a labeled corpus, trains the configured network, evaluates it on the
 * test corpus and writes a model bundle; progress on stderr, one JSON summary line on stdout.
 */
public final class TrainCommand implements Command {

    static final Set<String> VALUED = Set.of("data", "format", "test", "test-format", "text-col", "label-col",
            "id-col", "lang", "name", "out", "version", "limit", "test-limit", "tokenizer", "num-words", "maxlen",
            "padding", "truncating", "oov-token", "arch", "embedding-dim", "hidden", "pooling", "dense",
            "dense-activation", "epochs", "batch", "lr", "lr-decay", "dropout", "l2", "clip", "val-fraction",
            "patience", "monitor", "embeddings", "workers", "engine", "seed");
    static final Set<String> FLAGS = Set.of("strict", "force", "no-mask", "no-bucketing", "freeze-embeddings",
            "native-gc", "help");

    static final String USAGE_TEXT = """
            usage: ./sentiment train --data PATH [--format imdb|nsmc|aclimdb|tsv|csv|jsonl] [--test PATH]
                     [--lang en|ko] [--name NAME] [--out DIR] [--force] [--version N]
              data:     --text-col C --label-col C --id-col C (tsv/csv/jsonl) --strict --limit N --test-limit N
                        --test-format F (default: --format)
              pipeline: --tokenizer treebank|wordpunct|keras|okt|nori|nori-punct --num-words N --maxlen N
                        --padding pre|post --truncating pre|post --oov-token T
              network:  --arch bilstm|lstm|simplernn|embedding-dense --embedding-dim E --hidden H
                        --pooling max|mean|last --dense N --dense-activation relu|tanh --no-mask
                        --embeddings GLOVE_OR_WORD2VEC.txt[.gz] --freeze-embeddings
              training: --epochs N --batch N --lr X --lr-decay X --dropout X --l2 X --clip X --val-fraction X
                        --patience N --monitor accuracy|loss --no-bucketing --workers N --seed N
                        --engine dl4j|fast: fast trains with our own passes on plain Java arrays (unmasked
                        bilstm, max/mean pooling, no --dense/--l2; needs --no-mask), same network and bundle
              memory:   --native-gc: let the JVM's GC free ND4J's native arrays. Without it (the fast default)
                        DL4J leaks about 0.7 MB of native memory per review per epoch at maxlen 300 (an IMDB
                        epoch: ~16 GB); with it memory stays bounded (~3.5 GB) at 0.45-0.7x the speed.
            Defaults: per --lang (trainer/README.md "Defaults"); the shipped models' recipes are in their
              model cards.""";

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, VALUED, FLAGS);
        if (args.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        if (!args.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + args.positional().get(0) + "'");
        }
        if (args.has("native-gc")) {
            // Must precede the first ND4J class; NativeSetup keeps an explicit setting.
            System.setProperty("org.bytedeco.javacpp.nopointergc", "false");
        }
        NativeSetup.configure();
        final TrainJob.Request request = request(args, argv);
        final TrainJob.Outcome outcome = new TrainJob(request, Featurizer.pipeline(request.config().pipeline()), err)
                .run();
        out.println(Json.write(outcome.summary()));
        return 0;
    }

    static TrainJob.Request request(final Args a, final List<String> argv) {
        final Lang lang = a.getEnum("lang", Lang::of, Lang.EN);
        final TrainerConfig d = TrainerConfig.defaults(lang);
        final PipelineConfig pipeline = pipeline(a, lang);
        final String name = a.get("name", d.name());
        final TrainerConfig cfg = new TrainerConfig(name, a.get("arch", d.type()),
                a.getInt("embedding-dim", d.embeddingDim()), a.getInt("hidden", d.hiddenSize()),
                a.getEnum("pooling", Pooling::of, d.pooling()), a.getInt("dense", d.denseSize()),
                a.get("dense-activation", d.denseActivation()), !a.has("no-mask"), a.getInt("epochs", d.epochs()),
                a.getInt("batch", d.batchSize()), a.getDouble("lr", d.learningRate()),
                a.getDouble("lr-decay", d.lrDecay()), a.getDouble("dropout", d.dropout()), a.getDouble("l2", d.l2()),
                a.getDouble("clip", d.clip()), a.getDouble("val-fraction", d.validationFraction()),
                a.getInt("patience", d.patience()), a.get("monitor", d.monitor()), !a.has("no-bucketing"),
                a.get("embeddings", null), a.has("freeze-embeddings"), a.getInt("workers", d.workers()),
                a.get("engine", d.engine()),
                a.getInt("seed", (int) d.seed()), pipeline);
        if (!Set.of("accuracy", "loss").contains(cfg.monitor())) {
            throw new UsageException("--monitor must be accuracy or loss");
        }
        if (!Set.of("dl4j", "fast").contains(cfg.engine())) {
            throw new UsageException("--engine must be dl4j or fast");
        }
        if (cfg.engineProblem() != null) {
            throw new UsageException(cfg.engineProblem());
        }
        if (cfg.epochs() < 1 || cfg.batchSize() < 1 || cfg.workers() < 1) {
            throw new UsageException("--epochs, --batch and --workers must be at least 1");
        }
        final DatasetFormat format = format(a.get("format", defaultFormat(lang)));
        final ReadOptions read = new ReadOptions(format, a.get("text-col", null), a.get("label-col", null),
                a.get("id-col", null), a.has("strict"));
        final String test = a.get("test", null);
        final ReadOptions testRead = new ReadOptions(format(a.get("test-format", format.name())), read.textCol(),
                read.labelCol(), read.idCol(), read.strict());
        return new TrainJob.Request(Path.of(a.require("data")), read, test == null ? null : Path.of(test), testRead,
                Path.of(a.get("out", "models/" + name)), a.has("force"), a.getInt("version", 1),
                a.getInt("limit", 0), a.getInt("test-limit", 0), cfg, commandLine("train", argv));
    }

    /** The corpus format of the language's shipped model: nsmc for Korean, imdb otherwise. */
    static String defaultFormat(final Lang lang) {
        return lang == Lang.KO ? "nsmc" : "imdb";
    }

    /** The language's default text pipeline with the pipeline options of {@code a} (those it accepts). */
    static PipelineConfig pipeline(final Args a, final Lang lang) {
        final PipelineConfig dp = TrainerConfig.defaults(lang).pipeline();
        return dp.toBuilder().lang(lang).tokenizer(a.getEnum("tokenizer", Tokenizer::of, dp.tokenizer()))
                .numWords(a.getInt("num-words", dp.numWords())).oovToken(a.get("oov-token", dp.oovToken()))
                .maxlen(a.getInt("maxlen", dp.maxlen())).padding(a.getEnum("padding", PadSide::of, dp.padding()))
                .truncating(a.getEnum("truncating", PadSide::of, dp.truncating())).build();
    }

    static DatasetFormat format(final String s) {
        try {
            return DatasetFormat.parse(s);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** The command as a user would type it again (arguments quoted where the shell needs it). */
    static String commandLine(final String command, final List<String> argv) {
        return "./sentiment " + command + " " + argv.stream().map(TrainCommand::quote).collect(Collectors.joining(" "));
    }

    private static String quote(final String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
