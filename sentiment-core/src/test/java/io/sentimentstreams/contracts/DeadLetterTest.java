package io.sentimentstreams.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A dead letter records how long its original payload was, so a cut payload is never taken for the whole. */
class DeadLetterTest {

    @Test
    void aWholePayloadIsNotTruncatedAndACutOneIs() {
        final byte[] original = "{\"text\":\"hello\"}".getBytes(StandardCharsets.UTF_8);
        final DeadLetter whole = DeadLetter.of(Stage.INGEST, Reason.INVALID_JSON, "m", null, original, "t", 0, 1L);
        assertThat(whole.originalLength()).isEqualTo(original.length);
        assertThat(whole.truncated()).isFalse();

        final byte[] big = new byte[DeadLetter.MAX_PAYLOAD_BYTES + 10];
        final DeadLetter cut = DeadLetter.of(Stage.INGEST, Reason.INVALID_JSON, "m", null, big, "t", 0, 2L);
        assertThat(cut.originalBytes()).hasSize(DeadLetter.MAX_PAYLOAD_BYTES);
        assertThat(cut.truncated()).isTrue();
    }

    @Test
    void aLetterFromBeforeTheLengthFieldIsJudgedByItsMessage() throws Exception {
        final DeadLetter old = Json.MAPPER.readValue("{\"schema\":1,\"stage\":\"INGEST\",\"reason\":\"INVALID_JSON\","
                + "\"message\":\"bad (payload of 70000 bytes cut to 65536 bytes to fit the dead-letter topic)\","
                + "\"payload\":\"x\",\"sourceTopic\":\"reviews.inbound\"}", DeadLetter.class);
        assertThat(old.originalLength()).isNull();
        assertThat(old.truncated()).isTrue();
        final DeadLetter plain = Json.MAPPER.readValue("{\"schema\":1,\"stage\":\"INGEST\",\"reason\":\"DUPLICATE\","
                + "\"message\":\"seen\",\"payload\":\"x\",\"sourceTopic\":\"reviews.raw\"}", DeadLetter.class);
        assertThat(plain.truncated()).isFalse();
        assertThat(plain.reason()).as("letters of older builds still read").isEqualTo(Reason.DUPLICATE);
    }
}
