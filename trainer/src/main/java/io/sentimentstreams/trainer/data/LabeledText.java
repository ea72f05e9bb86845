package io.sentimentstreams.trainer.data;

/**
 * One labeled review as read from a corpus: its id (from the file, or {@code line:N}), its text, its
 * label (1 positive, 0 negative) and the 1-based line (or file ordinal) it came from.
 */
public record LabeledText(String id, String text, int label, long line) {
}
