package io.sentimentstreams.ingest.validation;

import java.util.List;

/**
 * The outcome of validating one item: the accepted envelope, or every violation found in it together with
 * the id the item declared when that id itself was readable and valid (so a refusal can name the review).
 */
public record ItemResult(ReviewInput input, List<Violation> violations, String declaredId) {

    public ItemResult {
        violations = List.copyOf(violations);
        if ((input == null) == violations.isEmpty()) {
            throw new IllegalArgumentException("exactly one of input and violations must be given");
        }
    }

    public static ItemResult valid(final ReviewInput input) {
        return new ItemResult(input, List.of(), input.id());
    }

    public static ItemResult invalid(final List<Violation> violations) {
        return new ItemResult(null, violations, null);
    }

    public static ItemResult invalid(final List<Violation> violations, final String declaredId) {
        return new ItemResult(null, violations, declaredId);
    }

    public boolean isValid() {
        return input != null;
    }
}
