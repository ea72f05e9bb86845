package io.sentimentstreams.cli.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.cli.UsageException;
import io.sentimentstreams.text.OktTokenizer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextCommandsTest {

    @TempDir
    Path dir;

    private record Result(int code, String out, String err) {
    }

    private static Result run(final io.sentimentstreams.cli.Command command, final String stdin,
                              final String... args) throws Exception {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = command.run(List.of(args), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void tokenizeTreebankWritesOneJsonArrayPerLine() throws Exception {
        final Result r = run(new TokenizeCommand(), "Don't be fooled.\n\nMr. Jone's shop.\n", "--tokenizer", "treebank");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("[\"Do\",\"n't\",\"be\",\"fooled\",\".\"]\n[]\n"
                + "[\"Mr.\",\"Jone\",\"'s\",\"shop\",\".\"]\n");
    }

    @Test
    void tokenizeWordpunctKerasAndSentences() throws Exception {
        assertThat(run(new TokenizeCommand(), "Mr. Jone's\n", "--tokenizer", "wordpunct").out())
                .isEqualTo("[\"Mr\",\".\",\"Jone\",\"'\",\"s\"]\n");
        assertThat(run(new TokenizeCommand(), "Mr. Jone's\n", "--tokenizer=keras").out())
                .isEqualTo("[\"mr\",\"jone's\"]\n");
        assertThat(run(new TokenizeCommand(), "농담아니에요. 이제 해보면 알걸요?\n", "--tokenizer", "sentences").out())
                .isEqualTo("[\"농담아니에요.\",\"이제 해보면 알걸요?\"]\n");
    }

    @Test
    void tokenizeNoriWithPosWritesPairs() throws Exception {
        final Result r = run(new TokenizeCommand(), "영화가 좋다\n", "--tokenizer", "nori", "--pos");
        assertThat(r.code()).isZero();
        assertThat(r.out()).startsWith("[[\"영화\",\"NNG\"],[\"가\",\"J\"]");
    }

    @Test
    void tokenizeNoriPunctKeepsEmoticons() throws Exception {
        final Result r = run(new TokenizeCommand(), "좋다 ^^\n", "--tokenizer", "nori-punct");
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("[\"좋\",\"다\",\"^^\"]\n");
    }

    @Test
    void tokenizeOktPosNounsAndMorphs() throws Exception {
        Assumptions.assumeTrue(String.valueOf(OktTokenizer.scalaVersion()).startsWith("2.12"),
                "sentiment-cli resolves scala-library " + OktTokenizer.scalaVersion()
                        + "; Okt needs 2.12 (pin it in sentiment-cli/pom.xml); skipping");
        final String text = "열심히 코딩한 당신, 연휴에는 여행을 가봐요\n";
        assertThat(run(new TokenizeCommand(), text, "--tokenizer", "okt", "--nouns").out())
                .isEqualTo("[\"코딩\",\"당신\",\"연휴\",\"여행\"]\n");
        assertThat(run(new TokenizeCommand(), text, "--tokenizer", "okt", "--pos").out())
                .startsWith("[[\"열심히\",\"Adverb\"],[\"코딩\",\"Noun\"]");
        assertThat(run(new TokenizeCommand(), text, "--tokenizer", "okt", "--stem").out()).contains("\"가보다\"");
    }

    @Test
    void tokenizeRejectsBadUsage() {
        assertThatThrownBy(() -> run(new TokenizeCommand(), "", "--tokenizer", "spacy"))
                .isInstanceOf(UsageException.class).hasMessageContaining("spacy");
        assertThatThrownBy(() -> run(new TokenizeCommand(), "", "--tokenizer", "treebank", "--bogus"))
                .isInstanceOf(UsageException.class).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> run(new TokenizeCommand(), "", "--tokenizer", "treebank", "--pos"))
                .isInstanceOf(UsageException.class).hasMessageContaining("--pos");
        assertThatThrownBy(() -> run(new TokenizeCommand(), ""))
                .isInstanceOf(UsageException.class).hasMessageContaining("--tokenizer");
    }

    @Test
    void mainMapsUnknownFlagToExitTwoWithOneLine() {
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int code = io.sentimentstreams.cli.Main.run(new String[] {"tokenize", "--nope"},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("sentiment tokenize: unknown option --nope\n");
    }

    private Path barberFile() throws Exception {
        final Path f = dir.resolve("fit.txt");
        Files.writeString(f, String.join("\n", "barber person", "barber good person", "barber huge person",
                "knew secret", "secret kept huge secret", "huge secret", "barber kept word", "barber kept word",
                "barber kept secret", "keeping keeping huge secret driving barber crazy", "barber went huge mountain")
                + "\n");
        return f;
    }

    @Test
    void encodeFollowsKerasNumWordsAndOov() throws Exception {
        final String fit = barberFile().toString();
        assertThat(run(new EncodeCommand(), "barber good person\nkeeping keeping huge secret driving barber crazy\n",
                "--fit", fit, "--num-words", "7", "--oov-token", "OOV").out())
                .isEqualTo("[2,1,6]\n[1,1,4,3,1,2,1]\n");
        assertThat(run(new EncodeCommand(), "barber good person\n", "--fit", fit, "--num-words", "6").out())
                .isEqualTo("[1,5]\n");
    }

    @Test
    void encodePadsAndTruncatesLikePadSequences() throws Exception {
        final String fit = barberFile().toString();
        assertThat(run(new EncodeCommand(), "barber person\nsecret kept huge secret\n", "--fit", fit,
                "--maxlen", "3").out()).isEqualTo("[0,1,5]\n[4,3,2]\n");
        assertThat(run(new EncodeCommand(), "barber person\nsecret kept huge secret\n", "--fit", fit,
                "--maxlen", "3", "--padding", "post", "--truncating", "post", "--value", "-1").out())
                .isEqualTo("[1,5,-1]\n[2,4,3]\n");
        // padding options without --maxlen pad to the longest line
        assertThat(run(new EncodeCommand(), "barber\nsecret kept huge\n", "--fit", fit, "--padding", "post").out())
                .isEqualTo("[1,0,0]\n[2,4,3]\n");
    }

    @Test
    void encodeWordIndexAndMatrix() throws Exception {
        final String fit = barberFile().toString();
        assertThat(run(new EncodeCommand(), "", "--fit", fit, "--word-index").out())
                .startsWith("{\"barber\":1,\"secret\":2,\"huge\":3,\"kept\":4,\"person\":5,");
        assertThat(run(new EncodeCommand(), "barber barber secret\n", "--fit", fit, "--num-words", "4", "--matrix",
                "count").out()).isEqualTo("[0.0,2.0,1.0,0.0]\n");
    }

    @Test
    void encodeRejectsBadUsage() throws Exception {
        final String fit = barberFile().toString();
        assertThatThrownBy(() -> run(new EncodeCommand(), "", "--fit", fit, "--padding", "middle"))
                .isInstanceOf(UsageException.class).hasMessageContaining("pre or post");
        assertThatThrownBy(() -> run(new EncodeCommand(), "", "--fit", dir.resolve("missing").toString()))
                .isInstanceOf(UsageException.class).hasMessageContaining("missing");
        assertThatThrownBy(() -> run(new EncodeCommand(), "", "--fit", fit, "--matrix", "bogus"))
                .isInstanceOf(UsageException.class).hasMessageContaining("bogus");
        assertThatThrownBy(() -> run(new EncodeCommand(), "", "--fit", fit, "--lower", "yes"))
                .isInstanceOf(UsageException.class).hasMessageContaining("--lower");
        assertThatThrownBy(() -> run(new EncodeCommand(), "", "--fit", fit, "--num-words", "x"))
                .isInstanceOf(UsageException.class).hasMessageContaining("integer");
        assertThatThrownBy(() -> run(new EncodeCommand(), "")).isInstanceOf(UsageException.class)
                .hasMessageContaining("--fit");
    }
}
