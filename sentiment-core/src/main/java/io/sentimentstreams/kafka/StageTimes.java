package io.sentimentstreams.kafka;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The times a review entered each stage and the ingest channel it came by, read from and written to Kafka
 * record headers ({@code sentiment.stage.*}, {@code sentiment.channel}) so the payload contracts stay as they
 * are; every service reads, stamps and carries them through this class, and inference-service turns them into
 * one timer per {@link Hop}.
 *
 * <p>Values are ISO-8601 UTC instants as text (the payload's timestamp format, readable with any Kafka tool).
 * A stage writes its outputs with {@link #toHeaders()}, a fresh header set holding only these headers: nothing
 * a producer put on {@code reviews.inbound} travels on by accident (Kafka Streams would otherwise forward every
 * input header to every output), and anything else a stage wants on its outputs it adds itself.
 */
public final class StageTimes {

    /** A moment in a review's life, each with its header. */
    public enum Point {
        /** Accepted by ingest-service: the HTTP request was read, or the reviews.inbound record was processed. */
        RECEIVED("sentiment.stage.received"),
        /** Handed to the producer of {@code reviews.raw} (before its transaction commits). */
        RAW("sentiment.stage.raw"),
        /** Encoded by preprocess-service, as {@code EncodedReview.encodedAt}. */
        ENCODED("sentiment.stage.encoded"),
        /** Scored by inference-service, as {@code LabeledReview.labeledAt}. */
        LABELED("sentiment.stage.labeled");

        private final String header;

        Point(final String header) {
            this.header = header;
        }

        public String header() {
            return header;
        }
    }

    /** How a review entered the system. */
    public enum Channel {
        HTTP("http"),
        INBOUND("inbound");

        private final String wireName;

        Channel(final String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        static Channel parse(final String s) {
            for (final Channel c : values()) {
                if (c.wireName.equals(s)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** The span between two consecutive points; {@link #tag()} is the metric tag value. */
    public enum Hop {
        /** Validation and the wait for a free producer. */
        INGEST_TO_RAW(Point.RECEIVED, Point.RAW, "ingest_to_raw"),
        /** The raw transaction's commit, the queue in reviews.raw, preprocessing. */
        RAW_TO_ENCODED(Point.RAW, Point.ENCODED, "raw_to_encoded"),
        /** preprocess-service's commit, the queue in reviews.encoded, batching and scoring. */
        ENCODED_TO_LABELED(Point.ENCODED, Point.LABELED, "encoded_to_labeled");

        private final Point from;
        private final Point to;
        private final String tag;

        Hop(final Point from, final Point to, final String tag) {
            this.from = from;
            this.to = to;
            this.tag = tag;
        }

        public Point from() {
            return from;
        }

        public Point to() {
            return to;
        }

        public String tag() {
            return tag;
        }
    }

    public static final String CHANNEL_HEADER = "sentiment.channel";

    private static final StageTimes NONE = new StageTimes(new Instant[Point.values().length], null);

    private final Instant[] times;
    private final Channel channel;

    private StageTimes(final Instant[] times, final Channel channel) {
        this.times = times;
        this.channel = channel;
    }

    /** No times and no channel: a record from outside the pipeline (a replayed letter, a hand-written record). */
    public static StageTimes none() {
        return NONE;
    }

    /** A review accepted by ingest-service at {@code at} over {@code channel}. */
    public static StageTimes received(final Channel channel, final Instant at) {
        return NONE.withChannel(Objects.requireNonNull(channel, "channel")).at(Point.RECEIVED, at);
    }

    /**
     * The times in {@code headers} (the last of each name wins). A missing or unreadable value is treated as
     * absent rather than an error: the times are an observation, never a reason to refuse a record.
     */
    public static StageTimes read(final Headers headers) {
        if (headers == null) {
            return NONE;
        }
        final Instant[] t = new Instant[Point.values().length];
        boolean any = false;
        for (final Point p : Point.values()) {
            t[p.ordinal()] = instant(headers.lastHeader(p.header));
            any |= t[p.ordinal()] != null;
        }
        final Channel c = Channel.parse(text(headers.lastHeader(CHANNEL_HEADER)));
        return any || c != null ? new StageTimes(t, c) : NONE;
    }

    /** These times with {@code point} set to {@code at} (replacing any earlier value). */
    public StageTimes at(final Point point, final Instant at) {
        final Instant[] t = Arrays.copyOf(times, times.length);
        t[point.ordinal()] = Objects.requireNonNull(at, "at");
        return new StageTimes(t, channel);
    }

    public StageTimes withChannel(final Channel c) {
        return new StageTimes(times, c);
    }

    /** When the review reached {@code point}, or null if that is not known. */
    public Instant time(final Point point) {
        return times[point.ordinal()];
    }

    /** The channel, or null if not known. */
    public Channel channel() {
        return channel;
    }

    /** {@code to - from} of the hop (negative when the hosts' clocks disagree), or null if an end is unknown. */
    public Duration hop(final Hop hop) {
        final Instant from = time(hop.from);
        final Instant to = time(hop.to);
        return from == null || to == null ? null : Duration.between(from, to);
    }

    /** A new header set holding exactly the known times and channel. */
    public Headers toHeaders() {
        final RecordHeaders h = new RecordHeaders();
        for (final Point p : Point.values()) {
            final Instant t = times[p.ordinal()];
            if (t != null) {
                h.add(p.header, t.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        if (channel != null) {
            h.add(CHANNEL_HEADER, channel.wireName.getBytes(StandardCharsets.UTF_8));
        }
        return h;
    }

    /** The known points and their times, for logs and tests. */
    public Map<Point, Instant> asMap() {
        final Map<Point, Instant> m = new EnumMap<>(Point.class);
        for (final Point p : Point.values()) {
            if (times[p.ordinal()] != null) {
                m.put(p, times[p.ordinal()]);
            }
        }
        return m;
    }

    @Override
    public boolean equals(final Object o) {
        return o instanceof StageTimes s && Arrays.equals(times, s.times) && channel == s.channel;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(times) + Objects.hashCode(channel);
    }

    @Override
    public String toString() {
        return "StageTimes" + asMap() + (channel == null ? "" : " via " + channel.wireName);
    }

    private static Instant instant(final Header h) {
        final String s = text(h);
        if (s == null) {
            return null;
        }
        try {
            return Instant.parse(s);
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static String text(final Header h) {
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
