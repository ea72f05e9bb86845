package io.sentimentstreams.text;

/**
 * One encoded text: padded/truncated ids of length {@code maxlen}, the number of tokens the text had
 * before padding or truncation, and how many of them mapped to the OOV index (or were dropped as
 * unknown when the vocabulary has no OOV token).
 */
public record Encoding(int[] ids, int tokenCount, int oovCount) {
}
