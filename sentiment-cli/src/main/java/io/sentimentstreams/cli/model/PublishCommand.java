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
 * {@code ./sentiment publish --model DIR --bootstrap HOST:PORT [--version N|next] [--min-accuracy X]}: sends a
 * bundle to {@code sentiment.models} under the version written in it (or N, or the newest on the topic + 1 for
 * {@code next}, re-stamping it) and prints one JSON line with the key, digest, size, partition and offset, or
 * {@code "already_published": true} when the topic holds that very bundle already (nothing is sent). A
 * different bundle under a name@version the topic holds is refused (exit 4). {@code --min-accuracy} is the gate of unattended
 * retraining: a bundle whose recorded test accuracy is lower (or missing) is not sent, so a worse model
 * never replaces the serving one.
 */
public final class PublishCommand implements Command {

    /**
     * Exit code of a bundle refused by {@code --min-accuracy}: distinct from 1 (any other failure, e.g. Kafka
     * unreachable) so a Kubernetes Job can fail at once on it instead of retraining.
     */
    public static final int NOT_PUBLISHED = 3;

    /** Exit code of a bundle refused because the topic holds another bundle under its name and version. */
    public static final int VERSION_TAKEN = 4;

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("model", "bootstrap", "version", "min-accuracy"),
                Set.of("create-topics", "help"));
        if (a.has("help")) {
            out.println("usage: ./sentiment publish --model DIR --bootstrap HOST:PORT [--version N|next] [--create-topics]"
                    + " [--min-accuracy X (refuse a bundle whose test accuracy is below X)]");
            out.println("  the version is the bundle's own unless --version N re-stamps it, or --version next takes the"
                    + " newest on the topic + 1; the same bundle again is a no-op, another bundle under a taken"
                    + " name@version is refused (exit " + VERSION_TAKEN + ")");
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final boolean next = a.has("version") && "next".equals(a.get("version", ""));
        final Integer version = a.has("version") && !next ? Integer.valueOf(a.getInt("version", 0)) : null;
        if (version != null && version < 1) {
            throw new UsageException("--version must be at least 1, or next");
        }
        if (a.has("min-accuracy")) {
            final String refusal = refusal(Path.of(a.require("model")), a.getDouble("min-accuracy", 0));
            if (refusal != null) {
                err.println("sentiment publish: " + refusal);
                return NOT_PUBLISHED;
            }
        }
        final Path model = Path.of(a.require("model"));
        final String bootstrap = a.require("bootstrap");
        final Publisher.Published p;
        try {
            p = next ? Publisher.publishNext(model, bootstrap, a.has("create-topics"))
                    : Publisher.publish(model, bootstrap, version, a.has("create-topics"));
        } catch (Publisher.VersionTakenException e) {
            err.println("sentiment publish: refused: " + e.getMessage());
            return VERSION_TAKEN;
        }
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("key", p.key());
        n.put("version", p.version());
        n.put("digest", p.digest());
        if (p.alreadyPublished()) {
            n.put("already_published", true);
            err.println("sentiment publish: " + p.key() + " is already on the topic with this digest; nothing sent");
        } else {
            n.put("bytes", p.bytes());
            n.put("partition", p.partition());
            n.put("offset", p.offset());
        }
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
