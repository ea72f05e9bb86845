package io.sentimentstreams.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Every PromQL expression in deploy/: dashboard panel targets and variables, and alert rules, with where each is. */
final class Queries {

    record Query(String where, String expr) {
    }

    static final String DASHBOARDS = "deploy/grafana/dashboards";

    private Queries() {
    }

    static List<Path> dashboards() {
        try (Stream<Path> s = Files.list(RepoFiles.path(DASHBOARDS))) {
            return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static List<Query> all() {
        final List<Query> out = new ArrayList<>();
        for (final Path file : dashboards()) {
            final JsonNode d = RepoFiles.readJson(file);
            final String name = file.getFileName().toString();
            for (final JsonNode panel : panels(d)) {
                for (final JsonNode t : panel.path("targets")) {
                    out.add(new Query(name + " panel \"" + panel.path("title").asText() + "\"", t.path("expr").asText()));
                }
            }
            for (final JsonNode v : d.at("/templating/list")) {
                if (v.path("type").asText().equals("query")) {
                    final JsonNode q = v.path("query");
                    out.add(new Query(name + " variable $" + v.path("name").asText(), q.isObject() ? q.path("query").asText() : q.asText()));
                }
            }
        }
        for (final JsonNode group : RepoFiles.readYaml(RepoFiles.path(PrometheusFilesTest.ALERTS)).path("groups")) {
            for (final JsonNode rule : group.path("rules")) {
                out.add(new Query("alerts.yml " + rule.path("alert").asText(rule.path("record").asText()), rule.path("expr").asText()));
            }
        }
        return out;
    }

    /** Top-level panels and those nested in collapsed rows. */
    static List<JsonNode> panels(final JsonNode dashboard) {
        final List<JsonNode> out = new ArrayList<>();
        for (final JsonNode p : dashboard.path("panels")) {
            out.add(p);
            p.path("panels").forEach(out::add);
        }
        return out;
    }
}
