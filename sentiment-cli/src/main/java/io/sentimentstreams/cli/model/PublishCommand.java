package io.sentimentstreams.cli.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.trainer.Publisher;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment publish --model DIR --bootstrap HOST:PORT [--version N]}: sends a bundle to
 * {@code sentiment.models} (version: newest on the topic + 1 unless given) and prints one JSON line with
 * the key, digest, size, partition and offset.
 */
public final class PublishCommand implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("model", "bootstrap", "version"), Set.of("create-topics", "help"));
        if (a.has("help")) {
            out.println("usage: ./sentiment publish --model DIR --bootstrap HOST:PORT [--version N] [--create-topics]");
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "'");
        }
        final Integer version = a.has("version") ? a.getInt("version", 0) : null;
        if (version != null && version < 1) {
            throw new UsageException("--version must be at least 1");
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
}
