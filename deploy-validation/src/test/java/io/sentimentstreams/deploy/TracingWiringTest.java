package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Traces reach a backend wherever tracing is on: in docker-compose every service exports OTLP/HTTP to a service of
 * the file that accepts it, which Grafana has as a data source; in the Kubernetes base every service takes the
 * collector address from the sentiment-tracing ConfigMap.
 */
class TracingWiringTest {

    private static final String TRACING_CONFIG_MAP = "deploy/k8s/base/043-ConfigMap-sentiment-tracing.yaml";

    @Test
    void composeServicesExportToTheJaegerOfTheFileAndGrafanaReadsIt() {
        final JsonNode services = ComposeFileTest.compose().path("services");
        final List<String> errors = new ArrayList<>();
        for (final String service : MetricNamesTest.SERVICES) {
            final JsonNode env = services.path(service).path("environment");
            if (!env.path("QUARKUS_OTEL_SDK_DISABLED").asText("").equals("false")) {
                errors.add(service + ": QUARKUS_OTEL_SDK_DISABLED is not \"false\"");
            }
            final URI endpoint = URI.create(env.path("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT").asText("missing:"));
            final JsonNode backend = services.path(String.valueOf(endpoint.getHost()));
            if (backend.isMissingNode()) {
                errors.add(service + ": OTLP endpoint " + endpoint + " names no service of the file");
            } else if (endpoint.getPort() != 4318 || !backend.path("environment").path("COLLECTOR_OTLP_ENABLED")
                    .asText("").equals("true")) {
                errors.add(service + ": " + endpoint + " is not the OTLP/HTTP port (4318) of a receiver with OTLP on");
            }
        }
        assertThat(errors).isEmpty();
        final JsonNode sources = RepoFiles.readYaml(RepoFiles.path("deploy/grafana/provisioning/datasources/prometheus.yml"))
                .path("datasources");
        assertThat(sources).anySatisfy(ds -> {
            assertThat(ds.path("type").asText()).isEqualTo("jaeger");
            assertThat(services.has(URI.create(ds.path("url").asText()).getHost())).isTrue();
        });
    }

    @Test
    void kubernetesServicesTakeTheCollectorAddressFromOneConfigMap() {
        final JsonNode map = RepoFiles.readYaml(RepoFiles.path(TRACING_CONFIG_MAP));
        final String name = map.path("metadata").path("name").asText();
        final JsonNode data = map.path("data");
        assertThat(data.path("QUARKUS_OTEL_SDK_DISABLED").asText()).isEqualTo("false");
        assertThat(URI.create(data.path("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT").asText()).getPort()).isEqualTo(4318);
        assertThat(RepoFiles.read(RepoFiles.path("deploy/k8s/base/kustomization.yaml")))
                .contains(TRACING_CONFIG_MAP.substring(TRACING_CONFIG_MAP.lastIndexOf('/') + 1));
        final String[] deployments = {"060-Deployment-ingest-service.yaml", "061-Deployment-preprocess-service.yaml",
                "062-Deployment-inference-service.yaml"};
        for (final String file : deployments) {
            final JsonNode container = RepoFiles.readYaml(RepoFiles.path("deploy/k8s/base/" + file))
                    .at("/spec/template/spec/containers/0");
            assertThat(container.path("envFrom")).as(file)
                    .anySatisfy(from -> assertThat(from.at("/configMapRef/name").asText()).isEqualTo(name));
        }
    }
}
