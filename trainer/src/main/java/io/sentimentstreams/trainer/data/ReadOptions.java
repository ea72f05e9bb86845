package io.sentimentstreams.trainer.data;

/**
 * How to read a corpus.
 *
 * @param format   the layout
 * @param textCol  column (TSV/CSV header name or 0-based number) or JSON field of the text; null: "text"
 * @param labelCol column or field of the label (0/1); null: "label"
 * @param idCol    column or field of the id; null: "id" when present, else the line number
 * @param strict   fail on the first bad row instead of skipping and counting it
 */
public record ReadOptions(DatasetFormat format, String textCol, String labelCol, String idCol, boolean strict) {

    public static ReadOptions of(final DatasetFormat format) {
        return new ReadOptions(format, null, null, null, false);
    }

    public ReadOptions strict(final boolean s) {
        return new ReadOptions(format, textCol, labelCol, idCol, s);
    }

    public ReadOptions columns(final String text, final String label) {
        return new ReadOptions(format, text, label, idCol, strict);
    }
}
