package io.sentimentstreams.cli.text;

import io.sentimentstreams.cli.Args;
import io.sentimentstreams.cli.Command;
import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.text.KerasTextToWordSequence;
import io.sentimentstreams.text.Normalizer;
import io.sentimentstreams.text.NoriTokenizer;
import io.sentimentstreams.text.OktTokenizer;
import io.sentimentstreams.text.SentenceSplitter;
import io.sentimentstreams.text.TextPipeline;
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

    /** The pipeline's tokenizers, plus the sentence splitter on its own. */
    private static final List<String> TOKENIZERS = Stream.concat(TextPipeline.TOKENIZERS.stream(),
            Stream.of("sentences")).toList();

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
        final String tokenizer = a.require("tokenizer");
        if (!TOKENIZERS.contains(tokenizer)) {
            throw new UsageException("--tokenizer must be one of " + String.join(", ", TOKENIZERS) + "; got '"
                    + tokenizer + "'");
        }
        final boolean pos = a.has("pos");
        final boolean nouns = a.has("nouns");
        if (pos && nouns) {
            throw new UsageException("--pos and --nouns exclude each other");
        }
        if ((pos && !tokenizer.equals("okt") && !tokenizer.equals("nori")) || (nouns && !tokenizer.equals("okt"))) {
            throw new UsageException((pos ? "--pos" : "--nouns") + " is not available for --tokenizer " + tokenizer);
        }
        if ((a.has("norm") || a.has("stem")) && !tokenizer.equals("okt")) {
            throw new UsageException("--norm and --stem are Okt options (--tokenizer okt)");
        }
        if (tokenizer.equals("okt")) {
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

    static Object tokens(final String tokenizer, final String text, final boolean pos, final boolean nouns,
                         final boolean norm, final boolean stem) {
        switch (tokenizer) {
            case "treebank": {
                final List<String> out = new ArrayList<>();
                for (final String sentence : SentenceSplitter.split(text)) {
                    TreebankTokenizer.tokenize(sentence, out);
                }
                return out;
            }
            case "wordpunct":
                return WordPunctTokenizer.tokenize(text);
            case "keras":
                return KerasTextToWordSequence.defaults().apply(text);
            case "sentences":
                return SentenceSplitter.split(text);
            case "okt":
                if (pos) {
                    return OktTokenizer.pos(text, norm, stem).stream().map(m -> List.of(m.text(), m.pos())).toList();
                }
                return nouns ? OktTokenizer.nouns(text) : OktTokenizer.morphs(text, norm, stem);
            case "nori":
                return pos ? NoriTokenizer.pos(text).stream().map(m -> List.of(m.text(), m.pos())).toList()
                        : NoriTokenizer.tokenize(text);
            case "nori-punct":
                return NoriTokenizer.tokenizeKeepingSymbols(text);
            default:
                throw new UsageException("unknown tokenizer " + tokenizer);
        }
    }
}
