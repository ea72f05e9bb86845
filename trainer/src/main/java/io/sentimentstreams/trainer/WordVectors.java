package io.sentimentstreams.trainer;

import io.sentimentstreams.trainer.data.DatasetReader;
import io.sentimentstreams.vocab.Vocabulary;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Pre-trained word vectors from a text file in GloVe format ({@code word v1 ... vD} per line) or word2vec
 * text format (the same after a {@code count dim} header line), optionally gzipped. Only the words of a
 * given vocabulary are kept, so a multi-gigabyte file costs no more memory than the embedding table.
 */
public final class WordVectors {

    /** Vectors found for vocabulary words, their width, and how many vocabulary rows they cover. */
    public record Loaded(int dim, Map<String, float[]> vectors, long linesRead) {
    }

    private WordVectors() {
    }

    /**
     * Reads the vectors of the words with index below {@code rows} in {@code vocabulary}.
     *
     * @throws IOException on unreadable files, inconsistent widths (naming the line) or a width that is
     *                     not {@code expectedDim} (when positive)
     */
    public static Loaded load(final Path file, final Vocabulary vocabulary, final int rows, final int expectedDim)
            throws IOException {
        final Map<String, float[]> out = new HashMap<>();
        int dim = -1;
        long lineNo = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(DatasetReader.open(file),
                StandardCharsets.UTF_8), 1 << 16)) {
            String line;
            while ((line = r.readLine()) != null) {
                lineNo++;
                final String trimmed = line.strip();
                if (trimmed.isEmpty()) {
                    continue;
                }
                final String[] f = trimmed.split(" +");
                if (lineNo == 1 && f.length == 2 && isInt(f[0]) && isInt(f[1])) {
                    continue; // word2vec header: count dim
                }
                if (f.length < 2) {
                    throw new IOException(file + ":" + lineNo + ": expected a word and its vector");
                }
                if (dim < 0) {
                    dim = f.length - 1;
                    if (expectedDim > 0 && dim != expectedDim) {
                        throw new IOException(file + ": vectors have " + dim + " dimensions, the embedding has "
                                + expectedDim + " (set --embedding-dim " + dim + ")");
                    }
                } else if (f.length - 1 != dim) {
                    throw new IOException(file + ":" + lineNo + ": " + (f.length - 1) + " values, expected " + dim);
                }
                final int idx = vocabulary.indexOf(f[0]);
                if (idx < 1 || idx >= rows || out.containsKey(f[0])) {
                    continue;
                }
                final float[] v = new float[dim];
                try {
                    for (int k = 0; k < dim; k++) {
                        v[k] = Float.parseFloat(f[k + 1]);
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(file + ":" + lineNo + ": not a number in the vector of '" + f[0] + "'", e);
                }
                out.put(f[0], v);
            }
        }
        if (dim < 0) {
            throw new IOException(file + ": no vectors");
        }
        return new Loaded(dim, out, lineNo);
    }

    private static boolean isInt(final String s) {
        return !s.isEmpty() && s.chars().allMatch(Character::isDigit);
    }

    /**
     * Writes the loaded vectors into {@code table} ([rows, dim], row = word index), leaving rows of
     * words without a vector as they were; returns how many rows were set.
     */
    public static int apply(final Loaded loaded, final Vocabulary vocabulary, final float[][] table) {
        int set = 0;
        for (final Map.Entry<String, float[]> e : loaded.vectors().entrySet()) {
            final int idx = vocabulary.indexOf(e.getKey());
            if (idx >= 1 && idx < table.length) {
                System.arraycopy(e.getValue(), 0, table[idx], 0, loaded.dim());
                set++;
            }
        }
        return set;
    }
}
