package io.sentimentstreams.cli.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.trainer.Publisher;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./sentiment publish --model DIR --bootstrap HOST:PORT [--version N] [--min-accuracy X]}: sends a
 * bundle to {@code sentiment.models} (version: newest on the topic + 1 unless given) and prints one JSON line
 * with the key, digest, size, partition and offset. {@code --min-accuracy} is the gate of unattended
 * retraining: a bundle whose recorded test accuracy is lower (or missing) is not sent, so a worse model
 * never replaces the serving one.
 */
public final class PublishCommand implements Command {

    /**
     * Exit code of a bundle refused by {@code --min-accuracy}: distinct from 1 (any other failure, e.g. Kafka
     * unreachable) so a Kubernetes Job can fail at once on it instead of retraining.
     */
    public static final int NOT_PUBLISHED = 3;

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("model", "bootstrap", "version", "min-accuracy"),
                Set.of("create-topics", "help"));
        if (a.has("help")) {
            out.println("usage: ./sentiment publish --model DIR --bootstrap HOST:PORT [--version N] [--create-topics]"
                    + " [--min-accuracy X (refuse a bundle whose test accuracy is below X)]");
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final Integer version = a.has("version") ? a.getInt("version", 0) : null;
        if (version != null && version < 1) {
            throw new UsageException("--version must be at least 1");
        }
        if (a.has("min-accuracy")) {
            final String refusal = refusal(Path.of(a.require("model")), a.getDouble("min-accuracy", 0));
            if (refusal != null) {
                err.println("sentiment publish: " + refusal);
                return NOT_PUBLISHED;
            }
        }
        final Publisher.Published p = Publisher.publish(Path.of(a.require("model")), a.require("bootstrap"), version,
                a.has("create-topics"));
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("key", p.key());
        n.put("version", p.version());
        n.put("digest", p.digest());
        n.put("bytes", p.bytes());
        n.put("partition", p.partition());
        n.put("offset", p.offset());
        out.println(Json.write(n));
        return 0;
    }

    /** Why the bundle at {@code model} may not be published under {@code --min-accuracy min}, or null. */
    private static String refusal(final Path model, final double min) throws BundleException {
        if (!(min > 0 && min <= 1)) {
            throw new UsageException("--min-accuracy must be in (0, 1], got " + min);
        }
        final BundleManifest manifest = ModelBundle.load(model).manifest();
        final JsonNode accuracy = manifest.metrics() == null ? null : manifest.metrics().get("accuracy");
        if (accuracy == null || !accuracy.isNumber()) {
            return "not published: " + manifest.ref() + " records no test accuracy in " + BundleManifest.FILE
                    + " (train it with --test to gate it with --min-accuracy)";
        }
        if (accuracy.asDouble() < min) {
            return String.format(Locale.ROOT, "not published: test accuracy %.4f of %s (n=%d) is below"
                    + " --min-accuracy %s", accuracy.asDouble(), manifest.ref(), manifest.metrics().path("n").asLong(),
                    min);
        }
        return null;
    }
}
