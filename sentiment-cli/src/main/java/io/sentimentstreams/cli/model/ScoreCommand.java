package io.sentimentstreams.cli.model;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.text.Encoding;
import io.sentimentstreams.text.LanguageDetector;
import io.sentimentstreams.text.TextPipeline;
import io.sentimentstreams.trainer.EvaluateJob;
import io.sentimentstreams.trainer.NativeSetup;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./sentiment score [--model DIR] TEXT...} (or one review per stdin line): offline scoring with a
 * bundle, one JSON line per review with label, score, language, tokens, ids and OOV count. Without
 * {@code --model} each review goes to the shipped model of its language (models/nsmc-ko for Korean,
 * models/imdb-en otherwise).
 */
public final class ScoreCommand implements Command {

    private record Loaded(ModelBundle bundle, TextPipeline pipeline, LoadedModel model) {
    }

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("model", "engine"), Set.of("help", "no-ids"));
        if (a.has("help")) {
            out.println("usage: ./sentiment score [--model DIR] [--engine fast|dl4j] [--no-ids] [TEXT...]"
                    + "   (no TEXT: one review per stdin line)");
            return 0;
        }
        final EngineChoice engine;
        try {
            engine = EngineChoice.parse(a.get("engine", "fast"));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        NativeSetup.configure();
        final Map<Path, Loaded> models = new HashMap<>();
        try {
            if (!a.positional().isEmpty()) {
                for (final String text : a.positional()) {
                    out.println(Json.write(score(text, a, engine, models)));
                }
            } else {
                final BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null) {
                    if (!line.isBlank()) {
                        out.println(Json.write(score(line, a, engine, models)));
                    }
                }
            }
        } finally {
            for (final Loaded l : models.values()) {
                l.model().close();
            }
        }
        return 0;
    }

    private static ObjectNode score(final String text, final Args a, final EngineChoice engine,
                                    final Map<Path, Loaded> models) throws Exception {
        final Lang detected = LanguageDetector.detect(text);
        final Path dir = a.has("model") ? Path.of(a.get("model", null))
                : io.sentimentstreams.cli.run.Launcher.home().resolve(detected == Lang.KO ? "models/nsmc-ko" : "models/imdb-en");
        Loaded l = models.get(dir);
        if (l == null) {
            final ModelBundle bundle = ModelBundle.load(dir);
            l = new Loaded(bundle, EvaluateJob.pipeline(bundle), Engines.load(bundle, engine));
            models.put(dir, l);
        }
        final List<String> tokens = l.pipeline().tokenize(text);
        final Encoding e = l.pipeline().encodeTokens(tokens);
        final float p = l.model().score(new int[][] {e.ids()})[0];
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("label", p >= l.bundle().manifest().threshold() ? "POSITIVE" : "NEGATIVE");
        n.put("score", p);
        n.putPOJO("lang", l.bundle().manifest().lang());
        n.put("detectedLang", detected.wireName());
        n.put("model", l.bundle().manifest().ref().toString());
        n.put("engine", l.model().engine());
        final ArrayNode t = n.putArray("tokens");
        tokens.forEach(t::add);
        n.put("tokenCount", e.tokenCount());
        n.put("oovCount", e.oovCount());
        if (!a.has("no-ids")) {
            final ArrayNode ids = n.putArray("ids");
            final List<Integer> nonPad = new ArrayList<>();
            for (final int id : e.ids()) {
                if (id != 0) {
                    nonPad.add(id);
                }
            }
            nonPad.forEach(ids::add);
        }
        n.put("text", text);
        return n;
    }
}
