package io.sentimentstreams.cli.model;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.Canary;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.trainer.EvaluateJob;
import io.sentimentstreams.trainer.NativeSetup;
import io.sentimentstreams.trainer.StoredCanary;
import io.sentimentstreams.trainer.data.Dataset;
import io.sentimentstreams.trainer.data.DatasetReader;
import io.sentimentstreams.trainer.data.LabeledText;
import io.sentimentstreams.trainer.data.ReadOptions;
import io.sentimentstreams.trainer.data.Splits;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment canary --model DIR [--data PATH]}: (re)writes a bundle's {@code canary.tsv} from its own
 * DL4J network, for bundles made before the trainer wrote one; with {@code --data}, real reviews of that
 * corpus (shuffled, seed 42) follow the generated edge cases. Prints one JSON line.
 */
public final class CanaryCommand implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("model", "data", "format", "text-col", "label-col"), Set.of("help"));
        if (a.has("help")) {
            out.println("usage: ./sentiment canary --model DIR [--data PATH [--format imdb|nsmc|aclimdb|tsv|csv|jsonl]]\n"
                    + "  writes canary.tsv (DL4J's probabilities for " + Canary.DEFAULT_REVIEWS + " rows) into the bundle,"
                    + " so services accept the fast engine without loading DL4J");
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final Path dir = Path.of(a.require("model"));
        NativeSetup.configure();
        final ModelBundle bundle = ModelBundle.load(dir);
        int[][] real = new int[0][];
        String source = "generated from the vocabulary";
        if (a.has("data")) {
            final ReadOptions read = new ReadOptions(TrainCommand.format(a.get("format",
                    EvaluateCommand.guessFormat(a.require("data")))), a.get("text-col", null), a.get("label-col", null),
                    null, false);
            final Dataset ds = DatasetReader.read(Path.of(a.require("data")), read);
            final List<LabeledText> rows = Splits.shuffled(ds.rows(), 42);
            final TextPipeline pipeline = EvaluateJob.pipeline(bundle);
            real = new int[Math.min(rows.size(), Canary.DEFAULT_REVIEWS)][];
            for (int i = 0; i < real.length; i++) {
                real[i] = pipeline.encode(rows.get(i).text()).ids();
            }
            source = "5 generated edge cases, then reviews of " + Path.of(a.require("data")).getFileName()
                    + " (shuffled, seed 42)";
        }
        final ModelBundle updated = StoredCanary.refresh(bundle, real, source);
        err.println("canary: " + updated + " now carries " + BundleManifest.CANARY + "; digest " + updated.digest());
        final var o = Json.MAPPER.createObjectNode();
        o.put("model", updated.manifest().ref().toString());
        o.put("dir", updated.dir().toString());
        o.put("digest", updated.digest());
        o.put("canary", source);
        out.println(Json.write(o));
        return 0;
    }
}
