package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus: promtool accepts the scrape config and the alert rules and passes the rules' unit
 * tests; the Kubernetes PrometheusRule is generated from the same alerts.yml; every alert is documented.
 */
class PrometheusFilesTest {

    static final String ALERTS = "deploy/prometheus/alerts.yml";
    static final String PROMETHEUS_RULE = "deploy/k8s/base/102-PrometheusRule-sentiment-alerts.yaml";
    private static final String BANNER = """
            # GENERATED from deploy/prometheus/alerts.yml by deploy-validation (PrometheusFilesTest); do not edit.
            # Regenerate: ./mvnw -pl deploy-validation test -Dtest=PrometheusFilesTest -Dsentiment.deploy.regenerate=true
            """;

    @Test
    void promtoolAcceptsTheConfigTheRulesAndTheirUnitTests() throws Exception {
        Assumptions.assumeTrue(onPath("promtool"), "promtool is not installed (Debian package 'prometheus'); "
                + "the rules are still checked for structure, documentation and metric names by the other tests");
        for (final List<String> cmd : List.of(
                List.of("promtool", "check", "config", "deploy/prometheus/prometheus.yml"),
                List.of("promtool", "check", "rules", ALERTS),
                List.of("promtool", "test", "rules", "deploy/prometheus/tests/alerts-test.yml"))) {
            final Process p = new ProcessBuilder(cmd).directory(RepoFiles.root().toFile()).redirectErrorStream(true).start();
            final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("%s failed:%n%s", String.join(" ", cmd), out).isZero();
        }
    }

    @Test
    void prometheusRuleIsGeneratedFromTheAlertsFile() throws IOException {
        final JsonNode groups = RepoFiles.readYaml(RepoFiles.path(ALERTS)).path("groups");
        final ObjectNode rule = JsonNodeFactory.instance.objectNode();
        rule.put("apiVersion", "monitoring.coreos.com/v1");
        rule.put("kind", "PrometheusRule");
        rule.putObject("metadata").put("name", "sentiment-alerts");
        rule.putObject("spec").set("groups", groups);
        final Path target = RepoFiles.path(PROMETHEUS_RULE);
        if (Boolean.getBoolean("sentiment.deploy.regenerate")) {
            final YAMLMapper yaml = YAMLMapper.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .build();
            Files.writeString(target, BANNER + yaml.writeValueAsString(rule));
        }
        assertThat(RepoFiles.read(target)).as("%s starts with its GENERATED banner", PROMETHEUS_RULE).startsWith(BANNER);
        assertThat(RepoFiles.readYaml(target))
                .as("%s is out of date with %s; regenerate it (see its banner)", PROMETHEUS_RULE, ALERTS)
                .isEqualTo(rule);
    }

    @Test
    void everyAlertHasASeverityASummaryAndASectionInTheOperationsGuide() {
        final String guide = RepoFiles.read(RepoFiles.path("docs/operations.md"));
        final List<String> errors = new ArrayList<>();
        for (final JsonNode group : RepoFiles.readYaml(RepoFiles.path(ALERTS)).path("groups")) {
            for (final JsonNode rule : group.path("rules")) {
                final String name = rule.path("alert").asText();
                if (!Set.of("warning", "critical").contains(rule.at("/labels/severity").asText())) {
                    errors.add(name + ": labels.severity must be warning or critical");
                }
                if (rule.at("/annotations/summary").asText("").isBlank() || rule.at("/annotations/description").asText("").isBlank()) {
                    errors.add(name + ": needs annotations summary and description");
                }
                if (!guide.contains("`" + name + "`")) {
                    errors.add(name + ": not explained in docs/operations.md");
                }
            }
        }
        assertThat(errors).isEmpty();
    }

    static boolean onPath(final String tool) {
        for (final String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
