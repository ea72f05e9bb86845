package io.sentimentstreams.cli.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.bundle.BundleException;
import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.rollout.RolloutRole;
import io.sentimentstreams.trainer.Publisher;
import io.sentimentstreams.trainer.RolloutPublisher;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code ./sentiment publish [--model] DIR --bootstrap HOST:PORT [--version N|next] [--min-accuracy X]
 * [--role live|shadow|canary [--percent P]]}: sends a
 * bundle to {@code sentiment.models} under the version written in it (or N, or the newest on the topic + 1 for
 * {@code next}, re-stamping it) and prints one JSON line with the key, digest, size, partition and offset, or
 * {@code "already_published": true} when the topic holds that very bundle already (nothing is sent). A
 * different bundle under a name@version the topic holds is refused (exit 4). {@code --min-accuracy} is the gate of unattended
 * retraining: a bundle whose recorded test accuracy is lower (or missing) is not sent, so a worse model
 * never replaces the serving one. {@code --role shadow} or {@code --role canary --percent P} publishes the bundle
 * as its language's candidate instead of live; for a bundle the topic already holds, the role is set by one
 * rollout record instead (so shadow, then canary, needs no second copy of the bundle).
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
        final Args a = Args.parse(argv, Set.of("model", "bootstrap", "version", "min-accuracy", "role", "percent"),
                Set.of("create-topics", "help"));
        if (a.has("help")) {
            out.println("usage: ./sentiment publish [--model] DIR --bootstrap HOST:PORT [--version N|next] [--create-topics]"
                    + " [--min-accuracy X (refuse a bundle whose test accuracy is below X)]"
                    + " [--role live|shadow|canary [--percent P]]");
            out.println("  the version is the bundle's own unless --version N re-stamps it, or --version next takes the"
                    + " newest on the topic + 1; the same bundle again is a no-op, another bundle under a taken"
                    + " name@version is refused (exit " + VERSION_TAKEN + ")");
            out.println("  --role shadow: scored beside the live model of its language, results on reviews.shadow only;"
                    + " --role canary --percent P: answers P % of review ids (a stable hash of the id); without a role"
                    + " the bundle is live. For a bundle already on the topic the role is set by one rollout record."
                    + " Then ./sentiment promote|rollback --lang L");
            return 0;
        }
        if (a.positional().size() > 1 || (a.positional().size() == 1 && a.has("model"))) {
            throw new UsageException("unexpected argument '" + a.positional().get(a.positional().size() - 1) + "'");
        }
        final Publisher.Role role = role(a);
        final boolean next = a.has("version") && "next".equals(a.get("version", ""));
        final Integer version = a.has("version") && !next ? Integer.valueOf(a.getInt("version", 0)) : null;
        if (version != null && version < 1) {
            throw new UsageException("--version must be at least 1, or next");
        }
        final Path model = a.positional().isEmpty() ? Path.of(a.require("model")) : Path.of(a.positional().get(0));
        if (a.has("min-accuracy")) {
            final String refusal = refusal(model, a.getDouble("min-accuracy", 0));
            if (refusal != null) {
                err.println("sentiment publish: " + refusal);
                return NOT_PUBLISHED;
            }
        }
        final String bootstrap = a.require("bootstrap");
        final KafkaClientSettings kafka = KafkaClientSettings.forBootstrap(bootstrap);
        final Publisher.Published p;
        try {
            p = Publisher.publish(model, kafka, version, next, a.has("create-topics"), role);
        } catch (Publisher.VersionTakenException e) {
            err.println("sentiment publish: refused: " + e.getMessage());
            return VERSION_TAKEN;
        }
        if (p.alreadyPublished() && role.role() != RolloutRole.LIVE) {
            final String lang = ModelBundle.load(model).manifest().lang().wireName();
            try {
                final RolloutPublisher.Written w = RolloutPublisher.candidate(kafka, lang, ModelRef.parse(p.key()),
                        role.role(), role.percent());
                out.println(RolloutCommand.json(w));
                return 0;
            } catch (RolloutPublisher.RefusedException e) {
                err.println("sentiment publish: refused: " + e.getMessage());
                return RolloutCommand.REFUSED;
            }
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
        if (role.role() != RolloutRole.LIVE) {
            n.put("role", role.role().wireName());
            n.put("percent", role.percent());
        }
        out.println(Json.write(n));
        return 0;
    }

    private static Publisher.Role role(final Args a) {
        final RolloutRole role;
        try {
            role = RolloutRole.of(a.get("role", "live"));
        } catch (IllegalArgumentException e) {
            throw new UsageException("--role: " + e.getMessage());
        }
        if (role != RolloutRole.CANARY) {
            if (a.has("percent")) {
                throw new UsageException("--percent goes with --role canary only");
            }
            return new Publisher.Role(role, 0);
        }
        if (!a.has("percent")) {
            throw new UsageException("--role canary needs --percent P (the share of review ids it answers, 0-100)");
        }
        final int percent = a.getInt("percent", -1);
        if (percent < 0 || percent > 100) {
            throw new UsageException("--percent must be a whole number in [0, 100], got " + a.get("percent", ""));
        }
        return new Publisher.Role(role, percent);
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
