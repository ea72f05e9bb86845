package io.sentimentstreams.vocab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VocabularyTest {

    @TempDir
    Path dir;

    @Test
    void tsvIsWordIndexCountInIndexOrderWithOovCountZero() throws IOException {
        final Vocabulary v = new KerasTokenizer(KerasTokenizer.Options.defaults().withOovToken("<OOV>"))
                .fitOnTokenLists(KerasTokenizerTest.BARBER).vocabulary();
        final Path tsv = dir.resolve("vocab.tsv");
        v.writeTsv(tsv);
        final List<String> lines = Files.readAllLines(tsv, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(14);
        assertThat(lines.subList(0, 3)).containsExactly("<OOV>\t1\t0", "barber\t2\t8", "secret\t3\t6");
        final Vocabulary back = Vocabulary.readTsv(tsv);
        assertThat(back.oovToken()).isEqualTo("<OOV>");
        assertThat(back.wordIndex()).isEqualTo(v.wordIndex());
        assertThat(back.wordsByIndex()).isEqualTo(v.wordsByIndex());
        assertThat(back.countOf("secret")).isEqualTo(6);
        assertThat(back.oovIndex()).isEqualTo(1);
    }

    @Test
    void tsvWithoutOovInfersNone() throws IOException {
        final Vocabulary v = new KerasTokenizer().fitOnTokenLists(KerasTokenizerTest.BARBER).vocabulary();
        final Path tsv = dir.resolve("vocab.tsv");
        v.writeTsv(tsv);
        assertThat(Vocabulary.readTsv(tsv).oovToken()).isNull();
        assertThat(Vocabulary.readTsv(tsv).oovIndex()).isEqualTo(-1);
        assertThat(Vocabulary.readTsv(tsv, "barber").oovIndex()).isEqualTo(1);
    }

    @Test
    void tabsNewlinesAndBackslashesInWordsAreEscaped() throws IOException {
        final Vocabulary v = new Vocabulary(Map.of("a\tb", 1, "c\nd", 2, "e\\f", 3, "#", 4),
                Map.of("a\tb", 4L, "c\nd", 3L, "e\\f", 2L, "#", 1L), null, 5);
        final Path tsv = dir.resolve("vocab.tsv");
        v.writeTsv(tsv);
        assertThat(Files.readString(tsv)).isEqualTo("a\\tb\t1\t4\nc\\nd\t2\t3\ne\\\\f\t3\t2\n#\t4\t1\n");
        assertThat(Vocabulary.readTsv(tsv).wordIndex()).isEqualTo(v.wordIndex());
    }

    @Test
    void malformedTsvNamesTheLine() throws IOException {
        final Path tsv = dir.resolve("vocab.tsv");
        Files.writeString(tsv, "a\t1\t3\nb\tx\t2\n");
        assertThatThrownBy(() -> Vocabulary.readTsv(tsv)).isInstanceOf(IOException.class).hasMessageContaining(":2:");
        Files.writeString(tsv, "a\t1\t3\nb\t1\t2\n");
        assertThatThrownBy(() -> Vocabulary.readTsv(tsv)).isInstanceOf(IOException.class)
                .hasMessageContaining("index 1");
        Files.writeString(tsv, "a\t1\n");
        assertThatThrownBy(() -> Vocabulary.readTsv(tsv)).isInstanceOf(IOException.class)
                .hasMessageContaining("word<TAB>index<TAB>count");
        Files.writeString(tsv, "a\t1\t3\n");
        assertThatThrownBy(() -> Vocabulary.readTsv(tsv, "<OOV>")).isInstanceOf(IOException.class)
                .hasMessageContaining("OOV");
    }

    @Test
    void lookupsAndBounds() {
        final Vocabulary v = new KerasTokenizer().fitOnTokenLists(KerasTokenizerTest.BARBER).vocabulary();
        assertThat(v.indexOf("barber")).isEqualTo(1);
        assertThat(v.indexOf("nope")).isEqualTo(-1);
        assertThat(v.wordAt(13)).isEqualTo("mountain");
        assertThat(v.wordAt(0)).isNull();
        assertThat(v.wordAt(14)).isNull();
        assertThat(v.size()).isEqualTo(13);
        assertThat(v.maxIndex()).isEqualTo(13);
        assertThat(v.documentCount()).isEqualTo(11);
    }
}
