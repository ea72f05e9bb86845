package io.sentimentstreams.ingest.live;

import io.sentimentstreams.contracts.Label;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.LabeledReview;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The optional {@code lang} and {@code label} query parameters of {@code GET /reviews/stream} in, a predicate
 * on labeled reviews out; a parameter given twice, empty or with an unknown value is refused with the reason.
 */
public record LiveFilter(Lang lang, Label label) {

    public static final String LANG = "lang";
    public static final String LABEL = "label";

    /** Thrown for a query parameter that is not one of the allowed values; the message says which and why. */
    public static final class InvalidFilterException extends Exception {
        InvalidFilterException(final String message) {
            super(message);
        }
    }

    /** Parses the values each parameter had in the query (an empty list when absent). */
    public static LiveFilter parse(final List<String> langs, final List<String> labels) throws InvalidFilterException {
        final String lang = single(LANG, langs, Lang.NAMES);
        final String label = single(LABEL, labels, Arrays.stream(Label.values()).map(Label::name).toList());
        return new LiveFilter(lang == null ? null : Lang.of(lang), label == null ? null : Label.valueOf(label));
    }

    public boolean accepts(final LabeledReview review) {
        return (lang == null || lang == review.lang()) && (label == null || label == review.label());
    }

    private static String single(final String name, final List<String> values, final List<String> allowed)
            throws InvalidFilterException {
        if (values == null || values.isEmpty()) {
            return null;
        }
        final String expected = allowed.stream().map(a -> "'" + a + "'").collect(Collectors.joining(" or "));
        if (values.size() > 1) {
            throw new InvalidFilterException("query parameter " + name + " may be given once, not " + values.size()
                    + " times; use " + expected);
        }
        final String value = values.get(0);
        if (!allowed.contains(value)) {
            throw new InvalidFilterException("query parameter " + name + " must be " + expected + ", not '"
                    + cut(value) + "'");
        }
        return value;
    }

    private static String cut(final String value) {
        return value.length() <= 32 ? value : value.substring(0, 32) + "...";
    }
}
