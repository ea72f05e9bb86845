package io.sentimentstreams.cli.text;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.text.PadSide;
import io.sentimentstreams.text.Padding;
import io.sentimentstreams.vocab.KerasTokenizer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code ./sentiment encode}: fits a Keras-semantics tokenizer on the lines of {@code --fit FILE}, then turns
 * each stdin line into one JSON line: its integer sequence (padded when asked), its document-term row with
 * {@code --matrix}, or, with {@code --word-index}, prints the word index as one JSON object instead.
 * Padding without {@code --maxlen} pads to the longest line, as Keras does, so it reads all input first.
 */
public final class EncodeCommand implements Command {

    static final String USAGE_TEXT = """
            usage: ./sentiment encode --fit FILE [--num-words N] [--oov-token T] [--lower true|false]
                                      [--filters S] [--char-level]
                                      [--maxlen M] [--padding pre|post] [--truncating pre|post] [--value V]
                                      [--word-index] [--matrix binary|count|freq|tfidf]
            Fits keras.preprocessing.text.Tokenizer semantics on the lines of FILE, then writes one JSON array
            per stdin line (texts_to_sequences, pad_sequences, texts_to_matrix), or the word index.
            """;

    @Override
    public int run(final List<String> args, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(args,
                Set.of("fit", "num-words", "oov-token", "lower", "filters", "maxlen", "padding", "truncating", "value",
                        "matrix"),
                Set.of("char-level", "word-index", "help"));
        if (a.has("help")) {
            TextIo.usage(out, USAGE_TEXT);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "' (input comes from stdin)");
        }
        final Path fit = Path.of(a.require("fit"));
        if (!Files.isReadable(fit)) {
            throw new UsageException("--fit " + fit + ": no such readable file");
        }
        final int numWords = a.getInt("num-words", 0);
        if (numWords < 0) {
            throw new UsageException("--num-words must be >= 0");
        }
        final String lower = a.get("lower", "true");
        if (!lower.equals("true") && !lower.equals("false")) {
            throw new UsageException("--lower expects true or false, got '" + lower + "'");
        }
        final KerasTokenizer.Options options = new KerasTokenizer.Options(numWords, a.get("filters", null),
                Boolean.parseBoolean(lower), " ", a.has("char-level"), a.get("oov-token", null));
        final KerasTokenizer tokenizer = new KerasTokenizer(options)
                .fitOnTexts(Files.readAllLines(fit, StandardCharsets.UTF_8));
        if (a.has("word-index")) {
            TextIo.jsonLine(out, tokenizer.wordIndex());
            out.flush();
            return 0;
        }
        final KerasTokenizer.MatrixMode matrix;
        try {
            matrix = a.has("matrix") ? KerasTokenizer.MatrixMode.parse(a.get("matrix", "")) : null;
        } catch (IllegalArgumentException e) {
            throw new UsageException("--matrix: " + e.getMessage());
        }
        final boolean pad = a.has("maxlen") || a.has("padding") || a.has("truncating") || a.has("value");
        if (matrix != null && pad) {
            throw new UsageException("--matrix does not combine with padding options");
        }
        final int maxlen = a.getInt("maxlen", -1);
        if (a.has("maxlen") && maxlen < 0) {
            throw new UsageException("--maxlen must be >= 0");
        }
        final String padding = a.getEnum("padding", PadSide::of, PadSide.PRE).wireName();
        final String truncating = a.getEnum("truncating", PadSide::of, PadSide.PRE).wireName();
        final int value = a.getInt("value", 0);
        final BufferedReader reader = TextIo.reader(in);
        if (matrix != null && matrix == KerasTokenizer.MatrixMode.TFIDF && tokenizer.documentCount() == 0) {
            throw new UsageException("--matrix tfidf needs a non-empty --fit file");
        }
        if (pad && maxlen < 0) {
            final List<int[]> all = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                all.add(tokenizer.textToSequence(line));
            }
            for (final int[] row : Padding.padSequences(all, -1, padding, truncating, value)) {
                TextIo.jsonLine(out, row);
            }
            out.flush();
            return 0;
        }
        String line;
        while ((line = reader.readLine()) != null) {
            final int[] seq = tokenizer.textToSequence(line);
            if (matrix != null) {
                TextIo.jsonLine(out, tokenizer.sequencesToMatrix(List.of(seq), matrix)[0]);
            } else if (pad) {
                TextIo.jsonLine(out, Padding.pad(seq, maxlen, padding, truncating, value));
            } else {
                TextIo.jsonLine(out, seq);
            }
        }
        out.flush();
        return 0;
    }
}
