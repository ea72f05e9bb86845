package io.sentimentstreams.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The published JSON Schemas in docs/schemas must describe exactly the fields the records serialize. */
class ContractSchemasTest {

    static Stream<Arguments> contracts() {
        final Instant now = Instant.parse("2026-11-27T00:00:00Z");
        return Stream.of(
                Arguments.of("review", Review.of("r1", "text", Lang.EN, "test", now, Map.of("k", "v"))),
                Arguments.of("encoded-review", new EncodedReview(1, "r1", "text", Lang.EN, "test", now, Map.of(),
                        "imdb-en", 3, new int[] {0, 5, 1}, 2, 1, now)),
                Arguments.of("labeled-review", new LabeledReview(1, "r1", "text", Lang.EN, Label.POSITIVE, 0.9,
                        "imdb-en", 3, now, now)),
                Arguments.of("shadow-result", new ShadowResult(1, "r1", Lang.EN, "imdb-en", 3, 0.9, Label.POSITIVE,
                        "imdb-en", 4, 0.2, Label.NEGATIVE, false, now)),
                Arguments.of("dead-letter", DeadLetter.of(Stage.INGEST, Reason.BLANK_TEXT, "blank", "r1",
                        "{}".getBytes(), "reviews.inbound", 0, 7L)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("contracts")
    void schemaPropertiesMatchTheRecordAndRequiredFieldsAreSerialized(final String name, final Record sample)
            throws Exception {
        final Path schemaFile = Path.of(System.getProperty("sentiment.repo.dir", ".."), "docs/schemas",
                name + ".schema.json");
        final JsonNode schema = Json.MAPPER.readTree(Files.readString(schemaFile));
        final List<String> properties = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(properties::add);
        final List<String> components = Arrays.stream(sample.getClass().getRecordComponents())
                .map(c -> c.getName()).toList();
        assertThat(properties).as("properties of %s", schemaFile).containsExactlyInAnyOrderElementsOf(components);

        final JsonNode serialized = Json.MAPPER.readTree(Json.write(sample));
        for (final JsonNode required : schema.get("required")) {
            assertThat(serialized.has(required.asText())).as("%s serializes required %s", name, required).isTrue();
        }
    }
}
