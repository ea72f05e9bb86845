package io.sentimentstreams.cli.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.trainer.Publisher;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment models list --bootstrap HOST:PORT [--output text|jsonl]}: what {@code sentiment.models}
 * holds now, one line per name@version (its digest, size, place and time), so an operator sees which versions a
 * service can be asked to serve.
 */
public final class ModelsCommand implements Command {

    private static final String USAGE_TEXT = "usage: ./sentiment models list --bootstrap HOST:PORT [--output text|jsonl]";

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("bootstrap", "output"), Set.of("help"));
        if (a.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        if (a.positional().size() != 1 || !a.positional().get(0).equals("list")) {
            throw new UsageException(USAGE_TEXT);
        }
        final String output = a.get("output", "text");
        if (!output.equals("text") && !output.equals("jsonl")) {
            throw new UsageException("--output must be text or jsonl, got '" + output + "'");
        }
        final List<Publisher.Held> held = Publisher.held(a.require("bootstrap"));
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
        if (held.isEmpty()) {
            err.println("sentiment.models holds no bundle");
        }
        return 0;
    }
}
