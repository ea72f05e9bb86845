package io.sentimentstreams.vocab;

import io.sentimentstreams.text.KerasTextToWordSequence;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * Keras {@code hashing_trick}: a text (or token list) and a bucket count {@code n} in, indices in
 * {@code 1..n-1} out, with no vocabulary. Keras' default {@code hash_function=hash} is salted per Python
 * process and therefore not reproducible; only the stable functions exist here: {@code md5} (exactly
 * Keras' {@code hash_function='md5'}) and {@code murmur3} (32-bit, seed 0, faster).
 */
public final class Hashing {

    public enum Function { MD5, MURMUR3 }

    private Hashing() {
    }

    /** Keras {@code hashing_trick(text, n, hash_function, filters, lower, split)}. */
    public static int[] hashingTrick(final String text, final int n, final Function function,
                                     final KerasTextToWordSequence words) {
        return hashTokens(words.apply(text), n, function);
    }

    /** Hashes already-tokenized words to {@code 1..n-1}. */
    public static int[] hashTokens(final List<String> tokens, final int n, final Function function) {
        if (n < 2) {
            throw new IllegalArgumentException("n must be >= 2 (indices are 1..n-1), got " + n);
        }
        final int[] out = new int[tokens.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bucket(tokens.get(i), n, function);
        }
        return out;
    }

    /** {@code hash(w) % (n - 1) + 1}. */
    public static int bucket(final String word, final int n, final Function function) {
        if (n < 2) {
            throw new IllegalArgumentException("n must be >= 2 (indices are 1..n-1), got " + n);
        }
        if (function == Function.MD5) {
            // Python: int(md5(w.encode()).hexdigest(), 16) % (n - 1) + 1, an unsigned 128-bit integer.
            final byte[] digest = md5().digest(word.getBytes(StandardCharsets.UTF_8));
            return new BigInteger(1, digest).mod(BigInteger.valueOf(n - 1L)).intValue() + 1;
        }
        final long h = Integer.toUnsignedLong(murmur3(word.getBytes(StandardCharsets.UTF_8)));
        return (int) (h % (n - 1L)) + 1;
    }

    private static MessageDigest md5() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("MD5 is required of every JVM", e);
        }
    }

    /** MurmurHash3 x86_32, seed 0 (as {@code mmh3.hash(w, signed=False)}). */
    static int murmur3(final byte[] data) {
        final int c1 = 0xcc9e2d51;
        final int c2 = 0x1b873593;
        int h = 0;
        final int nblocks = data.length / 4;
        for (int i = 0; i < nblocks; i++) {
            int k = (data[i * 4] & 0xff) | (data[i * 4 + 1] & 0xff) << 8 | (data[i * 4 + 2] & 0xff) << 16
                    | (data[i * 4 + 3] & 0xff) << 24;
            k *= c1;
            k = Integer.rotateLeft(k, 15);
            k *= c2;
            h ^= k;
            h = Integer.rotateLeft(h, 13);
            h = h * 5 + 0xe6546b64;
        }
        int k = 0;
        final int tail = nblocks * 4;
        switch (data.length & 3) {
            case 3:
                k ^= (data[tail + 2] & 0xff) << 16;
                // fall through
            case 2:
                k ^= (data[tail + 1] & 0xff) << 8;
                // fall through
            case 1:
                k ^= data[tail] & 0xff;
                k *= c1;
                k = Integer.rotateLeft(k, 15);
                k *= c2;
                h ^= k;
                break;
            default:
                break;
        }
        h ^= data.length;
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }
}
