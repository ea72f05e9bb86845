package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.vocab.KerasTokenizer;
import io.sentimentstreams.vocab.Vocabulary;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Invariants checked on seeded random inputs (plain JUnit generators, reproducible from the seed): padding
 * length, index bounds, OOV mapping, and that {@code wordpunct} loses no non-space character.
 */
class PipelinePropertiesTest {

    private static final String ALPHABET = "abcXYZ019 _.,;:'\"!?()-–—…😀한국어é\u0301\t\u00a0<>&#/@$%";

    private static String randomText(final Random r, final int maxLen) {
        final StringBuilder sb = new StringBuilder();
        final int len = r.nextInt(maxLen + 1);
        while (sb.length() < len) {
            final int cp = ALPHABET.codePointAt(ALPHABET.offsetByCodePoints(0, r.nextInt(ALPHABET.codePointCount(0,
                    ALPHABET.length()))));
            sb.appendCodePoint(cp);
        }
        return sb.toString();
    }

    @Test
    void wordpunctLosesNoNonSpaceCharacter() {
        final Random r = new Random(7);
        for (int i = 0; i < 5_000; i++) {
            final String s = randomText(r, 40);
            final StringBuilder expected = new StringBuilder();
            s.codePoints().filter(cp -> !PyChars.isSpace(cp)).forEach(expected::appendCodePoint);
            assertThat(String.join("", WordPunctTokenizer.tokenize(s))).as(s).isEqualTo(expected.toString());
            for (final String t : WordPunctTokenizer.tokenize(s)) {
                assertThat(t).isNotEmpty();
            }
        }
    }

    @Test
    void paddingAlwaysYieldsMaxlenAndKeepsTheRightEnd() {
        final Random r = new Random(11);
        for (int i = 0; i < 5_000; i++) {
            final int[] seq = r.ints(r.nextInt(30), 1, 100).toArray();
            final int maxlen = r.nextInt(25);
            final boolean padPre = r.nextBoolean();
            final boolean truncPre = r.nextBoolean();
            final int[] row = Padding.pad(seq, maxlen, padPre, truncPre, 0);
            assertThat(row).hasSize(maxlen);
            final int kept = Math.min(seq.length, maxlen);
            final int from = truncPre ? seq.length - kept : 0;
            final int at = padPre ? maxlen - kept : 0;
            for (int k = 0; k < kept; k++) {
                assertThat(row[at + k]).isEqualTo(seq[from + k]);
            }
            assertThat(java.util.Arrays.stream(row).filter(v -> v == 0).count()).isEqualTo(maxlen - kept);
        }
    }

    @Test
    void encodedIdsStayBelowNumWordsAndUnknownsBecomeOov() {
        final Random r = new Random(13);
        final List<String> corpus = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            corpus.add(randomText(r, 60));
        }
        for (final Tokenizer tokenizer
                : List.of(Tokenizer.TREEBANK, Tokenizer.WORDPUNCT, Tokenizer.KERAS, Tokenizer.NORI)) {
            for (final int numWords : new int[] {0, 5, 50}) {
                for (final String oov : new String[] {null, "<OOV>"}) {
                    final PipelineConfig c = PipelineConfig.builder(Lang.EN).tokenizer(tokenizer).numWords(numWords)
                            .oovToken(oov).maxlen(12).maxChars(10_000).build();
                    final TextPipeline fitter = TextPipeline.of(c);
                    final KerasTokenizer keras = fitter.fit(corpus.subList(0, 150));
                    final Vocabulary v = keras.vocabulary();
                    final TextPipeline p = TextPipeline.of(c, v);
                    for (final String text : corpus) {
                        final List<String> tokens = p.tokenize(text);
                        final Encoding e = p.encode(text);
                        assertThat(e.ids()).hasSize(12);
                        assertThat(e.tokenCount()).isEqualTo(tokens.size());
                        final int limit = numWords > 0 ? numWords : v.maxIndex() + 1;
                        assertThat(java.util.Arrays.stream(e.ids()).allMatch(id -> id >= 0 && id < limit)).isTrue();
                        int unknown = 0;
                        for (final String t : tokens) {
                            final int i = v.indexOf(t);
                            if (i < 1 || (numWords > 0 && i >= numWords)) {
                                unknown++;
                            }
                        }
                        assertThat(e.oovCount()).isEqualTo(unknown);
                        // the unpadded ids equal Keras' texts_to_sequences on the same tokens
                        final int[] keras1 = keras.toIds(tokens);
                        final int[] expected = Padding.pad(keras1, 12, true, true, 0);
                        assertThat(e.ids()).as("%s %s %s", tokenizer, numWords, oov).containsExactly(expected);
                    }
                }
            }
        }
    }

    @Test
    void tokenizeIsTotalOnRandomUtf16() {
        final Random r = new Random(17);
        final TextPipeline en = TextPipeline.of(PipelineConfig.englishDefaults());
        final TextPipeline ko = TextPipeline.of(PipelineConfig.builder(Lang.KO).tokenizer(Tokenizer.NORI).oktNorm(false)
                .oktStem(false).stopwords(Stopwords.KO_JOSA).minTokenLength(2).numWords(0).oovToken(null).maxlen(0)
                .maxChars(10_000).build());
        for (int i = 0; i < 2_000; i++) {
            final char[] chars = new char[r.nextInt(50)];
            for (int k = 0; k < chars.length; k++) {
                chars[k] = (char) r.nextInt(0x10000);
            }
            final String s = new String(chars);
            assertThat(en.tokenize(s)).doesNotContainNull().allMatch(t -> !t.isEmpty());
            assertThat(ko.tokenize(s)).doesNotContainNull().allMatch(t -> t.codePointCount(0, t.length()) >= 2);
        }
        assertThat(en.fallbackCount()).isZero();
    }
}
