package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The services' src/main/docker/Dockerfile.jvm (written by each service's owner) and the trainer's: pinned
 * base images, COPY sources that match what the build produces (Quarkus fast-jar in target/quarkus-app/),
 * a non-root USER, and one HTTP port per service agreed by application.properties, the Dockerfile,
 * docker-compose and the Kubernetes manifests; the inference JVM always gets the Vector API module.
 */
class DockerfileTest {

    record Instruction(String keyword, String args) {
    }

    static Stream<String> services() {
        return MetricNamesTest.SERVICES.stream();
    }

    static List<Instruction> parse(final Path dockerfile) throws IOException {
        final List<Instruction> out = new ArrayList<>();
        final StringBuilder logical = new StringBuilder();
        for (final String raw : Files.readAllLines(dockerfile)) {
            final String line = raw.strip();
            if (logical.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
                continue;
            }
            if (line.endsWith("\\")) {
                logical.append(line, 0, line.length() - 1).append(' ');
                continue;
            }
            logical.append(line);
            final String text = logical.toString().strip();
            logical.setLength(0);
            final int space = text.indexOf(' ');
            out.add(new Instruction(text.substring(0, space < 0 ? text.length() : space).toUpperCase(),
                    space < 0 ? "" : text.substring(space + 1).strip()));
        }
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void quarkusDockerfileCopiesTheFastJarAndRunsAsNonRoot(final String service) throws IOException {
        final Path module = RepoFiles.path(service);
        final Path dockerfile = module.resolve("src/main/docker/Dockerfile.jvm");
        assertThat(dockerfile).as("%s is referenced by docker-compose.yml and the Kubernetes images; its owner writes it",
                RepoFiles.root().relativize(dockerfile)).isRegularFile();
        final List<Instruction> ins = parse(dockerfile);
        final List<String> errors = new ArrayList<>();
        checkBaseImagesAndUser(ins, errors);
        final List<String> sources = new ArrayList<>();
        for (final Instruction i : ins) {
            if ((i.keyword().equals("COPY") || i.keyword().equals("ADD")) && !i.args().contains("--from=")) {
                final String[] parts = i.args().replaceAll("--\\S+", "").trim().split("\\s+");
                for (int k = 0; k < parts.length - 1; k++) {
                    sources.add(parts[k]);
                }
            }
        }
        for (final String required : List.of("target/quarkus-app/lib/", "target/quarkus-app/*.jar",
                "target/quarkus-app/app/", "target/quarkus-app/quarkus/")) {
            if (!sources.contains(required)) {
                errors.add("does not COPY " + required + " (the Quarkus fast-jar layout; COPY sources: " + sources + ")");
            }
        }
        for (final String s : sources) {
            if (!s.startsWith("target/quarkus-app/")) {
                errors.add("COPY source " + s + " is not part of the Quarkus build output target/quarkus-app/");
            }
        }
        if (!RepoFiles.read(module.resolve("pom.xml")).contains("<artifactId>quarkus-maven-plugin</artifactId>")) {
            errors.add("the module's pom has no quarkus-maven-plugin, so nothing writes target/quarkus-app/");
        }
        final String props = RepoFiles.read(module.resolve("src/main/resources/application.properties"));
        if (props.matches("(?s).*\\n\\s*quarkus\\.package\\.jar\\.type\\s*=\\s*(uber-jar|legacy-jar).*")) {
            errors.add("application.properties switches the jar type away from fast-jar, so target/quarkus-app/ differs");
        }
        final Path built = module.resolve("target/quarkus-app");
        if (Files.isDirectory(built)) {
            for (final String s : sources) {
                final Path p = module.resolve(s.replace("*.jar", "quarkus-run.jar"));
                if (!Files.exists(p)) {
                    errors.add("COPY source " + s + " does not exist in the built " + RepoFiles.root().relativize(built));
                }
            }
        }
        final Path ignore = module.resolve(".dockerignore");
        if (!Files.isRegularFile(ignore) || !RepoFiles.read(ignore).lines().anyMatch(l -> l.equals("!target/quarkus-app/"))) {
            errors.add(".dockerignore must exist and let target/quarkus-app/ through (the image's only input)");
        }
        if (!env(ins, "JAVA_APP_JAR").equals("/deployments/quarkus-run.jar")) {
            errors.add("JAVA_APP_JAR must be /deployments/quarkus-run.jar (where the fast-jar runner is copied)");
        }
        assertThat(errors).as("%s/src/main/docker/Dockerfile.jvm", service).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("services")
    void oneHttpPortPerServiceEverywhere(final String service) throws IOException {
        final Properties props = new Properties();
        props.load(new StringReader(RepoFiles.read(RepoFiles.path(service + "/src/main/resources/application.properties"))));
        final String port = props.getProperty("quarkus.http.port", "8080");
        final List<String> errors = new ArrayList<>();
        final Path dockerfile = RepoFiles.path(service + "/src/main/docker/Dockerfile.jvm");
        if (Files.isRegularFile(dockerfile)) {
            for (final Instruction i : parse(dockerfile)) {
                if (i.keyword().equals("EXPOSE") && !i.args().split("/")[0].equals(port)) {
                    errors.add("Dockerfile EXPOSE " + i.args() + " but quarkus.http.port=" + port);
                }
            }
        }
        final JsonNode compose = ComposeFileTest.compose().at("/services/" + service);
        if (!compose.at("/environment/QUARKUS_HTTP_PORT").asText().equals(port)) {
            errors.add("docker-compose QUARKUS_HTTP_PORT is " + compose.at("/environment/QUARKUS_HTTP_PORT").asText() + ", not " + port);
        }
        for (final String overlay : KubernetesManifestsTest.KUSTOMIZATIONS) {
            for (final Kustomize.Rendered r : KubernetesManifestsTest.render(overlay)) {
                if (r.kind().equals("ConfigMap") && r.name().equals(service)
                        && !r.object().at("/data/QUARKUS_HTTP_PORT").asText().equals(port)) {
                    errors.add(overlay + " ConfigMap QUARKUS_HTTP_PORT is not " + port);
                }
                if (r.kind().equals("Deployment") && r.name().equals(service)
                        && !r.object().at("/spec/template/spec/containers/0/ports/0/containerPort").asText().equals(port)) {
                    errors.add(overlay + " Deployment containerPort is not " + port);
                }
            }
        }
        assertThat(errors).as("%s HTTP port", service).isEmpty();
    }

    @Test
    void theInferenceJvmAlwaysGetsTheVectorApiModule() throws IOException {
        final String flag = "--add-modules jdk.incubator.vector";
        final List<String> errors = new ArrayList<>();
        final JsonNode composeEnv = ComposeFileTest.compose().at("/services/inference-service/environment");
        final Path dockerfile = RepoFiles.path("inference-service/src/main/docker/Dockerfile.jvm");
        final String image = Files.isRegularFile(dockerfile) ? env(parse(dockerfile), "JAVA_OPTS_APPEND") : "";
        final String compose = composeEnv.path("JAVA_OPTS_APPEND").asText(image);
        if (!compose.contains(flag)) {
            errors.add("docker-compose inference-service JVM options lack " + flag + ": " + compose);
        }
        for (final String overlay : KubernetesManifestsTest.KUSTOMIZATIONS) {
            for (final Kustomize.Rendered r : KubernetesManifestsTest.render(overlay)) {
                if (r.kind().equals("ConfigMap") && r.name().equals("inference-service")
                        && !r.object().at("/data/JAVA_OPTS_APPEND").asText(image).contains(flag)) {
                    errors.add(overlay + ": inference-service JVM options lack " + flag);
                }
            }
        }
        assertThat(errors).isEmpty();
    }

    @Test
    void trainerImageBuildsFromTheRepositoryAndRunsAsNonRoot() throws IOException {
        final Path dockerfile = RepoFiles.path("trainer/src/main/docker/Dockerfile.jvm");
        Assumptions.assumeTrue(Files.isRegularFile(dockerfile), "trainer/src/main/docker/Dockerfile.jvm is not written yet "
                + "(ComposeFileTest.buildContextsAndDockerfilesExist reports it as a failure)");
        final List<Instruction> ins = parse(dockerfile);
        final List<String> errors = new ArrayList<>();
        checkBaseImagesAndUser(ins, errors);
        // The compose build context of the trainer image is the repository root; build output (target/) is
        // checked where it has been built, and its producer must be the CLI's copy-dependencies execution.
        final String ignore = Files.isRegularFile(RepoFiles.root().resolve(".dockerignore"))
                ? RepoFiles.read(RepoFiles.root().resolve(".dockerignore")) : "";
        if (ignore.isEmpty()) {
            errors.add("no .dockerignore at the repository root: the context would carry every target/ and .sentiment/");
        }
        for (final Instruction i : ins) {
            if (i.keyword().equals("RUN") && i.args().matches(".*\\b(mvn|mvnw|gradle)\\b.*")) {
                errors.add("RUN " + i.args() + ": the image must not build (a second build needs the network)");
            }
            if (i.keyword().equals("COPY") && !i.args().contains("--from=")) {
                final String[] parts = i.args().replaceAll("--\\S+", "").trim().split("\\s+");
                for (int k = 0; k < parts.length - 1; k++) {
                    final String source = parts[k];
                    if (!ignore.lines().anyMatch(l -> l.equals("!" + source))) {
                        errors.add("COPY source " + source + " is not let through by .dockerignore (add !" + source + ")");
                    }
                    if (source.contains("/target/")) {
                        final String module = source.substring(0, source.indexOf("/target/"));
                        if (!RepoFiles.read(RepoFiles.root().resolve(module + "/pom.xml")).contains("copy-dependencies")) {
                            errors.add("COPY source " + source + ": " + module + "/pom.xml does not copy its dependencies");
                        }
                        if (!Files.isDirectory(RepoFiles.root().resolve(module + "/target"))) {
                            continue;
                        }
                    }
                    if (!source.contains("*") && !Files.exists(RepoFiles.root().resolve(source))) {
                        errors.add("COPY source " + source + " does not exist in the build context (repository root)");
                    }
                }
            }
        }
        assertThat(errors).as("trainer/src/main/docker/Dockerfile.jvm").isEmpty();
    }

    private static void checkBaseImagesAndUser(final List<Instruction> ins, final List<String> errors) {
        final List<String> stages = new ArrayList<>();
        String user = null;
        for (final Instruction i : ins) {
            if (i.keyword().equals("FROM")) {
                final String[] parts = i.args().replaceAll("--platform=\\S+", "").trim().split("\\s+");
                final String image = parts[0];
                if (!stages.contains(image)) {
                    final Matcher m = Pattern.compile("^[^@]+:([A-Za-z0-9_.-]+)(@sha256:[0-9a-f]{64})?$|^[^:]+@sha256:[0-9a-f]{64}$").matcher(image);
                    if (!m.matches() || "latest".equals(m.group(1))) {
                        errors.add("FROM " + image + " is not pinned to a tag or digest (never :latest)");
                    }
                }
                if (parts.length == 3 && parts[1].equalsIgnoreCase("AS")) {
                    stages.add(parts[2]);
                }
                user = null; // each stage starts as the base image's user; only the final stage runs
            } else if (i.keyword().equals("USER")) {
                user = i.args().split(":")[0];
            }
        }
        if (user == null || user.equals("root") || user.equals("0")) {
            errors.add("the final stage does not switch to a non-root USER (found " + user + ")");
        }
    }

    /** The last ENV value of {@code name}, quotes removed; "" when unset. */
    static String env(final List<Instruction> ins, final String name) {
        String value = "";
        final Pattern p = Pattern.compile("(?:^|\\s)" + Pattern.quote(name) + "(?:=|\\s+)(\"[^\"]*\"|\\S+)");
        for (final Instruction i : ins) {
            if (i.keyword().equals("ENV")) {
                final Matcher m = p.matcher(i.args());
                if (m.find()) {
                    value = m.group(1).replaceAll("^\"|\"$", "");
                }
            }
        }
        return value;
    }
}
