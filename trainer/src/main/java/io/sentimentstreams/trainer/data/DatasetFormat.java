package io.sentimentstreams.trainer.data;

import java.util.Locale;

/** The corpus layouts the trainer reads. */
public enum DatasetFormat {
    /** {@code label<TAB>text<TAB>id} with a header line (the shared IMDB TSV). */
    IMDB,
    /** The aclImdb directory ({@code pos/*.txt}, {@code neg/*.txt} under the given split directory). */
    ACLIMDB,
    /** NSMC {@code id<TAB>document<TAB>label} with a header; split on TAB only, quotes are literal text. */
    NSMC,
    /** Generic TSV with a header; columns chosen by {@code --text-col}/{@code --label-col}. */
    TSV,
    /** Generic RFC 4180 CSV with a header (quoted fields may hold commas, quotes and newlines). */
    CSV,
    /** One JSON object per line; fields chosen by {@code --text-col}/{@code --label-col}. */
    JSONL;

    public static DatasetFormat parse(final String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IllegalArgumentException("unknown dataset format '" + s
                    + "' (imdb, aclimdb, nsmc, tsv, csv or jsonl)");
        }
    }
}
