package io.sentimentstreams.cli.text;

import io.sentimentstreams.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/** UTF-8 line input and JSON-per-line output for the text commands, independent of the platform charset. */
final class TextIo {

    private TextIo() {
    }

    static BufferedReader reader(final InputStream in) {
        return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    }

    /** Writes {@code value} as one JSON line in UTF-8 bytes (a PrintStream's own charset may be ASCII). */
    static void jsonLine(final PrintStream out, final Object value) throws IOException {
        out.write(Json.writeBytes(value));
        out.write('\n');
    }

    static void usage(final PrintStream out, final String text) {
        out.write(text.getBytes(StandardCharsets.UTF_8), 0, text.getBytes(StandardCharsets.UTF_8).length);
        out.flush();
    }
}
