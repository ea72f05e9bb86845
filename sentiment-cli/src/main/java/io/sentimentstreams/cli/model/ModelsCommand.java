package io.sentimentstreams.cli.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.trainer.Publisher;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment models list --bootstrap HOST:PORT [--output text|jsonl]}: what {@code sentiment.models}
 * holds now, one line per name@version (its digest, size, place and time; a retired version as {@code retired}
 * until compaction removes its tombstone), so an operator sees which versions a service can be asked to serve.
 * {@code ./sentiment models retire NAME@V --bootstrap HOST:PORT [--force]} writes the version's tombstone.
 */
public final class ModelsCommand implements Command {

    /** Exit code of a retirement refused (unknown or already retired version, or the newest without --force). */
    public static final int RETIRE_REFUSED = 4;

    private static final String USAGE_TEXT = "usage: ./sentiment models list --bootstrap HOST:PORT [--output text|jsonl]\n"
            + "       ./sentiment models retire NAME@VERSION --bootstrap HOST:PORT [--force]\n"
            + "  retire writes the version's tombstone: services stop using it and delete it once nothing does;\n"
            + "  the version a language's rollout serves as live, or the only live version of a name, is refused"
            + " (exit " + RETIRE_REFUSED + ") unless --force; ./sentiment rollback --lang L goes back without"
            + " dead letters";

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("bootstrap", "output"), Set.of("help", "force"));
        if (a.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        if (!a.positional().isEmpty() && a.positional().get(0).equals("retire")) {
            return retire(a, out, err);
        }
        if (a.positional().size() != 1 || !a.positional().get(0).equals("list")) {
            throw new UsageException(USAGE_TEXT);
        }
        final String output = a.get("output", "text");
        if (!output.equals("text") && !output.equals("jsonl")) {
            throw new UsageException("--output must be text or jsonl, got '" + output + "'");
        }
        final Publisher.OnTopic onTopic = Publisher.onTopic(a.require("bootstrap"));
        final List<Publisher.Held> held = onTopic.live();
        for (final Publisher.Held h : held) {
            if (output.equals("jsonl")) {
                final ObjectNode n = Json.MAPPER.createObjectNode();
                n.put("key", h.key());
                n.put("digest", h.digest());
                n.put("bytes", h.bytes());
                n.put("partition", h.partition());
                n.put("offset", h.offset());
                n.put("published", Instant.ofEpochMilli(h.timestamp()).toString());
                out.println(Json.write(n));
            } else {
                out.printf("%-24s sha256 %s  %,11d bytes  offset %d  %s%n", h.key(),
                        h.digest().isEmpty() ? "(no digest header)" : h.digest(), h.bytes(), h.offset(),
                        Instant.ofEpochMilli(h.timestamp()));
            }
        }
        for (final Publisher.Retired r : onTopic.retired()) {
            if (output.equals("jsonl")) {
                final ObjectNode n = Json.MAPPER.createObjectNode();
                n.put("key", r.key());
                n.put("retired", true);
                n.put("partition", r.partition());
                n.put("offset", r.offset());
                n.put("retiredAt", Instant.ofEpochMilli(r.timestamp()).toString());
                out.println(Json.write(n));
            } else {
                out.printf("%-24s retired (tombstone)%58s  offset %d  %s%n", r.key(), "", r.offset(),
                        Instant.ofEpochMilli(r.timestamp()));
            }
        }
        if (held.isEmpty()) {
            err.println("sentiment.models holds no bundle");
        }
        return 0;
    }

    private static int retire(final Args a, final PrintStream out, final PrintStream err) throws Exception {
        if (a.positional().size() != 2) {
            throw new UsageException("models retire takes one NAME@VERSION, e.g. ./sentiment models retire imdb-en@6"
                    + " --bootstrap HOST:PORT");
        }
        final ModelRef ref;
        try {
            ref = ModelRef.parse(a.positional().get(1));
        } catch (IllegalArgumentException e) {
            throw new UsageException("models retire: " + e.getMessage() + " (e.g. imdb-en@6)");
        }
        final Publisher.Retired r;
        try {
            r = Publisher.retire(a.require("bootstrap"), ref, a.has("force"));
        } catch (Publisher.RetireRefusedException e) {
            err.println("sentiment models retire: refused: " + e.getMessage());
            return RETIRE_REFUSED;
        }
        final ObjectNode n = Json.MAPPER.createObjectNode();
        n.put("key", r.key());
        n.put("retired", true);
        n.put("partition", r.partition());
        n.put("offset", r.offset());
        out.println(Json.write(n));
        err.println("sentiment models retire: tombstone for " + r.key() + " written; services stop using it and delete"
                + " it once nothing does");
        return 0;
    }
}
