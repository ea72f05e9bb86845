package io.sentimentstreams.trainer.data;

import java.util.List;

/**
 * The readable rows of one corpus file (or directory), the rows that were skipped and why, and the
 * identity of the source: path, sha256 of its bytes as stored (for a directory: of its sorted file list
 * and contents), and how many data rows it had in total.
 */
public record Dataset(String path, String sha256, List<LabeledText> rows, List<BadRow> badRows, long rowsRead) {

    public long positives() {
        return rows.stream().filter(r -> r.label() == 1).count();
    }

    /** A short human summary: rows, balance, skipped rows with the first few reasons. */
    public String summary() {
        final StringBuilder sb = new StringBuilder();
        sb.append(path).append(": ").append(rows.size()).append(" rows (").append(positives())
                .append(" positive)");
        if (!badRows.isEmpty()) {
            sb.append(", ").append(badRows.size()).append(" skipped: ");
            sb.append(String.join("; ", badRows.stream().limit(5).map(BadRow::toString).toList()));
            if (badRows.size() > 5) {
                sb.append("; ...");
            }
        }
        return sb.toString();
    }
}
