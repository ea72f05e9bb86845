package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * docker-compose.yml: accepted by {@code docker-compose config -q}, every long-running service has a
 * health check and every one-shot exits for its dependents, images pinned, build contexts present,
 * Prometheus and Grafana wired to deploy/, no inline secrets.
 */
class ComposeFileTest {

    static final String INSTALL = "apt-get update && apt-get install -y docker-compose";
    private static final Pattern SECRET_LIKE = Pattern.compile("(?i).*(PASSWORD|SECRET|TOKEN|JAAS|CREDENTIAL|API_KEY).*");
    private static final Pattern PINNED = Pattern.compile("^[^:@\\s]+(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})(@sha256:[0-9a-f]{64})?$");

    /** The compose file with anchors, aliases and merge keys resolved (SnakeYAML), as a Jackson tree. */
    static JsonNode compose() {
        final LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        final Object loaded = new Yaml(options).load(RepoFiles.read(RepoFiles.path("docker-compose.yml")));
        return RepoFiles.JSON.valueToTree(loaded);
    }

    @Test
    void dockerComposeConfigAcceptsTheFile() throws Exception {
        Assumptions.assumeTrue(PrometheusFilesTest.onPath("docker-compose"),
                "docker-compose is not installed; install it with: " + INSTALL + " (.ci/run does)");
        final Process p = new ProcessBuilder("docker-compose", "-f", "docker-compose.yml", "config", "-q")
                .directory(RepoFiles.root().toFile()).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("docker-compose -f docker-compose.yml config -q:%n%s", out).isZero();
    }

    @Test
    void longRunningServicesHaveHealthChecksAndOneShotsExitForTheirDependents() {
        final JsonNode services = compose().path("services");
        final List<String> errors = new ArrayList<>();
        for (final Iterator<Map.Entry<String, JsonNode>> it = services.fields(); it.hasNext(); ) {
            final Map.Entry<String, JsonNode> s = it.next();
            final JsonNode hc = s.getValue().path("healthcheck");
            final boolean healthChecked = hc.path("test").isArray() && hc.path("test").size() > 1
                    && !hc.path("test").get(0).asText().equals("NONE") && !hc.path("disable").asBoolean(false);
            final boolean oneShot = s.getValue().path("restart").asText("").equals("no");
            if (!healthChecked && !oneShot) {
                errors.add(s.getKey() + ": no health check (and not a one-shot with restart: \"no\")");
            }
            for (final Iterator<Map.Entry<String, JsonNode>> deps = s.getValue().path("depends_on").fields(); deps.hasNext(); ) {
                final Map.Entry<String, JsonNode> dep = deps.next();
                final String condition = dep.getValue().path("condition").asText("service_started");
                final JsonNode target = services.path(dep.getKey());
                if (target.isMissingNode()) {
                    errors.add(s.getKey() + ": depends on unknown service " + dep.getKey());
                } else if (target.path("restart").asText("").equals("no") && !condition.equals("service_completed_successfully")) {
                    errors.add(s.getKey() + ": waits for one-shot " + dep.getKey() + " with " + condition
                            + " instead of service_completed_successfully");
                } else if (condition.equals("service_healthy") && target.path("healthcheck").isMissingNode()) {
                    errors.add(s.getKey() + ": waits for " + dep.getKey() + " to be healthy, but it has no health check");
                }
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void everyImageTagIsPinned() {
        final List<String> errors = new ArrayList<>();
        compose().path("services").fields().forEachRemaining(s -> {
            final String image = s.getValue().path("image").asText("");
            if (image.isEmpty()) {
                errors.add(s.getKey() + ": no image (built services name theirs too, with the release tag)");
            } else if (!PINNED.matcher(image).matches() || image.endsWith(":latest")) {
                errors.add(s.getKey() + ": image '" + image + "' is not pinned to an explicit tag (never :latest)");
            }
        });
        assertThat(errors).isEmpty();
    }

    @Test
    void buildContextsAndDockerfilesExist() {
        final List<String> errors = new ArrayList<>();
        compose().path("services").fields().forEachRemaining(s -> {
            final JsonNode build = s.getValue().path("build");
            if (build.isMissingNode()) {
                return;
            }
            final Path context = RepoFiles.root().resolve(build.isTextual() ? build.asText() : build.path("context").asText(".")).normalize();
            final Path dockerfile = context.resolve(build.path("dockerfile").asText("Dockerfile"));
            if (!Files.isDirectory(context)) {
                errors.add(s.getKey() + ": build context " + context + " does not exist");
            } else if (!Files.isRegularFile(dockerfile)) {
                errors.add(s.getKey() + ": " + RepoFiles.root().relativize(dockerfile) + " does not exist");
            } else if (!Files.isRegularFile(context.resolve(".dockerignore"))) {
                errors.add(s.getKey() + ": no .dockerignore in its build context " + RepoFiles.root().relativize(context)
                        + " (the context would carry target/ and .sentiment/ whole)");
            }
        });
        assertThat(errors).as("docker-compose builds").isEmpty();
    }

    @Test
    void noSecretIsWrittenIntoTheFile() {
        final List<String> errors = new ArrayList<>();
        compose().path("services").fields().forEachRemaining(s -> s.getValue().path("environment").fields().forEachRemaining(e -> {
            if (SECRET_LIKE.matcher(e.getKey()).matches() && !e.getValue().asText().matches("\\$\\{[A-Za-z_][A-Za-z0-9_]*(:?[-?][^}]*)?}")) {
                errors.add(s.getKey() + ": " + e.getKey() + " has a literal value; take it from the caller's environment (${VAR})");
            }
        }));
        assertThat(errors).isEmpty();
    }

    @Test
    void prometheusScrapesEveryServiceOnItsPortAndGrafanaLoadsTheDashboards() {
        final JsonNode compose = compose();
        final JsonNode prom = RepoFiles.readYaml(RepoFiles.path("deploy/prometheus/prometheus.yml"));
        final List<String> errors = new ArrayList<>();
        for (final String service : MetricNamesTest.SERVICES) {
            final String port = compose.at("/services/" + service + "/environment/QUARKUS_HTTP_PORT").asText("");
            JsonNode job = null;
            for (final JsonNode j : prom.path("scrape_configs")) {
                if (j.path("job_name").asText().equals(service)) {
                    job = j;
                }
            }
            if (port.isEmpty()) {
                errors.add(service + ": compose sets no QUARKUS_HTTP_PORT");
            }
            if (job == null) {
                errors.add("prometheus.yml has no job " + service);
                continue;
            }
            if (!job.path("metrics_path").asText().equals("/q/metrics")) {
                errors.add("job " + service + ": metrics_path must be /q/metrics");
            }
            if (!job.at("/static_configs/0/targets").toString().contains("\"" + service + ":" + port + "\"")) {
                errors.add("job " + service + ": target is not " + service + ":" + port + " (" + job.at("/static_configs/0/targets") + ")");
            }
            if (!job.at("/static_configs/0/labels/service").asText().equals(service)) {
                errors.add("job " + service + ": the dashboards need a service=" + service + " label");
            }
        }
        final String configFile = compose.at("/services/prometheus/command").toString();
        if (!compose.at("/services/prometheus/volumes").toString().contains("./deploy/prometheus:/etc/prometheus/sentiment")
                || !configFile.contains("/etc/prometheus/sentiment/prometheus.yml")) {
            errors.add("prometheus: must mount ./deploy/prometheus at /etc/prometheus/sentiment and load prometheus.yml from there");
        }
        final JsonNode provider = RepoFiles.readYaml(RepoFiles.path("deploy/grafana/provisioning/dashboards/sentiment.yml"));
        final String dashboardsPath = provider.at("/providers/0/options/path").asText();
        if (!compose.at("/services/grafana/volumes").toString().contains("./deploy/grafana/dashboards:" + dashboardsPath)) {
            errors.add("grafana: the dashboard provider reads " + dashboardsPath + ", where deploy/grafana/dashboards is not mounted");
        }
        final JsonNode ds = RepoFiles.readYaml(RepoFiles.path("deploy/grafana/provisioning/datasources/prometheus.yml"));
        if (!ds.at("/datasources/0/url").asText().equals("http://prometheus:9090")) {
            errors.add("grafana data source does not point at the prometheus service");
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void oneShotsAreNotRestarted() {
        for (final String oneShot : Set.of("kafka-topics", "model-publisher")) {
            assertThat(compose().at("/services/" + oneShot + "/restart").asText()).as(oneShot).isEqualTo("no");
        }
    }
}
