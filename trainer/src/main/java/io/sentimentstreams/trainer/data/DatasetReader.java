package io.sentimentstreams.trainer.data;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.bundle.Digests;
import io.sentimentstreams.json.Json;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Reads a labeled corpus (IMDB TSV, aclImdb directory, NSMC, generic TSV/CSV/JSON Lines; gzip detected by
 * its magic bytes) into a {@link Dataset}. Bad rows (missing or non-0/1 label, empty text, wrong field
 * count, bytes that are not UTF-8) are skipped and reported with their line number, or with
 * {@link ReadOptions#strict()} the first one is an error.
 */
public final class DatasetReader {

    private DatasetReader() {
    }

    public static Dataset read(final Path path, final ReadOptions options) throws DatasetException {
        if (!Files.exists(path)) {
            throw new DatasetException("no such dataset: " + path);
        }
        try {
            if (options.format() == DatasetFormat.ACLIMDB || Files.isDirectory(path)) {
                if (options.format() != DatasetFormat.ACLIMDB) {
                    throw new DatasetException(path + " is a directory; only --format aclimdb reads directories");
                }
                return readAclImdb(path, options);
            }
            final byte[] stored = Files.readAllBytes(path);
            final byte[] bytes = isGzip(stored) ? gunzip(stored) : stored;
            final Collector c = new Collector(options.strict());
            switch (options.format()) {
                case IMDB -> readDelimited(bytes, c, options, new String[] {"label", "text", "id"}, "label", "text",
                        "id");
                case NSMC -> readDelimited(bytes, c, options, new String[] {"id", "document", "label"}, "label",
                        "document", "id");
                case TSV -> readDelimited(bytes, c, options, null, orDefault(options.labelCol(), "label"),
                        orDefault(options.textCol(), "text"), options.idCol());
                case CSV -> readCsv(bytes, c, options);
                case JSONL -> readJsonl(bytes, c, options);
                default -> throw new IllegalStateException(options.format().toString());
            }
            return new Dataset(path.toString(), Digests.sha256(stored), List.copyOf(c.rows), List.copyOf(c.bad),
                    c.rowsRead);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + path + ": " + e.getMessage(), e);
        }
    }

    private static String orDefault(final String s, final String d) {
        return s == null || s.isBlank() ? d : s;
    }

    static boolean isGzip(final byte[] b) {
        return b.length >= 2 && (b[0] & 0xff) == 0x1f && (b[1] & 0xff) == 0x8b;
    }

    private static byte[] gunzip(final byte[] b) throws IOException {
        try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(b), 1 << 16)) {
            return in.readAllBytes();
        }
    }

    /** Collects rows and bad rows, and throws on the first bad one in strict mode. */
    private static final class Collector {
        private final boolean strict;
        private final List<LabeledText> rows = new ArrayList<>();
        private final List<BadRow> bad = new ArrayList<>();
        private long rowsRead;

        Collector(final boolean strict) {
            this.strict = strict;
        }

        void bad(final String where, final String reason) throws DatasetException {
            rowsRead++;
            if (strict) {
                throw new DatasetException("bad row at " + where + ": " + reason + " (--strict)");
            }
            bad.add(new BadRow(where, reason));
        }

        void row(final String id, final String text, final String label, final long line, final String where)
                throws DatasetException {
            if (label == null || label.isBlank()) {
                bad(where, "missing label");
                return;
            }
            final String l = label.trim();
            if (!l.equals("0") && !l.equals("1")) {
                bad(where, "label must be 0 or 1, got '" + abbreviate(l) + "'");
                return;
            }
            if (text == null || text.isBlank()) {
                bad(where, "empty text");
                return;
            }
            rowsRead++;
            rows.add(new LabeledText(id == null || id.isBlank() ? "line:" + line : id, text, l.charAt(0) - '0',
                    line));
        }
    }

    private static String abbreviate(final String s) {
        return s.length() > 20 ? s.substring(0, 20) + "..." : s;
    }

    /** Physical lines as byte ranges, decoded strictly so broken UTF-8 is a bad row, not mojibake. */
    private interface LineSink {
        void line(long lineNo, String text) throws DatasetException;

        void undecodable(long lineNo) throws DatasetException;
    }

    private static void forEachLine(final byte[] bytes, final LineSink sink) throws DatasetException {
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int start = 0;
        long lineNo = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            start = 3; // UTF-8 byte-order mark
        }
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            int stop = end;
            if (stop > start && bytes[stop - 1] == '\r') {
                stop--;
            }
            final String text;
            try {
                decoder.reset();
                final CharBuffer cb = decoder.decode(ByteBuffer.wrap(bytes, start, stop - start));
                text = cb.toString();
            } catch (CharacterCodingException e) {
                sink.undecodable(lineNo);
                start = end + 1;
                continue;
            }
            sink.line(lineNo, text);
            start = end + 1;
        }
    }

    private static int column(final String[] header, final String name, final String what)
            throws DatasetException {
        if (name == null) {
            return -1;
        }
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals(name)) {
                return i;
            }
        }
        if (name.chars().allMatch(Character::isDigit) && !name.isEmpty()) {
            final int i = Integer.parseInt(name);
            if (i < header.length) {
                return i;
            }
        }
        throw new DatasetException("no " + what + " column '" + name + "' in header " + String.join(",", header));
    }

    private static void readDelimited(final byte[] bytes, final Collector c, final ReadOptions o,
                                      final String[] expectedHeader, final String labelCol, final String textCol,
                                      final String idCol) throws DatasetException {
        final int[] cols = new int[3]; // label, text, id
        final int[] width = new int[1];
        final boolean[] seenHeader = new boolean[1];
        forEachLine(bytes, new LineSink() {
            @Override
            public void line(final long lineNo, final String line) throws DatasetException {
                if (!seenHeader[0]) {
                    seenHeader[0] = true;
                    final String[] header = line.split("\t", -1);
                    if (expectedHeader != null && !java.util.Arrays.equals(trimAll(header), expectedHeader)) {
                        throw new DatasetException("line 1: expected header " + String.join("<TAB>", expectedHeader)
                                + " for --format " + o.format().name().toLowerCase() + ", got '" + abbreviate(line)
                                + "'");
                    }
                    cols[0] = column(header, labelCol, "label");
                    cols[1] = column(header, textCol, "text");
                    cols[2] = idCol == null ? indexOf(header, "id") : column(header, idCol, "id");
                    width[0] = header.length;
                    return;
                }
                if (line.isEmpty()) {
                    return;
                }
                // TAB is the only separator: a '"' is part of the text (NSMC has literal """ in documents).
                final String[] f = line.split("\t", -1);
                if (f.length != width[0]) {
                    c.bad("line " + lineNo, "expected " + width[0] + " TAB-separated fields, got " + f.length);
                    return;
                }
                c.row(cols[2] >= 0 ? f[cols[2]] : null, f[cols[1]], f[cols[0]], lineNo, "line " + lineNo);
            }

            @Override
            public void undecodable(final long lineNo) throws DatasetException {
                if (!seenHeader[0]) {
                    throw new DatasetException("line 1: header is not valid UTF-8");
                }
                c.bad("line " + lineNo, "not valid UTF-8");
            }
        });
        if (!seenHeader[0]) {
            throw new DatasetException("empty file (no header line)");
        }
    }

    private static String[] trimAll(final String[] a) {
        final String[] out = new String[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i].trim();
        }
        return out;
    }

    private static int indexOf(final String[] header, final String name) {
        for (int i = 0; i < header.length; i++) {
            if (header[i].trim().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static void readCsv(final byte[] bytes, final Collector c, final ReadOptions o) throws DatasetException {
        final String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            // A CSV record may span lines, so a broken byte cannot be pinned to one row: name the line.
            throw new DatasetException("CSV is not valid UTF-8 near line " + firstBadLine(bytes));
        }
        final CsvParser p = new CsvParser(text.startsWith("\uFEFF") ? text.substring(1) : text);
        final List<String> header = p.next();
        if (header == null) {
            throw new DatasetException("empty file (no header line)");
        }
        final String[] h = header.toArray(String[]::new);
        final int label = column(h, orDefault(o.labelCol(), "label"), "label");
        final int txt = column(h, orDefault(o.textCol(), "text"), "text");
        final int id = o.idCol() == null ? indexOf(h, "id") : column(h, o.idCol(), "id");
        while (true) {
            final long line = p.line();
            final List<String> f;
            try {
                f = p.next();
            } catch (IllegalStateException e) {
                c.bad("line " + line, e.getMessage());
                break;
            }
            if (f == null) {
                break;
            }
            if (f.size() == 1 && f.get(0).isEmpty()) {
                continue;
            }
            if (f.size() != h.length) {
                c.bad("line " + line, "expected " + h.length + " fields, got " + f.size());
                continue;
            }
            c.row(id >= 0 ? f.get(id) : null, f.get(txt), f.get(label), line, "line " + line);
        }
    }

    private static long firstBadLine(final byte[] bytes) {
        final long[] bad = {-1};
        try {
            forEachLine(bytes, new LineSink() {
                @Override
                public void line(final long lineNo, final String text) {
                }

                @Override
                public void undecodable(final long lineNo) {
                    if (bad[0] < 0) {
                        bad[0] = lineNo;
                    }
                }
            });
        } catch (DatasetException e) {
            throw new IllegalStateException(e);
        }
        return bad[0];
    }

    private static void readJsonl(final byte[] bytes, final Collector c, final ReadOptions o) throws DatasetException {
        final String textField = orDefault(o.textCol(), "text");
        final String labelField = orDefault(o.labelCol(), "label");
        final String idField = orDefault(o.idCol(), "id");
        forEachLine(bytes, new LineSink() {
            @Override
            public void line(final long lineNo, final String line) throws DatasetException {
                if (line.isBlank()) {
                    return;
                }
                final JsonNode node;
                try {
                    node = Json.MAPPER.readTree(line);
                } catch (IOException e) {
                    c.bad("line " + lineNo, "not JSON");
                    return;
                }
                if (node == null || !node.isObject()) {
                    c.bad("line " + lineNo, "not a JSON object");
                    return;
                }
                final JsonNode t = node.get(textField);
                final JsonNode l = node.get(labelField);
                final JsonNode i = node.get(idField);
                c.row(i == null || i.isNull() ? null : i.asText(), t == null || !t.isTextual() ? null : t.asText(),
                        l == null || l.isNull() ? null : labelText(l), lineNo, "line " + lineNo);
            }

            @Override
            public void undecodable(final long lineNo) throws DatasetException {
                c.bad("line " + lineNo, "not valid UTF-8");
            }
        });
    }

    private static String labelText(final JsonNode l) {
        if (l.isBoolean()) {
            return l.asBoolean() ? "1" : "0";
        }
        if (l.isIntegralNumber()) {
            return Long.toString(l.asLong());
        }
        return l.asText();
    }

    private static Dataset readAclImdb(final Path dir, final ReadOptions o) throws IOException, DatasetException {
        if (!Files.isDirectory(dir.resolve("pos")) || !Files.isDirectory(dir.resolve("neg"))) {
            throw new DatasetException(dir + " has no pos/ and neg/ directories (point --data at aclImdb/train"
                    + " or aclImdb/test)");
        }
        final Collector c = new Collector(o.strict());
        final MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        long ordinal = 0;
        for (final String cls : new String[] {"pos", "neg"}) {
            final List<Path> files;
            try (Stream<Path> s = Files.list(dir.resolve(cls))) {
                files = s.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
            }
            for (final Path f : files) {
                ordinal++;
                final String rel = cls + "/" + f.getFileName();
                final byte[] b = Files.readAllBytes(f);
                md.update(rel.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
                md.update(b);
                final String text;
                try {
                    decoder.reset();
                    text = decoder.decode(ByteBuffer.wrap(b)).toString();
                } catch (CharacterCodingException e) {
                    c.bad(rel, "not valid UTF-8");
                    continue;
                }
                final String stem = f.getFileName().toString().replaceFirst("\\.txt$", "");
                c.row(cls + "/" + stem, text.replace('\t', ' ').replace('\r', ' ').replace('\n', ' '),
                        cls.equals("pos") ? "1" : "0", ordinal, rel);
            }
        }
        return new Dataset(dir.toString(), HexFormat.of().formatHex(md.digest()), List.copyOf(c.rows),
                List.copyOf(c.bad), c.rowsRead);
    }

    /** Reads all of a (possibly gzipped) stream; used by word-vector loading too. */
    public static InputStream open(final Path path) throws IOException {
        final InputStream raw = new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        raw.mark(2);
        final int b0 = raw.read();
        final int b1 = raw.read();
        raw.reset();
        return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
    }

    static byte[] readAll(final InputStream in) throws IOException {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        in.transferTo(out);
        return out.toByteArray();
    }
}
