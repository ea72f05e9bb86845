/**
 * W3C trace context ({@code traceparent}, {@code tracestate}) in Kafka record headers and the spans the
 * stages open for a review: {@link io.sentimentstreams.tracing.RecordTracing}, the one place every service
 * extracts and injects it. Only the OpenTelemetry API: the SDK and exporter come with the service.
 */
package io.sentimentstreams.tracing;
