package io.sentimentstreams.model;

import io.sentimentstreams.bundle.BundleManifest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A bundle's {@value BundleManifest#CANARY}: padded id rows and the probability the DL4J network gave each
 * when the bundle was made. One line per row, {@code probability TAB id id ...}, with the padding zeros
 * left out (a row's tokens are contiguous and never 0, so the row is rebuilt from the bundle's maxlen and
 * padding side); {@code #} lines are comments. The probability is printed with {@link Float#toString},
 * which reads back to the same float.
 *
 * @param ids           the padded rows, each {@code maxlen} long
 * @param probabilities P(positive) from DL4J for each row
 */
public record CanaryFile(int[][] ids, float[] probabilities) {

    public CanaryFile {
        if (ids.length != probabilities.length) {
            throw new IllegalArgumentException(ids.length + " rows but " + probabilities.length + " probabilities");
        }
    }

    /** Writes the file; every row must be padded on the {@code postPadding} side with contiguous tokens. */
    public void write(final Path file, final String source, final boolean postPadding) throws IOException {
        write(file, source, postPadding, "DL4J");
    }

    /** {@link #write(Path, String, boolean)} with the probabilities' source named in the header ({@code reference}). */
    public void write(final Path file, final String source, final boolean postPadding, final String reference)
            throws IOException {
        for (int i = 0; i < ids.length; i++) {
            if (!contiguous(ids[i], postPadding)) {
                throw new IllegalArgumentException("canary row " + i + " is not " + (postPadding ? "post" : "pre")
                        + "-padded with contiguous tokens");
            }
        }
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            w.write("# canary rows for the fast engine's load-time check: P(positive) from " + reference
                    + ", then the ids without padding\n# rows: " + source.replace('\n', ' ') + "\n");
            final StringBuilder line = new StringBuilder();
            for (int i = 0; i < ids.length; i++) {
                line.setLength(0);
                line.append(Float.toString(probabilities[i])).append('\t');
                boolean first = true;
                for (final int id : ids[i]) {
                    if (id != 0) {
                        if (!first) {
                            line.append(' ');
                        }
                        line.append(id);
                        first = false;
                    }
                }
                w.write(line.append('\n').toString());
            }
        }
    }

    private static boolean contiguous(final int[] row, final boolean postPadding) {
        int tokens = 0;
        for (final int id : row) {
            tokens += id != 0 ? 1 : 0;
        }
        final int from = postPadding ? 0 : row.length - tokens;
        for (int k = 0; k < row.length; k++) {
            if ((row[k] != 0) != (k >= from && k < from + tokens)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the file back into rows of {@code maxlen} ids padded on the given side; any malformed line is an
     * {@link IOException} naming it.
     */
    public static CanaryFile read(final Path file, final int maxlen, final boolean postPadding) throws IOException {
        final List<int[]> rows = new ArrayList<>();
        final List<Float> probs = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                final int tab = line.indexOf('\t');
                if (tab < 0) {
                    throw new IOException(file + " line " + n + ": no tab");
                }
                final float p;
                final int[] row = new int[maxlen];
                try {
                    p = Float.parseFloat(line.substring(0, tab));
                    final String rest = line.substring(tab + 1).trim();
                    final String[] parts = rest.isEmpty() ? new String[0] : rest.split(" ");
                    if (parts.length > maxlen) {
                        throw new IOException(file + " line " + n + ": " + parts.length + " ids > maxlen " + maxlen);
                    }
                    final int offset = postPadding ? 0 : maxlen - parts.length;
                    for (int k = 0; k < parts.length; k++) {
                        final int id = Integer.parseInt(parts[k]);
                        if (id <= 0) {
                            throw new IOException(file + " line " + n + ": id " + id + " is not a token id");
                        }
                        row[offset + k] = id;
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(file + " line " + n + ": " + e.getMessage(), e);
                }
                rows.add(row);
                probs.add(p);
            }
        }
        final float[] p = new float[probs.size()];
        for (int i = 0; i < p.length; i++) {
            p[i] = probs.get(i);
        }
        return new CanaryFile(rows.toArray(new int[0][]), p);
    }
}
