package io.sentimentstreams.ingest.validation;

import java.util.List;

/** The outcome of validating one item: the accepted envelope, or every violation found in it. */
public record ItemResult(ReviewInput input, List<Violation> violations) {

    public ItemResult {
        violations = List.copyOf(violations);
        if ((input == null) == violations.isEmpty()) {
            throw new IllegalArgumentException("exactly one of input and violations must be given");
        }
    }

    public static ItemResult valid(final ReviewInput input) {
        return new ItemResult(input, List.of());
    }

    public static ItemResult invalid(final List<Violation> violations) {
        return new ItemResult(null, violations);
    }

    public boolean isValid() {
        return input != null;
    }
}
