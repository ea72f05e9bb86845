package io.sentimentstreams.text;

import io.sentimentstreams.json.UnknownNameException;
import java.util.List;

/**
 * Keras {@code pad_sequences}: integer sequences in, a rectangular {@code int[rows][maxlen]} out, padded
 * and truncated at the front ({@code pre}, the default) or the back ({@code post}). Invalid arguments
 * throw {@link IllegalArgumentException} up front (Keras only notices them on the first non-empty row).
 */
public final class Padding {

    private Padding() {
    }

    /** Keras defaults: {@code maxlen} = longest, {@code padding='pre'}, {@code truncating='pre'}, value 0. */
    public static int[][] padSequences(final List<int[]> sequences) {
        return padSequences(sequences, -1, PadSide.PRE.wireName(), PadSide.PRE.wireName(), 0);
    }

    /**
     * @param maxlen     row length; negative means the longest sequence (Keras {@code maxlen=None})
     * @param padding    {@code pre} or {@code post}
     * @param truncating {@code pre} (keep the last {@code maxlen}) or {@code post} (keep the first)
     * @param value      the padding value
     */
    public static int[][] padSequences(final List<int[]> sequences, final int maxlen, final String padding,
                                       final String truncating, final int value) {
        final boolean padPre = isPre(padding, "Padding");
        final boolean truncPre = isPre(truncating, "Truncating");
        int len = maxlen;
        if (len < 0) {
            len = 0;
            for (final int[] s : sequences) {
                len = Math.max(len, s.length);
            }
        }
        final int[][] out = new int[sequences.size()][];
        for (int r = 0; r < out.length; r++) {
            out[r] = pad(sequences.get(r), len, padPre, truncPre, value);
        }
        return out;
    }

    /** One row of {@link #padSequences}; {@code maxlen} must be {@code >= 0}. */
    public static int[] pad(final int[] seq, final int maxlen, final String padding, final String truncating,
                            final int value) {
        if (maxlen < 0) {
            throw new IllegalArgumentException("maxlen must be >= 0, got " + maxlen);
        }
        return pad(seq, maxlen, isPre(padding, "Padding"), isPre(truncating, "Truncating"), value);
    }

    /** The allocation-light core used by the pipeline. */
    public static int[] pad(final int[] seq, final int maxlen, final boolean padPre, final boolean truncPre,
                            final int value) {
        final int[] row = new int[maxlen];
        if (value != 0) {
            java.util.Arrays.fill(row, value);
        }
        final int n = Math.min(seq.length, maxlen);
        final int from = truncPre ? seq.length - n : 0;
        final int to = padPre ? maxlen - n : 0;
        System.arraycopy(seq, from, row, to, n);
        return row;
    }

    private static boolean isPre(final String mode, final String what) {
        try {
            return PadSide.of(mode) == PadSide.PRE;
        } catch (UnknownNameException e) {
            // Keras' own wording, which callers of this Keras-compatible API see.
            throw new IllegalArgumentException(what + " type \"" + mode + "\" not understood (pre or post)", e);
        }
    }
}
