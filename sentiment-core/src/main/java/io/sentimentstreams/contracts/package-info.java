/**
 * The event contracts that travel between services: {@link io.sentimentstreams.contracts.Review},
 * {@link io.sentimentstreams.contracts.EncodedReview}, {@link io.sentimentstreams.contracts.LabeledReview}
 * and {@link io.sentimentstreams.contracts.DeadLetter}, all JSON with a {@code schema} version field.
 * JSON Schemas for producers in other languages live in {@code docs/schemas/}.
 */
package io.sentimentstreams.contracts;
