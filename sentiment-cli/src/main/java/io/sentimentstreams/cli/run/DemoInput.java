package io.sentimentstreams.cli.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sentimentstreams.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPInputStream;

/**
 * Reviews to stream in a demo: the bundled sample, or a user's file (JSONL with {@code text} and
 * optional {@code id}, {@code lang}, {@code label}; or TSV/CSV with a header naming a text column
 * {@code text|document|sentence|review} and optionally {@code label} and {@code id}), gzip or not.
 * Rows are not judged here: a row ingest-service would refuse (blank or missing text, a line that is not a
 * JSON object) is still sent, so the refusal and its reason come from the service, with the row's
 * {@code line} number to report it by; {@code raw} is then the JSON to send as it is (null for a plain row).
 */
public record DemoInput(String id, String text, String lang, Integer label, int line, String raw) {

    public DemoInput(final String id, final String text, final String lang, final Integer label) {
        this(id, text, lang, label, 0, null);
    }

    public static List<DemoInput> sample() throws IOException {
        try (InputStream in = DemoInput.class.getResourceAsStream("/demo/sample-reviews.jsonl")) {
            return readJsonl(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)), "sample");
        }
    }

    /** Malformed payloads for {@code reviews.inbound}, one per line, to show the dead-letter path. */
    public static List<String> malformedInbound() throws IOException {
        try (InputStream in = DemoInput.class.getResourceAsStream("/demo/malformed-inbound.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().filter(l -> !l.isBlank()).toList();
        }
    }

    /**
     * The usable rows of a corpus (a text that is a non-blank string), for benches and tests that stream a
     * corpus; {@link #readEveryRow} keeps the others too.
     */
    public static List<DemoInput> read(final Path file) throws IOException {
        return readEveryRow(file).stream().filter(DemoInput::usable).toList();
    }

    /** Whether ingest-service could accept this row as it is (a non-blank text, not sent as written). */
    public boolean usable() {
        return raw == null && text != null && !text.isBlank();
    }

    /** Every row of a user's file, those ingest-service would refuse included, each with its line number. */
    public static List<DemoInput> readEveryRow(final Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("input file not found: " + file);
        }
        final String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        InputStream raw = Files.newInputStream(file);
        if (name.endsWith(".gz")) {
            raw = new GZIPInputStream(raw, 1 << 16);
        }
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(raw, StandardCharsets.UTF_8))) {
            final String base = name.replaceAll("\\.gz$", "");
            if (base.endsWith(".jsonl") || base.endsWith(".ndjson") || base.endsWith(".json")) {
                return readJsonl(reader, file.toString());
            }
            return readDelimited(reader, base.endsWith(".csv") ? ',' : '\t', file.toString());
        }
    }

    /** A deterministic sample of {@code count} reviews (cycling with new ids when count exceeds the input). */
    public static List<DemoInput> take(final List<DemoInput> all, final int count, final long seed) {
        if (all.isEmpty()) {
            return all;
        }
        final List<DemoInput> shuffled = new ArrayList<>(all);
        Collections.shuffle(shuffled, new Random(seed));
        final List<DemoInput> out = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            final DemoInput r = shuffled.get(i % shuffled.size());
            final int round = i / shuffled.size();
            if (round == 0) {
                out.add(r);
            } else {
                final String id = r.id() + "-" + round;
                out.add(new DemoInput(id, r.text(), r.lang(), r.label(), r.line(), withId(r.raw(), id)));
            }
        }
        return out;
    }

    /**
     * A row sent as written carries its id inside the JSON: a copy keeps its new id there too, else ingest and
     * preprocess would see a repeat of the original. Only a string id is replaced, so a row refused for its id's
     * type is refused again; anything that is not a JSON object goes unchanged.
     */
    private static String withId(final String raw, final String id) {
        if (raw == null) {
            return null;
        }
        final JsonNode node;
        try {
            node = Json.MAPPER.readTree(raw);
        } catch (IOException e) {
            return raw;
        }
        if (!(node instanceof ObjectNode object) || !object.path("id").isTextual()) {
            return raw;
        }
        object.put("id", id);
        return Json.write(object);
    }

    private static List<DemoInput> readJsonl(final BufferedReader reader, final String origin) throws IOException {
        final List<DemoInput> out = new ArrayList<>();
        String line;
        int n = 0;
        while ((line = reader.readLine()) != null) {
            n++;
            if (line.isBlank()) {
                continue;
            }
            final String id = "line-" + n;
            JsonNode node;
            try {
                node = Json.MAPPER.readTree(line);
            } catch (IOException e) {
                node = null;
            }
            if (!(node instanceof ObjectNode object)) {
                out.add(new DemoInput(id, null, null, null, n, line));
                continue;
            }
            final Integer label = object.hasNonNull("label") ? Integer.valueOf(object.get("label").asInt()) : null;
            object.remove("label");
            if (!object.has("id")) {
                object.put("id", id);
            }
            final JsonNode text = object.get("text");
            final boolean plain = (text == null || text.isTextual()) && isTextOrAbsent(object.get("id"))
                    && isTextOrAbsent(object.get("lang")) && onlyKnownFields(object);
            if (plain) {
                out.add(new DemoInput(object.get("id").asText(), text == null ? null : text.asText(),
                        object.hasNonNull("lang") ? object.get("lang").asText() : null, label, n, null));
            } else {
                // Sent as written, so ingest-service judges exactly what the file holds.
                out.add(new DemoInput(object.path("id").asText(id), null, null, label, n, Json.write(object)));
            }
        }
        return out;
    }

    private static List<DemoInput> readDelimited(final BufferedReader reader, final char sep, final String origin)
            throws IOException {
        final String header = reader.readLine();
        if (header == null) {
            return List.of();
        }
        final List<String> cols = split(header, sep).stream().map(c -> c.trim().toLowerCase(Locale.ROOT)).toList();
        final int text = firstOf(cols, "text", "document", "sentence", "review");
        if (text < 0) {
            throw new IOException(origin + ": header has no text column (text, document, sentence or review): "
                    + header);
        }
        final int label = cols.indexOf("label");
        final int id = cols.indexOf("id");
        final int lang = cols.indexOf("lang");
        final List<DemoInput> out = new ArrayList<>();
        String line;
        int n = 1;
        while ((line = reader.readLine()) != null) {
            n++;
            final List<String> f = split(line, sep);
            if (line.isBlank()) {
                continue;
            }
            Integer lab = null;
            if (label >= 0 && label < f.size()) {
                final String v = f.get(label).trim();
                lab = v.equals("1") ? Integer.valueOf(1) : v.equals("0") ? Integer.valueOf(0) : null;
            }
            out.add(new DemoInput(id >= 0 && id < f.size() ? f.get(id) : "line-" + n, text < f.size() ? f.get(text) : null,
                    lang >= 0 && lang < f.size() && !f.get(lang).isBlank() ? f.get(lang) : null, lab, n, null));
        }
        return out;
    }

    private static boolean isTextOrAbsent(final JsonNode node) {
        return node == null || node.isTextual();
    }

    private static boolean onlyKnownFields(final ObjectNode object) {
        for (final java.util.Iterator<String> names = object.fieldNames(); names.hasNext(); ) {
            final String name = names.next();
            if (!name.equals("id") && !name.equals("text") && !name.equals("lang")) {
                return false;
            }
        }
        return true;
    }

    private static int firstOf(final List<String> cols, final String... names) {
        for (final String name : names) {
            final int i = cols.indexOf(name);
            if (i >= 0) {
                return i;
            }
        }
        return -1;
    }

    /** TAB: a plain split (no quoting, as NSMC needs); comma: RFC 4180 quotes. */
    private static List<String> split(final String line, final char sep) {
        if (sep == '\t') {
            return List.of(line.split("\t", -1));
        }
        final List<String> out = new ArrayList<>();
        final StringBuilder cur = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            final char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cur.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cur.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == sep) {
                out.add(cur.toString());
                cur.setLength(0);
            } else {
                cur.append(c);
            }
        }
        out.add(cur.toString());
        return out;
    }
}
