package io.sentimentstreams.contracts;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;

/**
 * What a stage could not process, written to {@code reviews.dlq}: the stage, a {@link Reason} code, a
 * human-readable message, the original payload (as text when it is valid UTF-8, else base64) and where
 * it came from, so nothing is ever dropped silently and every record can be replayed.
 */
public record DeadLetter(
        int schema,
        Stage stage,
        Reason reason,
        String message,
        String id,
        String payload,
        String payloadBase64,
        String sourceTopic,
        Integer partition,
        Long offset,
        Instant at,
        Integer originalLength) {

    public static final int SCHEMA = 1;
    /** Longest payload kept verbatim; larger payloads are cut and the cut is said in the message. */
    public static final int MAX_PAYLOAD_BYTES = 512 * 1024;

    public static DeadLetter of(final Stage stage, final Reason reason, final String message, final String id,
                                final byte[] original, final String sourceTopic, final Integer partition,
                                final Long offset) {
        String text = null;
        String base64 = null;
        String note = message;
        if (original != null) {
            byte[] kept = original;
            if (original.length > MAX_PAYLOAD_BYTES) {
                kept = java.util.Arrays.copyOf(original, MAX_PAYLOAD_BYTES);
                note = message + " (payload of " + original.length + " bytes cut to " + MAX_PAYLOAD_BYTES + ")";
            }
            text = strictUtf8(kept);
            if (text == null) {
                base64 = Base64.getEncoder().encodeToString(kept);
            }
        }
        return new DeadLetter(SCHEMA, stage, reason, note, id, text, base64, sourceTopic, partition, offset,
                Instant.now(), original == null ? null : original.length);
    }

    /** This letter saying that its payload is the first bytes of one of {@code length} bytes (cut to fit). */
    public DeadLetter withOriginalLength(final int length) {
        return new DeadLetter(schema, stage, reason, message, id, payload, payloadBase64, sourceTopic, partition, offset,
                at, length);
    }

    /**
     * Whether the kept payload is shorter than the original (cut to fit the topic): such a letter can be read but
     * not replayed. Letters written before {@code originalLength} existed say so only in their message.
     */
    public boolean truncated() {
        final byte[] kept = originalBytes();
        if (originalLength != null) {
            return kept == null || kept.length < originalLength;
        }
        return message != null && message.contains(" bytes cut to ");
    }

    /** The original payload bytes, whichever way they were stored. */
    public byte[] originalBytes() {
        if (payload != null) {
            return payload.getBytes(StandardCharsets.UTF_8);
        }
        return payloadBase64 == null ? null : Base64.getDecoder().decode(payloadBase64);
    }

    private static String strictUtf8(final byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
