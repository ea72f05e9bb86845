package io.sentimentstreams.cli.text;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.text.KerasTextToWordSequence;
import io.sentimentstreams.text.Normalizer;
import io.sentimentstreams.text.NoriTokenizer;
import io.sentimentstreams.text.OktTokenizer;
import io.sentimentstreams.text.SentenceSplitter;
import io.sentimentstreams.text.Tokenizer;
import io.sentimentstreams.text.TreebankTokenizer;
import io.sentimentstreams.text.WordPunctTokenizer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * {@code ./sentiment tokenize}: UTF-8 lines on stdin in, one JSON array per line out (tokens, sentences, or
 * {@code [token, tag]} pairs with {@code --pos}). Lines are tokenized as given, like the reference libraries;
 * {@code --normalize} first applies the pipeline's normalizer (NFC, HTML tags, whitespace).
 */
public final class TokenizeCommand implements Command {

    static final String USAGE_TEXT = """
            usage: ./sentiment tokenize --tokenizer treebank|wordpunct|keras|okt|nori|nori-punct|sentences
                                        [--pos] [--nouns] [--norm] [--stem] [--normalize]
              treebank   NLTK word_tokenize: sentences, then Treebank tokens
              wordpunct  NLTK wordpunct_tokenize: \\w+|[^\\w\\s]+
              keras      Keras text_to_word_sequence (lowercase, default filters)
              okt        KoNLPy Okt morphs (--pos: pos, --nouns: nouns, --norm, --stem)
              nori       Lucene Nori morphemes (--pos: [token, tag])
              nori-punct Nori morphemes plus punctuation and symbols (adjacent ones joined: ..., ^^)
              sentences  Punkt-like sentence splitter (English and Korean)
            Reads stdin lines, writes one JSON array per line.
            """;

    /** The sentence splitter on its own, offered beside the pipeline's tokenizers. */
    private static final String SENTENCES = "sentences";
    /** The pipeline's tokenizers, plus {@link #SENTENCES}. */
    private static final List<String> TOKENIZERS = Stream.concat(Tokenizer.NAMES.stream(), Stream.of(SENTENCES))
            .toList();

    @Override
    public int run(final List<String> args, final InputStream in, final PrintStream out, final PrintStream err)
            throws Exception {
        final Args a = Args.parse(args, Set.of("tokenizer"), Set.of("pos", "nouns", "norm", "stem", "normalize", "help"));
        if (a.has("help")) {
            TextIo.usage(out, USAGE_TEXT);
            return 0;
        }
        if (!a.positional().isEmpty()) {
            throw new UsageException("unexpected argument '" + a.positional().get(0) + "' (input comes from stdin)");
        }
        final String name = a.require("tokenizer");
        if (!TOKENIZERS.contains(name)) {
            throw new UsageException("--tokenizer must be one of " + String.join(", ", TOKENIZERS) + "; got '"
                    + name + "'");
        }
        // null: the sentence splitter
        final Tokenizer tokenizer = SENTENCES.equals(name) ? null : Tokenizer.of(name);
        final boolean pos = a.has("pos");
        final boolean nouns = a.has("nouns");
        if (pos && nouns) {
            throw new UsageException("--pos and --nouns exclude each other");
        }
        if ((pos && tokenizer != Tokenizer.OKT && tokenizer != Tokenizer.NORI)
                || (nouns && tokenizer != Tokenizer.OKT)) {
            throw new UsageException((pos ? "--pos" : "--nouns") + " is not available for --tokenizer " + name);
        }
        if ((a.has("norm") || a.has("stem")) && tokenizer != Tokenizer.OKT) {
            throw new UsageException("--norm and --stem are Okt options (--tokenizer okt)");
        }
        if (tokenizer == Tokenizer.OKT) {
            OktTokenizer.check();
        }
        final Normalizer normalizer = a.has("normalize") ? new Normalizer(false, true) : null;
        final BufferedReader reader = TextIo.reader(in);
        String line;
        while ((line = reader.readLine()) != null) {
            final String text = normalizer == null ? line : normalizer.normalize(line);
            TextIo.jsonLine(out, tokens(tokenizer, text, pos, nouns, a.has("norm"), a.has("stem")));
        }
        out.flush();
        return 0;
    }

    /** Tokens of {@code text}; a null {@code tokenizer} is the sentence splitter. */
    static Object tokens(final Tokenizer tokenizer, final String text, final boolean pos, final boolean nouns,
                         final boolean norm, final boolean stem) {
        if (tokenizer == null) {
            return SentenceSplitter.split(text);
        }
        return switch (tokenizer) {
            case TREEBANK -> {
                final List<String> out = new ArrayList<>();
                for (final String sentence : SentenceSplitter.split(text)) {
                    TreebankTokenizer.tokenize(sentence, out);
                }
                yield out;
            }
            case WORDPUNCT -> WordPunctTokenizer.tokenize(text);
            case KERAS -> KerasTextToWordSequence.defaults().apply(text);
            case OKT -> pos ? OktTokenizer.pos(text, norm, stem).stream().map(m -> List.of(m.text(), m.pos())).toList()
                    : nouns ? OktTokenizer.nouns(text) : OktTokenizer.morphs(text, norm, stem);
            case NORI -> pos ? NoriTokenizer.pos(text).stream().map(m -> List.of(m.text(), m.pos())).toList()
                    : NoriTokenizer.tokenize(text);
            case NORI_PUNCT -> NoriTokenizer.tokenizeKeepingSymbols(text);
        };
    }
}
