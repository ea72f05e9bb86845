package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Every metric a dashboard or alert reads must be exported by a real service: the names come from
 * /q/metrics bodies that each service's @QuarkusTest writes to {@code <service>/target/metrics-scrape*.txt}
 * while the service runs against the embedded broker, not from a hand-written list. Skips, naming the
 * missing files, when no service test has written one (e.g. {@code -pl deploy-validation} alone).
 */
class MetricNamesTest {

    static final List<String> SERVICES = List.of("ingest-service", "preprocess-service", "inference-service");
    /** Series that no service exports by design, and who produces them instead. */
    static final Map<String, String> NOT_FROM_SERVICES = Map.of(
            "up", "Prometheus itself (scrape health)",
            "ALERTS", "Prometheus itself (alert state)",
            "kafka_consumergroup_lag", "Kafka Exporter (Strimzi spec.kafkaExporter; compose service kafka-exporter)");
    static final String DUMP_LINE = "Files.writeString(Path.of(\"target/metrics-scrape-\" + getClass().getSimpleName() + \".txt\"), "
            + "given().get(\"/q/metrics\").asString());";

    @Test
    void everyMetricInDashboardsAndAlertsIsExportedByAService() throws IOException {
        final Map<String, Set<String>> exported = new LinkedHashMap<>();
        final List<String> missingDumps = new ArrayList<>();
        for (final String service : SERVICES) {
            final Set<String> names = scrapedNames(RepoFiles.path(service + "/target"));
            if (names.isEmpty()) {
                missingDumps.add(service);
            } else {
                exported.put(service, names);
            }
        }
        Assumptions.assumeFalse(exported.isEmpty(), "no /q/metrics dump found under {ingest,preprocess,inference}-service/target/"
                + "metrics-scrape*.txt: run the services' tests first (mvn verify runs them before this module); each "
                + "service @QuarkusTest writes its dump in an @AfterEach with: " + DUMP_LINE);

        final Map<String, List<String>> referencedBy = new TreeMap<>();
        for (final Queries.Query q : Queries.all()) {
            for (final String name : PromQl.metricNames(q.expr())) {
                referencedBy.computeIfAbsent(name, k -> new ArrayList<>()).add(q.where());
            }
        }
        final Set<String> union = new TreeSet<>();
        exported.values().forEach(union::addAll);
        final List<String> missing = new ArrayList<>();
        final List<String> unverified = new ArrayList<>();
        for (final Map.Entry<String, List<String>> e : referencedBy.entrySet()) {
            final String name = e.getKey();
            if (NOT_FROM_SERVICES.containsKey(name)) {
                continue;
            }
            final String owner = owner(name);
            final Set<String> searched = owner == null ? union : exported.get(owner);
            if (searched == null) {
                unverified.add(name + " (" + owner + " wrote no dump)");
            } else if (!searched.contains(name)) {
                missing.add(name + " — not in " + (owner == null ? "any service's" : owner + "'s") + " /q/metrics; used by "
                        + e.getValue() + nearMatches(name, searched));
            }
        }
        assertThat(missing).as("metrics referenced by deploy/ that the services do not export "
                + "(a meter registered only on first use is missing until a test exercises it)").isEmpty();
        Assumptions.assumeTrue(unverified.isEmpty(), "verified against " + exported.keySet() + "; not verifiable without dumps from "
                + missingDumps + ": " + unverified);
    }

    /** The service whose dump must contain {@code name}, or null for names any service exports (jvm_*, process_*). */
    static String owner(final String name) {
        for (final String service : SERVICES) {
            if (name.startsWith("sentiment_" + service.substring(0, service.indexOf('-')) + "_")) {
                return service;
            }
        }
        return null;
    }

    /** Series names in Prometheus text exposition format (lines that are not comments). */
    static Set<String> parseExposition(final String body) {
        final Set<String> names = new TreeSet<>();
        for (final String line : body.split("\n")) {
            final String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int end = 0;
            while (end < l.length() && l.charAt(end) != '{' && l.charAt(end) != ' ') {
                end++;
            }
            names.add(l.substring(0, end));
        }
        return names;
    }

    private static Set<String> scrapedNames(final Path target) throws IOException {
        final Set<String> names = new TreeSet<>();
        if (!Files.isDirectory(target)) {
            return names;
        }
        try (Stream<Path> files = Files.list(target)) {
            for (final Path f : files.filter(p -> p.getFileName().toString().matches("metrics-scrape.*\\.txt")).toList()) {
                names.addAll(parseExposition(Files.readString(f)));
            }
        }
        return names;
    }

    private static String nearMatches(final String name, final Set<String> exported) {
        final String stem = name.replaceAll("_(bucket|count|sum|total|seconds|max)$", "");
        final String base = stem.lastIndexOf('_') > 0 ? stem.substring(0, stem.lastIndexOf('_')) : stem;
        final List<String> near = exported.stream().filter(n -> n.startsWith(base)).limit(8).toList();
        return near.isEmpty() ? "" : "; exported names starting " + base + ": " + near;
    }

    @Test
    void expositionParsingKeepsSeriesNamesOnly() {
        assertThat(parseExposition("""
                # HELP sentiment_inference_score P(positive)
                # TYPE sentiment_inference_score histogram
                sentiment_inference_score_bucket{model="imdb-en",le="0.1"} 3.0
                sentiment_inference_score_count{model="imdb-en"} 7.0
                process_uptime_seconds 12.5
                """)).containsExactly("process_uptime_seconds", "sentiment_inference_score_bucket", "sentiment_inference_score_count");
    }
}
