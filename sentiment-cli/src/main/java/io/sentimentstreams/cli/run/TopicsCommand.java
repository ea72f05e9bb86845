package io.sentimentstreams.cli.run;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.topics.Topic;
import io.sentimentstreams.topics.TopicAdmin;
import io.sentimentstreams.topics.Topics;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.List;
import java.util.Set;

/** {@code ./sentiment topics}: creates the catalogue's missing topics on a broker, or lists the catalogue. */
public final class TopicsCommand implements Command {

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args args = Args.parse(argv, Set.of("bootstrap", "replication-factor"), Set.of("list", "help"));
        if (args.has("help")) {
            out.println("usage: ./sentiment topics (--list | --bootstrap HOST:PORT [--replication-factor N])\n"
                    + "  --replication-factor N  default: the brokers' default.replication.factor");
            return 0;
        }
        if (args.has("list")) {
            for (final Topic<?, ?> t : Topics.ALL) {
                out.println(t.name() + "\tpartitions=" + t.partitions() + "\t" + t.configs());
            }
            return 0;
        }
        // Without a replication factor the brokers' default applies, which follows the broker count.
        final List<String> created = args.has("replication-factor")
                ? TopicAdmin.createAll(args.require("bootstrap"), (short) args.getInt("replication-factor", 1))
                : TopicAdmin.createAll(args.require("bootstrap"));
        err.println(created.isEmpty() ? "all topics exist" : "created: " + String.join(", ", created));
        return 0;
    }
}
