package io.sentimentstreams.trainer.data;

import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records out of a decoded CSV text: comma-separated, fields optionally in double quotes, a
 * doubled quote inside quotes is one quote, quoted fields may span lines. Tracks the 1-based line where
 * the next record starts so bad rows can be reported by line.
 */
final class CsvParser {

    private final String s;
    private int pos;
    private long line = 1;

    CsvParser(final String s) {
        this.s = s;
    }

    long line() {
        return line;
    }

    /** The next record's fields, or null at the end; an unterminated quote is an IllegalStateException. */
    List<String> next() {
        if (pos >= s.length()) {
            return null;
        }
        final List<String> fields = new ArrayList<>();
        final StringBuilder f = new StringBuilder();
        boolean quoted = false;
        final long startLine = line;
        while (pos < s.length()) {
            final char ch = s.charAt(pos++);
            if (quoted) {
                if (ch == '"') {
                    if (pos < s.length() && s.charAt(pos) == '"') {
                        f.append('"');
                        pos++;
                    } else {
                        quoted = false;
                    }
                } else {
                    if (ch == '\n') {
                        line++;
                    }
                    f.append(ch);
                }
            } else if (ch == '"' && f.length() == 0) {
                quoted = true;
            } else if (ch == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else if (ch == '\n') {
                line++;
                fields.add(stripCr(f));
                return fields;
            } else {
                f.append(ch);
            }
        }
        if (quoted) {
            throw new IllegalStateException("unterminated quoted field starting on line " + startLine);
        }
        fields.add(stripCr(f));
        return fields;
    }

    private static String stripCr(final StringBuilder f) {
        final int n = f.length();
        return n > 0 && f.charAt(n - 1) == '\r' ? f.substring(0, n - 1) : f.toString();
    }
}
