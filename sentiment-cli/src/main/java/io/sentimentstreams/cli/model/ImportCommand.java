package io.sentimentstreams.cli.model;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.text.PadSide;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment import --onnx FILE --tokenizer FILE --lang en|ko --maxlen N --padding pre|post
 * --truncating pre|post [--threshold 0.5] --name NAME [--version V] --out DIR [--force]}: an ONNX graph
 * trained elsewhere and its Keras tokenizer in, a bundle directory out ({@link OnnxImport}); prints one
 * JSON line. A refused import prints the reason and exits 1, writing nothing.
 */
public final class ImportCommand implements Command {

    static final String USAGE_TEXT = "usage: ./sentiment import --onnx model.onnx --tokenizer tokenizer.json[.gz]"
            + " --lang en|ko --maxlen N --padding pre|post --truncating pre|post [--threshold 0.5] --name NAME"
            + " [--version V] --out DIR [--force]\n"
            + "  builds a bundle from a graph trained elsewhere (embedding -> 1 or 2 LSTM/GRU ops, forward or"
            + " bidirectional -> max/mean/last-step -> dense layers -> sigmoid or 2-way softmax, as exported by"
            + " torch.onnx.export) and its Keras Tokenizer.to_json(); the canary is ONNX Runtime's, and the bundle is"
            + " refused when the fast engine disagrees beyond 1e-4 or the graph holds an op it cannot map";

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("onnx", "tokenizer", "lang", "maxlen", "padding", "truncating",
                "threshold", "name", "version", "out"), Set.of("help", "force"));
        if (a.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final OnnxImport.Options o = new OnnxImport.Options(Path.of(a.require("onnx")), Path.of(a.require("tokenizer")),
                Lang.of(a.require("lang")), Integer.parseInt(a.require("maxlen")), PadSide.of(a.require("padding")),
                PadSide.of(a.require("truncating")), a.getDouble("threshold", 0.5), a.require("name"),
                a.getInt("version", 1), Path.of(a.require("out")), a.has("force"),
                TrainCommand.commandLine("import", argv));
        final OnnxImport.Result r;
        try {
            r = OnnxImport.run(o);
        } catch (OnnxImport.Refused e) {
            err.println("import: " + e.getMessage());
            return 1;
        }
        err.println("import: " + r.bundle().manifest().ref() + " written to " + r.bundle().dir() + " ("
                + r.graph().describe() + "); " + r.canary().reason());
        final var j = Json.MAPPER.createObjectNode();
        j.put("model", r.bundle().manifest().ref().toString());
        j.put("dir", r.bundle().dir().toString());
        j.put("digest", r.bundle().digest());
        j.put("graph", r.graph().describe());
        j.put("canary", r.canary().reason());
        out.println(Json.write(j));
        return 0;
    }
}
