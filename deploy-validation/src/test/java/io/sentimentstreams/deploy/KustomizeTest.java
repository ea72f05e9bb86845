package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Java Kustomize renderer: its features on small fixtures, and agreement with kubectl on deploy/k8s. */
class KustomizeTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"deploy/k8s/base", "deploy/k8s/overlays/dev", "deploy/k8s/overlays/prod",
            "deploy/k8s/overlays/prefixed"})
    void rendersLikeKubectlKustomize(final String relative) throws Exception {
        final Path kustomization = RepoFiles.path(relative);
        final String kubectl = kubectlOutput(kustomization);
        Assumptions.assumeTrue(kubectl != null,
                "kubectl (with its built-in kustomize) is not installed; the Java renderer is checked on fixtures only");
        final Map<String, JsonNode> expected = byId(RepoFiles.parseYamlDocuments(kubectl, "kubectl kustomize " + relative));
        final Map<String, JsonNode> actual = byId(Kustomize.build(kustomization).stream()
                .map(r -> (JsonNode) r.object()).toList());
        assertThat(actual.keySet()).as("objects rendered by the Java renderer vs kubectl kustomize")
                .containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (final Map.Entry<String, JsonNode> e : expected.entrySet()) {
            assertThat(actual.get(e.getKey())).as("rendered %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void strategicMergeMergesContainersByNameAndKeepsTheOthers() throws IOException {
        write("base/kustomization.yaml", "resources: [deploy.yaml]\n");
        write("base/deploy.yaml", webDeployment(
                "{name: app, image: example/app:1.0, env: [{name: A, value: \"1\"}]}",
                "{name: sidecar, image: example/sidecar:2.0}"));
        write("overlay/kustomization.yaml", """
                resources: [../base]
                namespace: team
                patches: [{path: patch.yaml}]
                images: [{name: example/app, newTag: "1.1"}]
                replicas: [{name: web, count: 3}]
                labels: [{pairs: {tier: web}, includeTemplates: true}]
                """);
        write("overlay/patch.yaml", webDeployment("{name: app, env: [{name: B, value: \"2\"}]}"));
        final List<Kustomize.Rendered> out = Kustomize.build(dir.resolve("overlay"));
        assertThat(out).hasSize(1);
        final JsonNode d = out.get(0).object();
        assertThat(d.at("/metadata/namespace").asText()).isEqualTo("team");
        assertThat(d.at("/metadata/labels/tier").asText()).isEqualTo("web");
        assertThat(d.at("/spec/template/metadata/labels/tier").asText()).isEqualTo("web");
        assertThat(d.at("/spec/replicas").asInt()).isEqualTo(3);
        final JsonNode containers = d.at("/spec/template/spec/containers");
        assertThat(containers).hasSize(2);
        assertThat(containers.get(0).path("image").asText()).isEqualTo("example/app:1.1");
        assertThat(containers.get(0).path("env").findValuesAsText("name")).containsExactly("A", "B");
        assertThat(containers.get(1).path("image").asText()).isEqualTo("example/sidecar:2.0");
    }

    @Test
    void customResourcePatchReplacesListsAndRenamesTheNamespaceObject() throws IOException {
        write("kustomization.yaml", """
                namespace: other
                resources: [pool.yaml, ns.yaml]
                patches:
                  - patch: |
                      apiVersion: kafka.strimzi.io/v1beta2
                      kind: KafkaNodePool
                      metadata: {name: any}
                      spec: {roles: [broker]}
                    target: {kind: KafkaNodePool}
                """);
        write("pool.yaml", """
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaNodePool
                metadata: {name: pool}
                spec: {replicas: 3, roles: [controller, broker]}
                """);
        write("ns.yaml", "apiVersion: v1\nkind: Namespace\nmetadata: {name: first}\n");
        final List<Kustomize.Rendered> out = Kustomize.build(dir);
        assertThat(out.get(0).object().at("/spec/roles").toString()).isEqualTo("[\"broker\"]");
        assertThat(out.get(0).object().at("/metadata/name").asText()).isEqualTo("pool");
        assertThat(out.get(1).object().at("/metadata/name").asText()).isEqualTo("other");
        assertThat(out.get(1).object().at("/metadata/namespace").isMissingNode()).isTrue();
    }

    @Test
    void refusesFeaturesItDoesNotImplement() throws IOException {
        write("kustomization.yaml", "resources: []\nsecretGenerator: [{name: x, literals: [a=b]}]\n");
        assertThatThrownBy(() -> Kustomize.build(dir))
                .hasMessageContaining("kustomization field 'secretGenerator' is not supported");
        write("kustomization.yaml", "resources: []\ngeneratorOptions: {disableNameSuffixHash: true}\n"
                + "configMapGenerator: [{name: x, literals: [a=b]}]\n");
        assertThatThrownBy(() -> Kustomize.build(dir))
                .hasMessageContaining("configMapGenerator field 'literals' is not supported");
        write("kustomization.yaml", "resources: []\nconfigMapGenerator: [{name: x, files: [a.json]}]\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("needs disableNameSuffixHash: true");
    }

    @Test
    void configMapGeneratorReadsFilesAndMergesOptionsUnderTheNamespace() throws IOException {
        write("gen/kustomization.yaml", "generatorOptions: {disableNameSuffixHash: true, labels: {a: '1'}}\n"
                + "configMapGenerator: [{name: dash, files: [d/one.json, renamed.json=d/two.json],"
                + " options: {annotations: {f: Folder}}}]\n");
        write("gen/d/one.json", "{\"one\": 1}\n");
        write("gen/d/two.json", "{\"two\": 2}\n");
        write("kustomization.yaml", "namespace: ns\nresources: [gen]\n");
        final List<Kustomize.Rendered> out = Kustomize.build(dir);
        assertThat(out).hasSize(1);
        final JsonNode cm = out.get(0).object();
        assertThat(cm.at("/metadata/name").asText()).isEqualTo("dash");
        assertThat(cm.at("/metadata/namespace").asText()).isEqualTo("ns");
        assertThat(cm.at("/metadata/labels/a").asText()).isEqualTo("1");
        assertThat(cm.at("/metadata/annotations/f").asText()).isEqualTo("Folder");
        assertThat(cm.at("/data/one.json").asText()).isEqualTo("{\"one\": 1}\n");
        assertThat(cm.at("/data/renamed.json").asText()).isEqualTo("{\"two\": 2}\n");
    }

    @Test
    void aPatchThatMatchesNothingFails() throws IOException {
        write("kustomization.yaml", "resources: [cm.yaml]\npatches: [{path: p.yaml}]\n");
        write("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n");
        write("p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: w}\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("patch matches no resource (ConfigMap/b)");
    }

    /** A Deployment named {@code web} whose pod template has the given containers (flow-style YAML). */
    @Test
    void replacementsPrefixEveryListItemAndTheLocalConfigSourceIsLeftOut() throws Exception {
        write("kustomization.yaml", """
                resources: [objects.yaml]
                replacements:
                  - source: {kind: ConfigMap, name: values, fieldPath: data.name}
                    targets:
                      - select: {kind: KafkaUser}
                        fieldPaths: [spec.acls.*.name]
                        options: {delimiter: ".", index: -1}
                      - select: {kind: ConfigMap, name: app}
                        fieldPaths: [data.PREFIX, data.SUFFIXED]
                        options: {delimiter: ".", index: 5}
                      - select: {kind: ConfigMap, name: app}
                        fieldPaths: [data.NEW]
                        options: {create: true}
                """);
        write("objects.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: values
                  annotations: {config.kubernetes.io/local-config: "true"}
                data: {name: team-a}
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: app}
                data: {PREFIX: "", SUFFIXED: "a.b"}
                ---
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaUser
                metadata: {name: u}
                spec:
                  acls: [{name: reviews.raw}, {name: sentiment-}]
                """);
        final Map<String, JsonNode> out = byId(Kustomize.build(dir).stream().map(r -> (JsonNode) r.object()).toList());
        assertThat(out).containsOnlyKeys("ConfigMap//app", "KafkaUser//u");
        assertThat(out.get("KafkaUser//u").at("/spec/acls").findValuesAsText("name"))
                .containsExactly("team-a.reviews.raw", "team-a.sentiment-");
        final JsonNode data = out.get("ConfigMap//app").path("data");
        assertThat(data.path("PREFIX").asText()).isEqualTo(".team-a");
        assertThat(data.path("SUFFIXED").asText()).isEqualTo("a.b.team-a");
        assertThat(data.path("NEW").asText()).isEqualTo("team-a");
        final String kubectl = kubectlOutput(dir);
        if (kubectl != null) {
            assertThat(byId(RepoFiles.parseYamlDocuments(kubectl, "kubectl kustomize")))
                    .as("kubectl kustomize agrees").isEqualTo(out);
        }
    }

    @Test
    void aReplacementTargetFieldThatDoesNotExistFails() throws IOException {
        write("kustomization.yaml", """
                resources: [objects.yaml]
                replacements:
                  - source: {kind: ConfigMap, name: a, fieldPath: data.x}
                    targets: [{select: {kind: ConfigMap, name: a}, fieldPaths: [data.missing]}]
                """);
        write("objects.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {x: \"1\"}\n");
        assertThatThrownBy(() -> Kustomize.build(dir)).hasMessageContaining("unable to find field \"data.missing\"");
    }

    private static String webDeployment(final String... containers) {
        final StringBuilder yaml = new StringBuilder("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web}
                spec:
                  template:
                    spec:
                      containers:
                """);
        for (final String c : containers) {
            yaml.append("        - ").append(c).append('\n');
        }
        return yaml.toString();
    }

        private void write(final String relative, final String text) throws IOException {
        final Path p = dir.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    private static Map<String, JsonNode> byId(final List<JsonNode> objects) {
        return objects.stream().collect(Collectors.toMap(
                o -> o.path("kind").asText() + "/" + o.at("/metadata/namespace").asText("") + "/" + o.at("/metadata/name").asText(),
                o -> o, (a, b) -> {
                    throw new IllegalStateException("duplicate object " + a);
                }, TreeMap::new));
    }

    /** {@code kubectl kustomize DIR}, or null when kubectl is not installed or has no kustomize. */
    static String kubectlOutput(final Path kustomization) throws IOException, InterruptedException {
        final Process p;
        try {
            p = new ProcessBuilder("kubectl", "kustomize", kustomization.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException notInstalled) {
            return null;
        }
        final byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return null;
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException("kubectl kustomize " + kustomization + " failed with exit " + p.exitValue());
        }
        return new String(out, java.nio.charset.StandardCharsets.UTF_8);
    }
}
