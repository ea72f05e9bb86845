package io.sentimentstreams.cli.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.KafkaClientSettings;
import io.sentimentstreams.rollout.Rollout;
import io.sentimentstreams.trainer.RolloutPublisher;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment promote --lang L --bootstrap HOST:PORT} makes the language's shadow or canary candidate live;
 * {@code ./sentiment rollback --lang L --bootstrap HOST:PORT} makes the previous live version live again. Each
 * writes one rollout record on {@code sentiment.models} and prints it as one JSON line (before and after); a
 * transition that does not apply (no candidate, nothing to roll back to) is refused with exit {@value #REFUSED}.
 */
public final class RolloutCommand implements Command {

    /** Exit code of a transition that does not apply to the language's current rollout. */
    public static final int REFUSED = 4;

    private final boolean promote;

    /** The {@code promote} command. */
    public RolloutCommand() {
        this(true);
    }

    RolloutCommand(final boolean promote) {
        this.promote = promote;
    }

    /** The {@code rollback} command (Main builds commands by their no-argument constructor). */
    public static final class Rollback implements Command {
        @Override
        public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
                throws Exception {
            return new RolloutCommand(false).run(argv, in, out, err);
        }
    }

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final String name = promote ? "promote" : "rollback";
        final Args a = Args.parse(argv, Set.of("lang", "bootstrap"), Set.of("help"));
        if (a.has("help")) {
            out.println("usage: ./sentiment " + name + " --lang " + String.join("|", Lang.NAMES)
                    + " --bootstrap HOST:PORT");
            out.println(promote
                    ? "  makes the language's shadow or canary candidate live; the live version becomes the one"
                    + " rollback returns to"
                    : "  makes the previous live version of the language live again; the version rolled back from is"
                    + " no candidate");
            out.println("  one rollout record on sentiment.models, picked up by the services without a restart;"
                    + " refused (exit " + REFUSED + ") when there is nothing to " + name);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final String lang = a.require("lang");
        if (!Lang.NAMES.contains(lang)) {
            throw new UsageException("--lang must be one of " + Lang.NAMES + ", got '" + lang + "'");
        }
        final KafkaClientSettings kafka = KafkaClientSettings.forBootstrap(a.require("bootstrap"));
        try {
            final RolloutPublisher.Written w = promote ? RolloutPublisher.promote(kafka, lang)
                    : RolloutPublisher.rollback(kafka, lang);
            out.println(json(w));
            return 0;
        } catch (RolloutPublisher.RefusedException e) {
            err.println("sentiment " + name + ": refused: " + e.getMessage());
            return REFUSED;
        }
    }

    static String json(final RolloutPublisher.Written w) {
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("key", w.key());
        n.set("before", view(w.before()));
        n.set("after", view(w.after()));
        n.put("partition", w.partition());
        n.put("offset", w.offset());
        return Json.write(n);
    }

    private static ObjectNode view(final Rollout r) {
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("live", r.live() == null ? null : r.live().toString());
        n.put("candidate", r.candidate() == null ? null : r.candidate().toString());
        n.put("role", r.role() == null ? null : r.role().wireName());
        n.put("percent", r.percent());
        n.put("previous", r.previous() == null ? null : r.previous().toString());
        return n;
    }
}
