package io.sentimentstreams.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Grafana dashboards (schemaVersion 39): one overview plus one per service; the data source only through
 * the DS_PROMETHEUS variable, namespace and service variables, a Health row first, a valid 24-column grid,
 * and every panel described in docs/operations.md.
 */
class GrafanaDashboardTest {

    static final int SCHEMA_VERSION = 39;
    private static final Set<String> PANEL_TYPES = Set.of("row", "timeseries", "stat", "gauge", "bargauge", "table",
            "heatmap", "piechart", "barchart", "text", "state-timeline", "histogram");
    private static final String DS = "${DS_PROMETHEUS}";

    static Stream<Path> dashboards() {
        return Queries.dashboards().stream();
    }

    @Test
    void thereIsAnOverviewAndOneDashboardPerService() {
        final Set<String> names = new HashSet<>();
        Queries.dashboards().forEach(p -> names.add(p.getFileName().toString()));
        assertThat(names).containsExactlyInAnyOrder("sentiment-overview.json", "sentiment-ingest-service.json",
                "sentiment-preprocess-service.json", "sentiment-inference-service.json");
        final Set<String> uids = new HashSet<>();
        Queries.dashboards().forEach(p -> assertThat(uids.add(RepoFiles.readJson(p).path("uid").asText()))
                .as("unique uid in %s", p).isTrue());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dashboards")
    void structureIsValidForTheSchemaVersion(final Path file) {
        final JsonNode d = RepoFiles.readJson(file);
        final List<String> errors = new ArrayList<>();
        if (d.path("schemaVersion").asInt() != SCHEMA_VERSION) {
            errors.add("schemaVersion " + d.path("schemaVersion") + ", expected " + SCHEMA_VERSION);
        }
        for (final String field : List.of("uid", "title", "description")) {
            if (d.path(field).asText("").isBlank()) {
                errors.add("missing " + field);
            }
        }
        if (!d.path("panels").isArray() || d.path("panels").isEmpty()) {
            errors.add("no panels");
        }
        final Set<Integer> ids = new HashSet<>();
        final List<int[]> boxes = new ArrayList<>();
        for (final JsonNode p : Queries.panels(d)) {
            final String where = "panel " + p.path("id") + " \"" + p.path("title").asText() + "\"";
            if (!ids.add(p.path("id").asInt(-1)) || p.path("id").asInt(-1) < 1) {
                errors.add(where + ": id missing or not unique");
            }
            if (!PANEL_TYPES.contains(p.path("type").asText())) {
                errors.add(where + ": unknown panel type " + p.path("type"));
            }
            final JsonNode g = p.path("gridPos");
            final int x = g.path("x").asInt(-1);
            final int y = g.path("y").asInt(-1);
            final int w = g.path("w").asInt(0);
            final int h = g.path("h").asInt(0);
            if (x < 0 || y < 0 || w < 1 || h < 1 || x + w > 24) {
                errors.add(where + ": gridPos " + g + " is outside the 24-column grid");
            }
            for (final int[] b : boxes) {
                if (x < b[0] + b[2] && b[0] < x + w && y < b[1] + b[3] && b[1] < y + h) {
                    errors.add(where + ": overlaps another panel at " + b[0] + "," + b[1]);
                }
            }
            boxes.add(new int[] {x, y, w, h});
            if (p.path("type").asText().equals("row")) {
                continue;
            }
            if (p.path("description").asText("").isBlank()) {
                errors.add(where + ": no description");
            }
            if (!isVariableDatasource(p.path("datasource"))) {
                errors.add(where + ": datasource must be {type: prometheus, uid: " + DS + "}, is " + p.path("datasource"));
            }
            if (!p.path("targets").isArray() || p.path("targets").isEmpty()) {
                errors.add(where + ": no query");
            }
            final Set<String> refIds = new HashSet<>();
            for (final JsonNode t : p.path("targets")) {
                if (!refIds.add(t.path("refId").asText(""))) {
                    errors.add(where + ": duplicate or missing refId");
                }
                if (t.path("expr").asText("").isBlank()) {
                    errors.add(where + ": empty expr");
                }
                if (!isVariableDatasource(t.path("datasource"))) {
                    errors.add(where + " target " + t.path("refId").asText() + ": datasource must be " + DS);
                }
                if (!t.path("expr").asText().contains("$namespace") && !t.path("expr").asText().startsWith("count(ALERTS")) {
                    errors.add(where + " target " + t.path("refId").asText() + ": does not filter by $namespace");
                }
            }
        }
        assertThat(errors).as("%s", file.getFileName()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dashboards")
    void dataSourceNamespaceAndServiceAreVariables(final Path file) {
        final JsonNode vars = RepoFiles.readJson(file).at("/templating/list");
        final JsonNode ds = find(vars, "DS_PROMETHEUS");
        assertThat(ds.path("type").asText()).isEqualTo("datasource");
        assertThat(ds.path("query").asText()).isEqualTo("prometheus");
        for (final String name : List.of("namespace", "service")) {
            final JsonNode v = find(vars, name);
            assertThat(v.path("type").asText()).as("$%s type", name).isEqualTo("query");
            assertThat(isVariableDatasource(v.path("datasource"))).as("$%s queries through %s", name, DS).isTrue();
            assertThat(v.path("includeAll").asBoolean()).as("$%s offers All", name).isTrue();
        }
        assertThat(vars.get(0).path("name").asText()).as("the data source variable comes first").isEqualTo("DS_PROMETHEUS");
        assertThat(RepoFiles.read(file)).as("no data source uid other than the variable")
                .doesNotContain("\"uid\": \"prometheus\"");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dashboards")
    void healthPanelsComeFirst(final Path file) {
        final List<JsonNode> panels = new ArrayList<>();
        RepoFiles.readJson(file).path("panels").forEach(panels::add);
        panels.sort((a, b) -> a.at("/gridPos/y").asInt() != b.at("/gridPos/y").asInt()
                ? Integer.compare(a.at("/gridPos/y").asInt(), b.at("/gridPos/y").asInt())
                : Integer.compare(a.at("/gridPos/x").asInt(), b.at("/gridPos/x").asInt()));
        assertThat(panels.get(0).path("type").asText()).isEqualTo("row");
        assertThat(panels.get(0).path("title").asText()).isEqualTo("Health");
        boolean up = false;
        for (int i = 1; i < panels.size() && !panels.get(i).path("type").asText().equals("row"); i++) {
            assertThat(panels.get(i).path("type").asText()).as("health row panels are stats").isEqualTo("stat");
            for (final JsonNode t : panels.get(i).path("targets")) {
                up |= PromQl.metricNames(t.path("expr").asText()).contains("up");
            }
        }
        assertThat(up).as("the Health row shows the scrape status (up) of the services").isTrue();
    }

    @Test
    void everyPanelIsDescribedInTheOperationsGuide() {
        final String guide = RepoFiles.read(RepoFiles.path("docs/operations.md"));
        final List<String> undocumented = new ArrayList<>();
        for (final Path file : Queries.dashboards()) {
            for (final JsonNode p : Queries.panels(RepoFiles.readJson(file))) {
                if (!p.path("type").asText().equals("row") && !guide.contains("**" + p.path("title").asText() + "**")) {
                    undocumented.add(file.getFileName() + ": " + p.path("title").asText());
                }
            }
        }
        assertThat(undocumented).as("panels without a **Title** entry in docs/operations.md").isEmpty();
    }

    private static JsonNode find(final JsonNode vars, final String name) {
        for (final JsonNode v : vars) {
            if (v.path("name").asText().equals(name)) {
                return v;
            }
        }
        throw new AssertionError("templating variable " + name + " is missing");
    }

    private static boolean isVariableDatasource(final JsonNode ds) {
        return ds.path("type").asText().equals("prometheus") && ds.path("uid").asText().equals(DS);
    }
}
