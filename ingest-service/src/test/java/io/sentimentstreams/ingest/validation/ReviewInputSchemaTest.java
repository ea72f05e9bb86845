package io.sentimentstreams.ingest.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** docs/schemas/review-input.schema.json states the same fields and limits the validator enforces. */
class ReviewInputSchemaTest {

    private JsonNode schema;

    @BeforeEach
    void load() throws IOException {
        final String repo = System.getProperty("sentiment.repo.dir", "..");
        final Path file = Path.of(repo, "docs", "schemas", "review-input.schema.json");
        assumeTrue(Files.exists(file), "schema not found at " + file.toAbsolutePath());
        schema = Json.MAPPER.readTree(file.toFile());
    }

    @Test
    void fieldsAreExactlyThoseTheValidatorAccepts() {
        final List<String> names = new ArrayList<>();
        schema.get("properties").fieldNames().forEachRemaining(names::add);
        assertThat(names).containsExactlyInAnyOrder(ReviewValidator.FIELD_TEXT, ReviewValidator.FIELD_ID,
                ReviewValidator.FIELD_LANG, ReviewValidator.FIELD_SOURCE, ReviewValidator.FIELD_ATTRIBUTES);
        assertThat(schema.get("additionalProperties").asBoolean()).isFalse();
        assertThat(schema.get("required").get(0).asText()).isEqualTo(ReviewValidator.FIELD_TEXT);
    }

    @Test
    void limitsMatchTheCode() {
        final JsonNode p = schema.get("properties");
        assertThat(p.get("text").get("maxLength").asInt()).isEqualTo(IngestLimits.DEFAULT_MAX_TEXT_CHARS);
        assertThat(p.get("id").get("maxLength").asInt()).isEqualTo(IngestLimits.MAX_ID_CHARS);
        assertThat(p.get("source").get("maxLength").asInt()).isEqualTo(IngestLimits.MAX_SOURCE_CHARS);
        final JsonNode attributes = p.get("attributes");
        assertThat(attributes.get("maxProperties").asInt()).isEqualTo(IngestLimits.MAX_ATTRIBUTES);
        assertThat(attributes.get("propertyNames").get("maxLength").asInt()).isEqualTo(IngestLimits.MAX_ATTRIBUTE_KEY_CHARS);
        assertThat(attributes.get("additionalProperties").get("maxLength").asInt())
                .isEqualTo(IngestLimits.MAX_ATTRIBUTE_VALUE_CHARS);
        assertThat(schema.get("$defs").get("batch").get("maxItems").asInt()).isEqualTo(IngestLimits.DEFAULT_MAX_BATCH_ITEMS);
    }

    @Test
    void languagesMatchTheCode() {
        final List<String> langs = new ArrayList<>();
        schema.get("properties").get("lang").get("enum").forEach(n -> {
            if (!n.isNull()) {
                langs.add(n.asText());
            }
        });
        assertThat(langs).containsExactlyInAnyOrderElementsOf(Lang.NAMES);
    }

    @Test
    void examplesAreValidReviews() {
        final ReviewValidator validator = new ReviewValidator(IngestLimits.defaults());
        schema.get("examples").forEach(example ->
                assertThat(validator.validateDocument(Json.writeBytes(example), null).isValid()).isTrue());
    }
}
