package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TreebankTokenizerTest {

    private static List<String> tok(final String s) {
        return TreebankTokenizer.tokenize(s);
    }

    @Test
    void nltkDocstringExample() {
        // NLTKWordTokenizer docstring: periods stay on York. and them. except the final one.
        assertThat(tok("Good muffins cost $3.88 (roughly 3,36 euros)\nin New York.  Please buy me\ntwo of them.\nThanks."))
                .containsExactly("Good", "muffins", "cost", "$", "3.88", "(", "roughly", "3,36", "euros", ")", "in",
                        "New", "York.", "Please", "buy", "me", "two", "of", "them.", "Thanks", ".");
    }

    @Test
    void clitics() {
        assertThat(tok("I'm sure they'll say we've won't can't I'd"))
                .containsExactly("I", "'m", "sure", "they", "'ll", "say", "we", "'ve", "wo", "n't", "ca", "n't", "I", "'d");
        assertThat(tok("You cannot gonna gimme lemme wanna go")).containsExactly(
                "You", "can", "not", "gon", "na", "gim", "me", "lem", "me", "wan", "na", "go");
        // Current NLTK splits an opening apostrophe before a word that is not a clitic, so 'Tis stays whole.
        assertThat(tok("'Tis the season, 'twas")).containsExactly("'", "Tis", "the", "season", ",", "'", "twas");
    }

    @Test
    void quotesBecomeTreebankQuotes() {
        assertThat(tok("\"Hello,\" she said, \"it's 'fine'.\"")).containsExactly(
                "``", "Hello", ",", "''", "she", "said", ",", "``", "it", "'s", "'", "fine", "'", ".", "''");
        assertThat(tok("«Bonjour» “smart” ‘quotes’")).containsExactly(
                "«", "Bonjour", "»", "“", "smart", "”", "‘", "quotes", "’");
    }

    @Test
    void bracketsEllipsesAndDashes() {
        assertThat(tok("It was (mostly) great... or [not] -- really")).containsExactly(
                "It", "was", "(", "mostly", ")", "great", "...", "or", "[", "not", "]", "--", "really");
        assertThat(tok("Wait—what?")).containsExactly("Wait", "—", "what", "?");
    }

    @Test
    void numbersUrlsAndEmoticons() {
        assertThat(tok("It costs $45.55, 3.14 or 1,000 at 10:30 pm")).containsExactly(
                "It", "costs", "$", "45.55", ",", "3.14", "or", "1,000", "at", "10:30", "pm");
        assertThat(tok("see http://example.com/a?b=1 or mail a@b.org")).containsExactly(
                "see", "http", ":", "//example.com/a", "?", "b=1", "or", "mail", "a", "@", "b.org");
        assertThat(tok("Loved it :) :-( <3")).containsExactly("Loved", "it", ":", ")", ":", "-", "(", "<", "3");
    }

    @Test
    void emptyAndBlank() {
        assertThat(tok("")).isEmpty();
        assertThat(tok("   ")).isEmpty();
        assertThat(tok(null)).isEmpty();
    }

    /** Random strings over the characters the rules care about: chunked == whole-sentence cascade. */
    @Test
    void chunkedTokenizationEqualsTheCascadeOnRandomText() {
        final String alphabet = "aAnNtTsSdDmMlLrReEvVyYoOiIgGwW01 ..,,::;'''\"\"`()[]{}<>-!?*$%&@#\t\u0085\u00a0«»“”‘’—…é한";
        final Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            final StringBuilder sb = new StringBuilder();
            final int len = random.nextInt(24);
            for (int k = 0; k < len; k++) {
                sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            final String s = sb.toString();
            assertThat(TreebankTokenizer.tokenize(s)).as("'%s'", s).isEqualTo(TreebankTokenizer.reference(s));
        }
        for (final String w : new String[] {"cannot", "gimme", "gonna", "gotta", "lemme", "wanna", "CanNot", "d'ye",
            "more'n", "'tis", "'Twas", "gonnA."}) {
            for (final String s : new String[] {w, "x " + w, w + " x", "x " + w + " y", "\"" + w + "\""}) {
                assertThat(TreebankTokenizer.tokenize(s)).as(s).isEqualTo(TreebankTokenizer.reference(s));
            }
        }
    }

    /** The same on real reviews (normalized, split), when the corpus is present. */
    @Test
    void chunkedTokenizationEqualsTheCascadeOnImdbReviews() throws Exception {
        final Path file = Path.of(System.getProperty("sentiment.data.dir", "../../shared/data"), "imdb", "test.tsv.gz");
        Assumptions.assumeTrue(Files.isRegularFile(file), "IMDB corpus not found at " + file + "; skipping");
        final List<String> texts = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(
                new GZIPInputStream(Files.newInputStream(file)), StandardCharsets.UTF_8))) {
            r.readLine();
            String line;
            while ((line = r.readLine()) != null && texts.size() < 500) {
                texts.add(line.split("\t", -1)[1]);
            }
        }
        final Normalizer normalizer = new Normalizer(false, true);
        for (final String text : texts) {
            assertThat(TreebankTokenizer.tokenize(text)).isEqualTo(TreebankTokenizer.reference(text));
            for (final String s : SentenceSplitter.split(normalizer.normalize(text))) {
                assertThat(TreebankTokenizer.tokenize(s)).as(s).isEqualTo(TreebankTokenizer.reference(s));
            }
        }
    }
}
