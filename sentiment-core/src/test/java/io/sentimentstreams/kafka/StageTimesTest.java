package io.sentimentstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.kafka.StageTimes.Channel;
import io.sentimentstreams.kafka.StageTimes.Hop;
import io.sentimentstreams.kafka.StageTimes.Point;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class StageTimesTest {

    private static final Instant T0 = Instant.parse("2026-12-08T01:02:03.123456789Z");

    @Test
    void timesAndChannelSurviveTheirHeadersToTheNanosecond() {
        final StageTimes times = StageTimes.received(Channel.INBOUND, T0)
                .at(Point.RAW, T0.plusNanos(1_500))
                .at(Point.ENCODED, T0.plusMillis(7));
        final StageTimes back = StageTimes.read(times.toHeaders());
        assertThat(back).isEqualTo(times);
        assertThat(back.channel()).isEqualTo(Channel.INBOUND);
        assertThat(back.time(Point.RECEIVED)).isEqualTo(T0);
        assertThat(back.time(Point.LABELED)).isNull();
    }

    @Test
    void headersAreReadableTextWithStableNames() {
        final Headers h = StageTimes.received(Channel.HTTP, T0).toHeaders();
        assertThat(new String(h.lastHeader("sentiment.stage.received").value(), StandardCharsets.UTF_8))
                .isEqualTo("2026-12-08T01:02:03.123456789Z");
        assertThat(new String(h.lastHeader("sentiment.channel").value(), StandardCharsets.UTF_8)).isEqualTo("http");
        assertThat(h.toArray()).hasSize(2);
    }

    @Test
    void toHeadersCarriesOnlyStageHeadersAndOneValueEach() {
        final RecordHeaders in = new RecordHeaders();
        in.add("x-producer-secret", "leak".getBytes(StandardCharsets.UTF_8));
        in.add(Point.RECEIVED.header(), T0.toString().getBytes(StandardCharsets.UTF_8));
        in.add(Point.RECEIVED.header(), T0.plusSeconds(1).toString().getBytes(StandardCharsets.UTF_8));
        final Headers out = StageTimes.read(in).at(Point.RAW, T0.plusSeconds(2)).toHeaders();
        assertThat(out.lastHeader("x-producer-secret")).isNull();
        assertThat(out.headers(Point.RECEIVED.header())).hasSize(1);
        // the last header of a name wins, as Kafka's lastHeader reads it
        assertThat(StageTimes.read(out).time(Point.RECEIVED)).isEqualTo(T0.plusSeconds(1));
    }

    @Test
    void stampingReplacesAnEarlierValue() {
        final StageTimes forged = StageTimes.none().at(Point.RECEIVED, Instant.EPOCH);
        assertThat(forged.at(Point.RECEIVED, T0).time(Point.RECEIVED)).isEqualTo(T0);
    }

    @Test
    void hopsAreDifferencesAndTelescopeToTheWholeSpan() {
        final StageTimes t = StageTimes.received(Channel.HTTP, T0)
                .at(Point.RAW, T0.plusMillis(3))
                .at(Point.ENCODED, T0.plusMillis(40))
                .at(Point.LABELED, T0.plusMillis(95));
        assertThat(t.hop(Hop.INGEST_TO_RAW)).isEqualTo(Duration.ofMillis(3));
        assertThat(t.hop(Hop.RAW_TO_ENCODED)).isEqualTo(Duration.ofMillis(37));
        assertThat(t.hop(Hop.ENCODED_TO_LABELED)).isEqualTo(Duration.ofMillis(55));
        Duration sum = Duration.ZERO;
        for (final Hop hop : Hop.values()) {
            sum = sum.plus(t.hop(hop));
        }
        assertThat(sum).isEqualTo(Duration.between(t.time(Point.RECEIVED), t.time(Point.LABELED)));
    }

    @Test
    void aHopWithAnUnknownEndIsNullAndSkewShowsAsNegative() {
        final StageTimes t = StageTimes.none().at(Point.RAW, T0).at(Point.ENCODED, T0.minusMillis(2));
        assertThat(t.hop(Hop.INGEST_TO_RAW)).isNull();
        assertThat(t.hop(Hop.RAW_TO_ENCODED)).isEqualTo(Duration.ofMillis(-2));
    }

    @Test
    void unreadableValuesAreAbsentNotErrors() {
        final RecordHeaders in = new RecordHeaders();
        in.add(Point.RECEIVED.header(), "yesterday".getBytes(StandardCharsets.UTF_8));
        in.add(Point.RAW.header(), null);
        in.add(StageTimes.CHANNEL_HEADER, "carrier-pigeon".getBytes(StandardCharsets.UTF_8));
        assertThat(StageTimes.read(in)).isEqualTo(StageTimes.none());
        assertThat(StageTimes.read(null)).isEqualTo(StageTimes.none());
        assertThat(StageTimes.none().toHeaders().toArray()).isEmpty();
    }
}
