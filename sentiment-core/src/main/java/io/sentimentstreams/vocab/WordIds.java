package io.sentimentstreams.vocab;

import java.util.Locale;
import java.util.Map;

/**
 * The lookup {@code encode} does once per token: word to index for the words an encoding can emit (index
 * in [1, numWords), Keras' {@code num_words} cut), -1 for every other string.
 *
 * <p>Why not the vocabulary's {@code HashMap}: encode lowercases each token first, and
 * {@code toLowerCase} plus the map walk (bucket, node, key, the key's bytes, a boxed {@code Integer}) was
 * a quarter of the Treebank pipeline's samples. Here a slot holds the hash, the index, and where the
 * word's characters sit in one shared {@code char[]}, and {@link #getLowercase} lowercases ASCII tokens
 * while it hashes and compares, so no lowercased copy is allocated; other tokens go through
 * {@link String#toLowerCase(Locale)} with {@link Locale#ROOT} exactly as before. Measured with
 * {@code ./sentiment bench text}, alternating builds: Treebank 15.6-18.6k → 20.9-22.2k reviews/s.
 */
public final class WordIds {

    /** Slot fields, four ints per slot: hash (0 = empty), index, offset into {@link #chars}, length. */
    private static final int HASH = 0;
    private static final int INDEX = 1;
    private static final int OFFSET = 2;
    private static final int LENGTH = 3;

    private final int[] slots;
    private final char[] chars;
    private final int shift;
    private final int mask;
    private final int size;

    private WordIds(final int[] slots, final char[] chars, final int shift, final int size) {
        this.slots = slots;
        this.chars = chars;
        this.shift = shift;
        this.mask = slots.length / 4 - 1;
        this.size = size;
    }

    /** The words of {@code vocabulary} with index in [1, numWords) (every word when numWords <= 0). */
    public static WordIds of(final Vocabulary vocabulary, final int numWords) {
        int n = 0;
        int totalChars = 0;
        for (final Map.Entry<String, Integer> e : vocabulary.wordIndex().entrySet()) {
            if (eligible(e.getValue(), numWords)) {
                n++;
                totalChars += e.getKey().length();
            }
        }
        // At most 5/8 full, so linear probes stay short (about 1.8 slots for a hit, 3.6 for a miss).
        int capacity = 16;
        while (capacity * 5 < n * 8) {
            capacity <<= 1;
        }
        final int[] slots = new int[capacity * 4];
        final char[] chars = new char[totalChars];
        final int shift = 32 - Integer.numberOfTrailingZeros(capacity);
        final WordIds ids = new WordIds(slots, chars, shift, n);
        int at = 0;
        for (final Map.Entry<String, Integer> e : vocabulary.wordIndex().entrySet()) {
            if (!eligible(e.getValue(), numWords)) {
                continue;
            }
            final String w = e.getKey();
            w.getChars(0, w.length(), chars, at);
            ids.insert(w.hashCode(), e.getValue(), at, w.length());
            at += w.length();
        }
        return ids;
    }

    private static boolean eligible(final int index, final int numWords) {
        return index > 0 && (numWords <= 0 || index < numWords);
    }

    private void insert(final int hash, final int index, final int offset, final int length) {
        final int h = nonZero(hash);
        int s = slot(h);
        while (slots[4 * s + HASH] != 0) {
            s = (s + 1) & mask;
        }
        slots[4 * s + HASH] = h;
        slots[4 * s + INDEX] = index;
        slots[4 * s + OFFSET] = offset;
        slots[4 * s + LENGTH] = length;
    }

    /** Number of words held. */
    public int size() {
        return size;
    }

    /** The index of {@code word}, or -1 when it is not among the held words. */
    public int get(final String word) {
        final int h = nonZero(word.hashCode());
        for (int s = slot(h); ; s = (s + 1) & mask) {
            final int base = 4 * s;
            final int sh = slots[base + HASH];
            if (sh == 0) {
                return -1;
            }
            if (sh == h && slots[base + LENGTH] == word.length() && sameChars(word, slots[base + OFFSET])) {
                return slots[base + INDEX];
            }
        }
    }

    /** {@code get(token.toLowerCase(Locale.ROOT))}, without building the lowercased string for ASCII tokens. */
    public int getLowercase(final String token) {
        final int len = token.length();
        int hash = 0;
        for (int i = 0; i < len; i++) {
            final char c = token.charAt(i);
            if (c >= 128) {
                return get(token.toLowerCase(Locale.ROOT));
            }
            hash = 31 * hash + lowerAscii(c);
        }
        final int h = nonZero(hash);
        for (int s = slot(h); ; s = (s + 1) & mask) {
            final int base = 4 * s;
            final int sh = slots[base + HASH];
            if (sh == 0) {
                return -1;
            }
            if (sh == h && slots[base + LENGTH] == len && sameLowercaseAscii(token, slots[base + OFFSET])) {
                return slots[base + INDEX];
            }
        }
    }

    private boolean sameChars(final String word, final int offset) {
        for (int i = 0; i < word.length(); i++) {
            if (chars[offset + i] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private boolean sameLowercaseAscii(final String token, final int offset) {
        for (int i = 0; i < token.length(); i++) {
            if (chars[offset + i] != lowerAscii(token.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static char lowerAscii(final char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }

    /** Fibonacci hashing on the top bits, so String hashes that differ only in high or low bits spread. */
    private int slot(final int h) {
        return (h * 0x9E3779B9) >>> shift;
    }

    private static int nonZero(final int hash) {
        return hash == 0 ? 1 : hash;
    }
}
