package io.sentimentstreams.cli.dlq;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.json.Json;
import java.io.InputStream;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * {@code ./sentiment dlq list|replay}: shows the dead letters of {@code reviews.dlq} (reason, stage, id, where
 * they came from, the start of the payload), and sends the original payloads of the selected ones back to the
 * topic they were read from, each at most once ({@link DeadLetterReplay}).
 */
public final class DlqCommand implements Command {

    private static final String USAGE_TEXT = """
            usage: ./sentiment dlq list   --bootstrap HOST:PORT [--reason R] [--stage S] [--since T] [--output text|jsonl]
                   ./sentiment dlq replay --bootstrap HOST:PORT --reason R [--stage S] [--since T] [--dry-run]
              --reason R   a dead-letter reason, e.g. NO_MODEL (replay needs one: replaying letters of every
                           reason at once would mostly send bad input round again)
              --stage S    INGEST, PREPROCESS or INFERENCE
              --since T    letters written at or after T: an ISO-8601 instant (2026-12-04T10:00:00Z) or a
                           duration back from now (PT2H, P1D)
              --dry-run    list what replay would send and send nothing
            replay sends each selected letter's original payload to its source topic (reviews.inbound for INGEST,
            reviews.raw for PREPROCESS, reviews.encoded for INFERENCE), keyed by the review id, and records it in
            sentiment.dlq.replays in the same transaction: a letter already replayed is skipped.
            list shows the trace id of each letter that carries one (its traceparent header; jsonl: traceparent);
            replay sends that header on, so the replayed review continues its trace.""";

    private static final int PAYLOAD_SHOWN = 60;

    @Override
    public int run(final List<String> argv, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(argv, Set.of("bootstrap", "reason", "stage", "since", "output"),
                Set.of("dry-run", "help"));
        if (a.has("help")) {
            out.println(USAGE_TEXT);
            return 0;
        }
        if (a.positional().size() != 1 || !Set.of("list", "replay").contains(a.positional().get(0))) {
            throw new UsageException(USAGE_TEXT);
        }
        final boolean replay = a.positional().get(0).equals("replay");
        if (replay && !a.has("reason")) {
            throw new UsageException("dlq replay needs --reason (for example --reason NO_MODEL)");
        }
        final String output = a.get("output", "text");
        if (!output.equals("text") && !output.equals("jsonl")) {
            throw new UsageException("--output must be text or jsonl, got '" + output + "'");
        }
        final Predicate<DeadLetterReplay.Letter> selected = selection(a);
        final DeadLetterReplay dlq = new DeadLetterReplay(a.require("bootstrap"));
        if (!replay) {
            final DeadLetterReplay.Selection selection = dlq.letters(selected);
            final List<DeadLetterReplay.Letter> letters = selection.letters();
            for (final DeadLetterReplay.Letter l : letters) {
                out.println(output.equals("jsonl") ? Json.write(json(l)) : line(l));
            }
            err.println(letters.size() + " dead letters" + (letters.isEmpty() ? "" : " " + byReason(letters))
                    + unreadable(selection.unreadable()));
            return 0;
        }
        final DeadLetterReplay.Outcome o = dlq.replay(selected, a.has("dry-run"));
        for (final DeadLetterReplay.Letter l : o.replayed()) {
            out.println((a.has("dry-run") ? "would replay " : "replayed ") + l.coordinates() + " -> "
                    + l.letter().sourceTopic() + "  " + line(l));
        }
        for (final DeadLetterReplay.Letter l : o.unreplayable()) {
            err.println("cannot replay " + l.coordinates() + ": " + DeadLetterReplay.whyNot(l.letter()));
        }
        err.printf(Locale.ROOT, "%s %d, already replayed %d, cannot replay %d%s%n",
                a.has("dry-run") ? "would replay" : "replayed", o.replayed().size(), o.alreadyReplayed(),
                o.unreplayable().size(), unreadable(o.unreadable()));
        return 0;
    }

    private static Predicate<DeadLetterReplay.Letter> selection(final Args a) {
        Predicate<DeadLetterReplay.Letter> p = l -> true;
        if (a.has("reason")) {
            final Reason reason = parse(Reason.class, a.get("reason", ""), "--reason");
            p = p.and(l -> l.letter().reason() == reason);
        }
        if (a.has("stage")) {
            final Stage stage = parse(Stage.class, a.get("stage", ""), "--stage");
            p = p.and(l -> l.letter().stage() == stage);
        }
        if (a.has("since")) {
            final Instant since = since(a.get("since", ""));
            p = p.and(l -> l.letter().at() != null && !l.letter().at().isBefore(since));
        }
        return p;
    }

    private static <E extends Enum<E>> E parse(final Class<E> type, final String value, final String option) {
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new UsageException(option + " must be one of " + Arrays.toString(type.getEnumConstants())
                    + ", got '" + value + "'");
        }
    }

    static Instant since(final String value) {
        try {
            return value.startsWith("P") || value.startsWith("p")
                    ? Instant.now().minus(Duration.parse(value.toUpperCase(Locale.ROOT)))
                    : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new UsageException("--since must be an ISO-8601 instant (2026-12-04T10:00:00Z) or a duration"
                    + " (PT2H, P1D), got '" + value + "'");
        }
    }

    private static String line(final DeadLetterReplay.Letter l) {
        final var d = l.letter();
        final byte[] payload = d.originalBytes();
        final String shown = payload == null ? "(no payload)"
                : d.payload() != null ? abbreviate(d.payload()) : "(binary, " + payload.length + " bytes)";
        return String.format(Locale.ROOT, "%s  %-10s %-26s %-20s %s%s", d.at(), d.stage(), d.reason(),
                d.id() == null ? "(no id)" : abbreviate(d.id()), shown,
                l.traceparent() == null ? "" : "  trace " + traceId(l.traceparent()));
    }

    /** The trace id field of a W3C traceparent ({@code 00-<trace id>-<span id>-<flags>}), what Jaeger and Tempo search by. */
    static String traceId(final String traceparent) {
        final String[] parts = traceparent.split("-");
        return parts.length == 4 ? parts[1] : traceparent;
    }

    private static ObjectNode json(final DeadLetterReplay.Letter l) {
        final ObjectNode n = Json.MAPPER.valueToTree(l.letter());
        n.put("dlqPartition", l.partition());
        n.put("dlqOffset", l.offset());
        if (l.traceparent() != null) {
            n.put("traceparent", l.traceparent());
        }
        return n;
    }

    private static String unreadable(final int n) {
        return n == 0 ? "" : "; " + n + " records on " + io.sentimentstreams.topics.Topics.DLQ.name()
                + " are not dead letters this build reads (skipped)";
    }

    private static Map<String, Integer> byReason(final List<DeadLetterReplay.Letter> letters) {
        final Map<String, Integer> counts = new TreeMap<>();
        letters.forEach(l -> counts.merge(l.letter().stage() + ":" + l.letter().reason(), 1, Integer::sum));
        return counts;
    }

    private static String abbreviate(final String s) {
        final String flat = s.replaceAll("\\s+", " ").strip();
        return flat.length() <= PAYLOAD_SHOWN ? flat : flat.substring(0, PAYLOAD_SHOWN - 1) + "…";
    }
}
