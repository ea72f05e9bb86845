package io.sentimentstreams.ingest.streams;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.sentimentstreams.contracts.DeadLetter;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.Reason;
import io.sentimentstreams.contracts.Review;
import io.sentimentstreams.contracts.Stage;
import io.sentimentstreams.ingest.metrics.IngestMetrics;
import io.sentimentstreams.ingest.validation.IngestLimits;
import io.sentimentstreams.ingest.validation.ReviewValidator;
import io.sentimentstreams.json.Json;
import io.sentimentstreams.kafka.StageTimes;
import io.sentimentstreams.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Properties;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class InboundTopologyTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> inbound;
    private TestOutputTopic<String, Review> raw;
    private TestOutputTopic<String, DeadLetter> dlq;

    @BeforeEach
    void start() {
        final Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "ingest-topology-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        driver = new TopologyTestDriver(InboundTopology.build(
                new ReviewValidator(IngestLimits.defaults()), new IngestMetrics(registry)), props);
        inbound = driver.createInputTopic(Topics.INBOUND.name(), Topics.INBOUND.keySerde().serializer(),
                Topics.INBOUND.valueSerde().serializer());
        raw = driver.createOutputTopic(Topics.RAW.name(), Topics.RAW.keySerde().deserializer(),
                Topics.RAW.valueSerde().deserializer());
        dlq = driver.createOutputTopic(Topics.DLQ.name(), Topics.DLQ.keySerde().deserializer(),
                Topics.DLQ.valueSerde().deserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private void send(final String value) {
        inbound.pipeInput("any-key".getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void validRecordGoesToRawKeyedByReviewId() {
        send("{\"id\":\"in-1\",\"text\":\"loved it\",\"lang\":\"en\",\"attributes\":{\"k\":\"v\"}}");
        final KeyValue<String, Review> out = raw.readKeyValue();
        assertThat(out.key).isEqualTo("in-1");
        assertThat(out.value.text()).isEqualTo("loved it");
        assertThat(out.value.lang()).isEqualTo(Lang.EN);
        assertThat(out.value.receivedAt()).isNotNull();
        assertThat(dlq.isEmpty()).isTrue();
    }

    @Test
    void rawRecordCarriesItsIngestAndRawTimesAndNoProducerHeader() {
        final RecordHeaders forged = new RecordHeaders();
        forged.add(StageTimes.Point.RECEIVED.header(), "2000-01-01T00:00:00Z".getBytes(StandardCharsets.UTF_8));
        forged.add(StageTimes.CHANNEL_HEADER, "http".getBytes(StandardCharsets.UTF_8));
        forged.add("x-producer", "mine".getBytes(StandardCharsets.UTF_8));
        inbound.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8),
                "{\"id\":\"in-t\",\"text\":\"fine\"}".getBytes(StandardCharsets.UTF_8), forged));
        final TestRecord<String, Review> out = raw.readRecord();
        final StageTimes times = StageTimes.read(out.headers());
        assertThat(times.channel()).isEqualTo(StageTimes.Channel.INBOUND);
        // the same instant as the payload's, so the hops add up to the end-to-end latency
        assertThat(times.time(StageTimes.Point.RECEIVED)).isEqualTo(out.value().receivedAt());
        assertThat(times.time(StageTimes.Point.RAW)).isAfterOrEqualTo(out.value().receivedAt());
        assertThat(out.headers().lastHeader("x-producer")).isNull();
        assertThat(out.headers().toArray()).hasSize(3);
    }

    @Test
    void deadLetterCarriesItsIngestTime() {
        send("{\"text\": broken");
        final TestRecord<String, DeadLetter> out = dlq.readRecord();
        final StageTimes times = StageTimes.read(out.headers());
        assertThat(times.channel()).isEqualTo(StageTimes.Channel.INBOUND);
        assertThat(times.time(StageTimes.Point.RECEIVED)).isNotNull();
        assertThat(times.time(StageTimes.Point.RAW)).isNull();
    }

    @Test
    void recordWithoutIdGetsAGeneratedKey() {
        send("{\"text\":\"재미있어요\"}");
        final KeyValue<String, Review> out = raw.readKeyValue();
        assertThat(out.key).isEqualTo(out.value.id()).hasSize(36);
    }

    @Test
    void malformedJsonGoesToDeadLetterWithReasonAndOriginalBytes() {
        send("{\"text\": broken");
        final KeyValue<String, DeadLetter> out = dlq.readKeyValue();
        assertThat(out.key).isNull();
        assertThat(out.value.stage()).isEqualTo(Stage.INGEST);
        assertThat(out.value.reason()).isEqualTo(Reason.INVALID_JSON);
        assertThat(out.value.payload()).isEqualTo("{\"text\": broken");
        assertThat(out.value.sourceTopic()).isEqualTo(Topics.INBOUND.name());
        assertThat(out.value.partition()).isZero();
        assertThat(out.value.offset()).isZero();
        assertThat(raw.isEmpty()).isTrue();
    }

    @Test
    void everyBadInputClassIsDeadLetteredWithItsReason() {
        send("");
        send("{\"text\":\"   \"}");
        send("{\"text\":\"" + "a".repeat(IngestLimits.DEFAULT_MAX_TEXT_CHARS + 1) + "\"}");
        send("{\"text\":\"a\",\"id\":\"" + "i".repeat(129) + "\"}");
        send("{\"text\":\"a\",\"lang\":\"jp\"}");
        send("{\"text\":\"a\",\"attributes\":{\"k\":1}}");
        send("{\"text\":\"a\",\"source\":\"\\u0000\"}");
        send("{\"text\":\"a\",\"extra\":1}");
        send("{\"text\":7}");
        send("{\"text\":\"a\",\"text\":\"b\"}");
        send("{\"text\":\"\\u0000\"}");
        assertThat(dlq.readValuesToList()).extracting(DeadLetter::reason).containsExactly(
                Reason.INVALID_JSON, Reason.BLANK_TEXT, Reason.TEXT_TOO_LONG, Reason.INVALID_ID, Reason.UNKNOWN_LANG,
                Reason.INVALID_ATTRIBUTES, Reason.INVALID_SOURCE, Reason.UNKNOWN_FIELD, Reason.INVALID_TYPE,
                Reason.INVALID_JSON, Reason.INVALID_TEXT);
        assertThat(raw.isEmpty()).isTrue();
    }

    @Test
    void tombstoneIsDeadLettered() {
        inbound.pipeInput("k".getBytes(StandardCharsets.UTF_8), (byte[]) null);
        assertThat(dlq.readValue().reason()).isEqualTo(Reason.INVALID_JSON);
    }

    @Test
    void binaryPayloadIsKeptAsBase64() {
        final byte[] binary = {(byte) 0xFF, 0, 1, (byte) 0x80};
        inbound.pipeInput(new byte[0], binary);
        final DeadLetter letter = dlq.readValue();
        assertThat(letter.payload()).isNull();
        assertThat(letter.originalBytes()).isEqualTo(binary);
    }

    @Test
    void badRecordDoesNotStopTheValidOnesAfterIt() {
        send("garbage");
        send("{\"id\":\"after\",\"text\":\"still flows\"}");
        assertThat(dlq.readValuesToList()).hasSize(1);
        assertThat(raw.readKeyValue().key).isEqualTo("after");
    }

    @Test
    void escapeHeavyPayloadIsCutSoTheDeadLetterFitsOneRecord() {
        final byte[] controls = new byte[600 * 1024];
        Arrays.fill(controls, (byte) 1);
        inbound.pipeInput(new byte[0], controls);
        final DeadLetter letter = dlq.readValue();
        assertThat(Json.writeBytes(letter).length).isLessThanOrEqualTo(InboundProcessor.MAX_DEAD_LETTER_BYTES);
        assertThat(letter.message()).contains("cut to");
        assertThat(letter.originalLength()).as("the letter says how long the original was").isEqualTo(600 * 1024);
        assertThat(letter.truncated()).as("so a replay can tell it is not the whole payload").isTrue();
    }

    @Test
    void metricsCountAcceptedAndDeadLetteredByReason() {
        send("{\"text\":\"ok\"}");
        send("{\"text\":\"\"}");
        assertThat(registry.get(IngestMetrics.REVIEWS).tag("channel", "inbound").tag("outcome", "accepted")
                .counter().count()).isEqualTo(1.0);
        assertThat(registry.get(IngestMetrics.DLQ).tag("reason", "BLANK_TEXT").counter().count()).isEqualTo(1.0);
    }
}
