package io.sentimentstreams.cli.model;

import ai.onnxruntime.OrtException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.BundleWriter;
import io.sentimentstreams.bundle.DatasetChecksum;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.bundle.Pooling;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.model.Canary;
import io.sentimentstreams.model.CanaryFile;
import io.sentimentstreams.model.CanaryResult;
import io.sentimentstreams.model.EngineChoice;
import io.sentimentstreams.model.Engines;
import io.sentimentstreams.model.LoadedModel;
import io.sentimentstreams.model.SentimentModel;
import io.sentimentstreams.model.fast.FastRnnStack;
import io.sentimentstreams.model.fast.ImportedGraph;
import io.sentimentstreams.model.fast.UnsupportedArchitectureException;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.PipelineConfig;
import io.sentimentstreams.text.Stopwords;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.vocab.KerasTokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.GZIPInputStream;

/**
 * An ONNX sentiment graph trained elsewhere plus its Keras {@code tokenizer.json} in, a regular versioned
 * bundle out ({@code bundle.json}, {@code vocab.tsv}, the original {@code model.onnx}, {@code canary.tsv},
 * {@code MODEL_CARD.md}), which the services serve on the fast engine ({@link FastRnnStack}). The canary's
 * probabilities come from ONNX Runtime on the original graph; the bundle is refused when the fast engine
 * disagrees with them beyond {@link Canary#TOLERANCE}, when the graph holds an op or shape the engine
 * cannot map, or when the tokenizer and the graph do not fit each other.
 */
public final class OnnxImport {

    /** Everything {@code ./sentiment import} is told; {@code commandLine} goes into the model card. */
    public record Options(Path onnx, Path tokenizer, Lang lang, int maxlen, PadSide padding, PadSide truncating,
                          double threshold, String name, int version, Path out, boolean force, String commandLine) {
    }

    /** The import was refused: the message says what does not fit. */
    public static final class Refused extends Exception {
        public Refused(final String message) {
            super(message);
        }

        public Refused(final String message, final Throwable cause) {
            super(message, cause);
        }
    }

    /** The written bundle, the graph as the fast engine reads it, and the ONNX Runtime canary's outcome. */
    public record Result(ModelBundle bundle, ImportedGraph graph, CanaryResult canary, String runtime) {
    }

    private OnnxImport() {
    }

    public static Result run(final Options o) throws Refused, IOException, BundleException {
        return run(o, UnaryOperator.identity());
    }

    /** {@link #run(Options)} with the ONNX Runtime model seen through {@code reference} (tests disturb it). */
    static Result run(final Options o, final UnaryOperator<SentimentModel> referenceOf)
            throws Refused, IOException, BundleException {
        if (o.maxlen() < 1) {
            throw new Refused("--maxlen must be at least 1");
        }
        if (o.name() == null || o.name().isBlank() || o.name().contains("@")) {
            throw new Refused("--name must be a non-blank model name without '@'");
        }
        if (o.version() < 1) {
            throw new Refused("--version must be at least 1");
        }
        final byte[] onnx = Files.readAllBytes(o.onnx());
        final KerasTokenizer tokenizer = readTokenizer(o.tokenizer());
        final KerasTokenizer.Options t = tokenizer.options();
        if (t.charLevel()) {
            throw new Refused(o.tokenizer() + ": char_level tokenizers are not supported (the text pipeline splits"
                    + " words)");
        }
        final ImportedGraph graph;
        try {
            graph = ImportedGraph.parse(onnx);
        } catch (UnsupportedArchitectureException e) {
            throw new Refused(o.onnx() + " cannot be imported: " + e.getMessage(), e);
        }
        if (graph.timeSteps() != 0 && graph.timeSteps() != o.maxlen()) {
            throw new Refused(o.onnx() + " takes rows of " + graph.timeSteps() + " ids (input shape [batch, "
                    + graph.timeSteps() + "]), but --maxlen is " + o.maxlen());
        }
        final Vocabulary full = tokenizer.vocabulary();
        final Vocabulary vocab = pruned(full, t.numWords());
        final int largestId = vocab.maxIndex();
        if (largestId >= graph.vocab()) {
            throw new Refused("the tokenizer can emit id " + largestId + " (num_words " + t.numWords() + ", "
                    + full.size() + " words) but " + o.onnx().getFileName() + " embeds only " + graph.vocab()
                    + " ids [0, " + graph.vocab() + ")");
        }
        final PipelineConfig pipeline = PipelineConfig.builder(o.lang()).tokenizer(Tokenizer.KERAS).rawText(true).nfkc(false)
                .stripHtml(false).splitSentences(false).oktNorm(false).oktStem(false).stopwords(Stopwords.NONE)
                .minTokenLength(0).lower(t.lower()).filters(t.filters()).split(t.split())
                .numWords(t.numWords()).oovToken(t.oovToken()).maxlen(o.maxlen()).padding(o.padding())
                .truncating(o.truncating()).build();
        final Architecture arch = architecture(graph, o.maxlen());

        final int[][] rows = Canary.inputs(vocab, pipeline, arch, Canary.DEFAULT_REVIEWS);
        final float[] reference;
        final String runtime;
        try (OrtModel ort = new OrtModel(onnx, 1)) {
            reference = Canary.score(referenceOf.apply(ort), rows);
            runtime = ort.runtimeVersion();
        } catch (OrtException | RuntimeException e) {
            throw new Refused("ONNX Runtime cannot run " + o.onnx() + " on rows of " + o.maxlen() + " ids: "
                    + e.getMessage(), e);
        }
        final CanaryResult canary;
        try (SentimentModel fast = FastRnnStack.of(graph, graph.vocab(), o.maxlen())) {
            canary = Canary.compare(reference, fast, rows, Canary.TOLERANCE,
                    "ONNX Runtime " + runtime + " on the original graph");
        } catch (UnsupportedArchitectureException e) {
            throw new Refused(o.onnx() + " cannot be imported: " + e.getMessage(), e);
        }
        if (!canary.fastAccepted()) {
            throw new Refused(o.onnx() + " refused: " + canary.reason());
        }

        final BundleWriter writer = BundleWriter.create(o.out(), o.force());
        try {
            writer.file(BundleManifest.ONNX, p -> Files.write(p, onnx));
            writer.vocabulary(vocab);
            final boolean post = pipeline.postPadding();
            writer.file(BundleManifest.CANARY, p -> new CanaryFile(rows, reference).write(p,
                    "generated from the tokenizer's vocabulary by ./sentiment import", post,
                    "ONNX Runtime " + runtime + " on the original graph"));
            final String onnxSha = Digests.sha256(onnx);
            final String tokSha = Digests.sha256(o.tokenizer());
            final ObjectNode training = Json.MAPPER.createObjectNode();
            training.put("tool", "./sentiment import");
            training.put("command", o.commandLine());
            training.put("source", o.onnx().toAbsolutePath().normalize().toString());
            training.put("sourceSha256", onnxSha);
            training.put("tokenizer", o.tokenizer().toAbsolutePath().normalize().toString());
            training.put("tokenizerSha256", tokSha);
            training.put("graph", graph.describe());
            training.put("readout", graph.readout().name().toLowerCase(Locale.ROOT));
            training.put("onnxRuntime", runtime);
            final ObjectNode metrics = Json.MAPPER.createObjectNode();
            metrics.put("canaryReviews", canary.reviews());
            metrics.put("canaryMaxAbsDiff", canary.maxAbsDiff());
            final BundleManifest manifest = new BundleManifest(BundleManifest.SCHEMA, o.name(), o.version(), o.lang(),
                    Instant.now(), pipeline, arch, o.threshold(), Map.of(),
                    List.of(new DatasetChecksum("source-onnx", o.onnx().getFileName().toString(), onnxSha, 0),
                            new DatasetChecksum("source-tokenizer", o.tokenizer().getFileName().toString(), tokSha,
                                    full.size())),
                    training, metrics);
            writer.text(BundleManifest.MODEL_CARD, card(manifest, graph, canary, runtime, o, onnxSha, tokSha, full));
            final ModelBundle bundle = writer.finish(manifest);
            // The services' own path: the stored canary against the fast engine built from the bundle.
            try (LoadedModel served = Engines.load(bundle, EngineChoice.FAST)) {
                return new Result(bundle, graph, served.canary(), runtime);
            }
        } catch (IOException | BundleException | RuntimeException e) {
            writer.abandon();
            throw e;
        }
    }

    /** The tokenizer JSON ({@code .gz} read through gunzip), or a refusal naming the file and the problem. */
    static KerasTokenizer readTokenizer(final Path file) throws Refused, IOException {
        final String json;
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw) {
            json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        try {
            return KerasTokenizer.fromJson(json);
        } catch (IOException | RuntimeException e) {
            throw new Refused(file + " is not a Keras Tokenizer.to_json() document: " + e.getMessage(), e);
        }
    }

    /** Keras applies {@code num_words} when encoding; the bundle keeps only the words it can emit. */
    private static Vocabulary pruned(final Vocabulary v, final int numWords) {
        if (numWords <= 0) {
            return v;
        }
        final Map<String, Integer> index = new LinkedHashMap<>();
        final Map<String, Long> counts = new LinkedHashMap<>();
        for (final Map.Entry<String, Integer> e : v.wordIndex().entrySet()) {
            if (e.getValue() < numWords) {
                index.put(e.getKey(), e.getValue());
                counts.put(e.getKey(), v.countOf(e.getKey()));
            }
        }
        return new Vocabulary(index, counts, v.oovToken(), v.documentCount());
    }

    /** bundle.json's summary of the graph; the engine itself reads model.onnx. */
    private static Architecture architecture(final ImportedGraph g, final int maxlen) {
        final Pooling pooling = switch (g.readout()) {
            case MAX -> Pooling.MAX;
            case MEAN -> Pooling.MEAN;
            case LAST, FINAL -> Pooling.LAST;
        };
        final List<ImportedGraph.Dense> head = g.head();
        final ImportedGraph.Dense hidden = head.size() > 1 ? head.get(0) : null;
        return new Architecture(Architecture.IMPORTED, g.vocab(), g.embDim(), g.layers().get(0).hidden(), pooling,
                hidden == null ? 0 : hidden.out(),
                hidden == null ? null : hidden.act().name().toLowerCase(Locale.ROOT),
                g.output() == ImportedGraph.Output.SIGMOID ? "sigmoid" : "softmax2", false, maxlen);
    }

    private static String card(final BundleManifest m, final ImportedGraph g, final CanaryResult canary,
            final String runtime, final Options o, final String onnxSha, final String tokSha, final Vocabulary full) {
        final PipelineConfig p = m.pipeline();
        return "# " + m.ref() + " (imported)\n\n"
                + "Trained elsewhere and imported with `./sentiment import`; this project did not train it and holds no"
                + " test metrics for it.\n\n"
                + "## Where it came from\n"
                + "- ONNX graph: `" + o.onnx().toAbsolutePath().normalize() + "`, sha256 `" + onnxSha + "` (copied"
                + " unchanged into this bundle as `model.onnx`)\n"
                + "- Tokenizer: `" + o.tokenizer().toAbsolutePath().normalize() + "` (Keras `Tokenizer.to_json()`),"
                + " sha256 `" + tokSha + "`, " + full.size() + " words, num_words " + p.numWords() + ", oov_token "
                + (p.oovToken() == null ? "none" : "`" + p.oovToken() + "`") + "\n"
                + "- Tool: `./sentiment import` (sentiment-cli `OnnxImport`), " + m.createdAt() + "\n"
                + "- Command: `" + o.commandLine() + "`\n\n"
                + "## What the fast engine runs\n"
                + g.describe() + "\n\nOps on the data path: " + String.join(", ", g.ops()) + ".\n\n"
                + "## Text pipeline\n"
                + "Keras `text_to_word_sequence` semantics: lower " + p.lower() + ", split `" + p.split()
                + "`, filters from the tokenizer; rows of " + p.maxlen() + " ids, padding " + p.padding()
                + ", truncating " + p.truncating() + "; threshold " + m.threshold() + ".\n\n"
                + "## Canary\n"
                + canary.reviews() + " rows generated from the vocabulary, scored by ONNX Runtime " + runtime
                + " on the original graph (stored in `canary.tsv`); the fast engine agrees: max |dp| = "
                + String.format(Locale.ROOT, "%.3g", canary.maxAbsDiff()) + " (tolerance " + Canary.TOLERANCE
                + ").\n";
    }
}
