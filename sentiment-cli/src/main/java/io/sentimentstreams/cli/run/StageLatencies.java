package io.sentimentstreams.cli.run;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * inference-service's latency histograms read from its {@code /q/metrics} text: one per hop
 * ({@code sentiment_inference_hop_seconds} summed over channel and model) and the end-to-end one
 * ({@code sentiment_inference_e2e_latency_seconds}); the difference of two scrapes gives the figures of the
 * records labeled in between, and {@link Histogram#quantile} estimates percentiles as Prometheus'
 * {@code histogram_quantile} does.
 */
public final class StageLatencies {

    public static final String HOP_METRIC = "sentiment_inference_hop_seconds";
    public static final String E2E_METRIC = "sentiment_inference_e2e_latency_seconds";
    /** The hop tag values in pipeline order (as {@code StageTimes.Hop#tag}). */
    public static final List<String> HOPS = List.of("ingest_to_raw", "raw_to_encoded", "encoded_to_labeled");

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final Map<String, Histogram> hops;
    private final Histogram endToEnd;

    private StageLatencies(final Map<String, Histogram> hops, final Histogram endToEnd) {
        this.hops = hops;
        this.endToEnd = endToEnd;
    }

    /** The histograms in one scrape, restricted to the samples whose labels include every {@code key=value} given. */
    public static StageLatencies parse(final String prometheusText, final String... labelFilter) {
        final Map<String, Builder> hopBuilders = new LinkedHashMap<>();
        final Builder e2e = new Builder();
        for (final String raw : prometheusText.split("\n")) {
            // OpenMetrics exemplars follow the value after " # ": not part of the sample
            final int exemplar = raw.indexOf(" # ");
            final String line = exemplar < 0 ? raw : raw.substring(0, exemplar);
            if (line.startsWith(HOP_METRIC + "_")) {
                final Map<String, String> labels = labels(line);
                if (matches(labels, labelFilter) && labels.containsKey("hop")) {
                    hopBuilders.computeIfAbsent(labels.get("hop"), k -> new Builder())
                            .add(line.substring(HOP_METRIC.length()), labels, value(line));
                }
            } else if (line.startsWith(E2E_METRIC + "_")) {
                final Map<String, String> labels = labels(line);
                if (matches(labels, labelFilter)) {
                    e2e.add(line.substring(E2E_METRIC.length()), labels, value(line));
                }
            }
        }
        final Map<String, Histogram> hops = new LinkedHashMap<>();
        for (final String hop : HOPS) {
            hops.put(hop, hopBuilders.getOrDefault(hop, new Builder()).build());
        }
        return new StageLatencies(hops, e2e.build());
    }

    /** What was recorded between {@code before} and this scrape. */
    public StageLatencies minus(final StageLatencies before) {
        final Map<String, Histogram> h = new LinkedHashMap<>();
        hops.forEach((hop, after) -> h.put(hop, after.minus(before.hops.get(hop))));
        return new StageLatencies(h, endToEnd.minus(before.endToEnd));
    }

    /** Per hop (in pipeline order). */
    public Map<String, Histogram> hops() {
        return hops;
    }

    public Histogram endToEnd() {
        return endToEnd;
    }

    /** Sum of the hops' sums, in seconds: equal to the end-to-end sum when every record carried all its times. */
    public double hopSumSeconds() {
        return hops.values().stream().mapToDouble(Histogram::sum).sum();
    }

    /** One cumulative histogram: upper bounds ascending ({@code +Inf} last), counts, sum and count. */
    public record Histogram(double[] upperBounds, double[] cumulative, double sum, double count) {

        static final Histogram EMPTY = new Histogram(new double[0], new double[0], 0, 0);

        Histogram minus(final Histogram before) {
            if (before == null || before.count == 0) {
                return this;
            }
            final double[] c = new double[cumulative.length];
            for (int i = 0; i < c.length; i++) {
                c[i] = cumulative[i] - before.countAtOrBelow(upperBounds[i]);
            }
            return new Histogram(upperBounds, c, sum - before.sum, count - before.count);
        }

        private double countAtOrBelow(final double bound) {
            for (int i = 0; i < upperBounds.length; i++) {
                if (upperBounds[i] == bound) {
                    return cumulative[i];
                }
            }
            return 0;
        }

        /** Mean in seconds, or NaN without samples. */
        public double mean() {
            return count == 0 ? Double.NaN : sum / count;
        }

        /**
         * The {@code q} quantile in seconds by linear interpolation inside the bucket that holds it (the lower
         * edge of the first bucket is 0); NaN without samples; the largest finite bound when it falls in +Inf.
         */
        public double quantile(final double q) {
            if (count == 0 || upperBounds.length == 0) {
                return Double.NaN;
            }
            final double rank = q * cumulative[cumulative.length - 1];
            for (int i = 0; i < upperBounds.length; i++) {
                if (cumulative[i] >= rank) {
                    if (Double.isInfinite(upperBounds[i])) {
                        return i == 0 ? Double.NaN : upperBounds[i - 1];
                    }
                    final double lower = i == 0 ? 0 : upperBounds[i - 1];
                    final double below = i == 0 ? 0 : cumulative[i - 1];
                    final double inBucket = cumulative[i] - below;
                    return inBucket <= 0 ? upperBounds[i] : lower + (upperBounds[i] - lower) * (rank - below) / inBucket;
                }
            }
            return upperBounds[upperBounds.length - 1];
        }
    }

    /** Sums the label sets of one histogram (buckets by {@code le}). */
    private static final class Builder {
        private final TreeMap<Double, Double> buckets = new TreeMap<>();
        private double sum;
        private double count;

        void add(final String suffix, final Map<String, String> labels, final double v) {
            if (suffix.startsWith("_bucket") && labels.containsKey("le")) {
                final String le = labels.get("le");
                buckets.merge(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), v, Double::sum);
            } else if (suffix.startsWith("_sum")) {
                sum += v;
            } else if (suffix.startsWith("_count")) {
                count += v;
            }
        }

        Histogram build() {
            if (buckets.isEmpty()) {
                return new Histogram(new double[0], new double[0], sum, count);
            }
            final double[] b = new double[buckets.size()];
            final double[] c = new double[buckets.size()];
            int i = 0;
            for (final Map.Entry<Double, Double> e : buckets.entrySet()) {
                b[i] = e.getKey();
                c[i] = e.getValue();
                i++;
            }
            return new Histogram(b, c, sum, count);
        }
    }

    private static boolean matches(final Map<String, String> labels, final String... filter) {
        for (final String f : filter) {
            final int eq = f.indexOf('=');
            if (!f.substring(eq + 1).equals(labels.get(f.substring(0, eq)))) {
                return false;
            }
        }
        return true;
    }

    private static Map<String, String> labels(final String line) {
        final Map<String, String> m = new LinkedHashMap<>();
        final int open = line.indexOf('{');
        final int close = line.lastIndexOf('}');
        if (open < 0 || close < open) {
            return m;
        }
        final Matcher matcher = LABEL.matcher(line.substring(open + 1, close));
        while (matcher.find()) {
            m.put(matcher.group(1), matcher.group(2));
        }
        return m;
    }

    private static double value(final String line) {
        final int close = line.lastIndexOf('}');
        final String rest = close >= 0 ? line.substring(close + 1) : line.substring(line.indexOf(' ') + 1);
        // a timestamp may follow the value
        return Double.parseDouble(rest.trim().split("\\s+")[0]);
    }

    /** For messages: hop p50/p99 in ms. */
    @Override
    public String toString() {
        final List<String> parts = new ArrayList<>();
        hops.forEach((hop, h) -> parts.add(String.format("%s p50 %.1f p99 %.1f ms", hop, 1000 * h.quantile(0.5),
                1000 * h.quantile(0.99))));
        return String.join(", ", parts);
    }
}
