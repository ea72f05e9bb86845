package io.sentimentstreams.trainer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.vocab.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WordVectorsTest {

    @TempDir
    Path dir;

    private static Vocabulary vocabulary() {
        return new Vocabulary(Map.of("<OOV>", 1, "good", 2, "bad", 3, "film", 4), Map.of("good", 5L, "bad", 4L,
                "film", 3L), "<OOV>", 3);
    }

    @Test
    void gloveVectorsFillTheRowsOfKnownWordsOnly() throws IOException {
        final Path glove = dir.resolve("glove.txt");
        Files.writeString(glove, "the 0.1 0.2 0.3\ngood 1 2 3\nbad -1 -2 -3.5\nfilm 7 8 9\n");
        final WordVectors.Loaded loaded = WordVectors.load(glove, vocabulary(), 4, 3);
        assertThat(loaded.dim()).isEqualTo(3);
        // "film" has index 4, outside the 4 embedding rows (num_words 4 keeps indices 1..3).
        assertThat(loaded.vectors()).containsOnlyKeys("good", "bad");
        final float[][] table = new float[4][3];
        table[3][0] = 42f;
        assertThat(WordVectors.apply(loaded, vocabulary(), table)).isEqualTo(2);
        assertThat(table[2]).containsExactly(1f, 2f, 3f);
        assertThat(table[3]).containsExactly(-1f, -2f, -3.5f);
        assertThat(table[0]).containsExactly(0f, 0f, 0f);
        assertThat(table[1]).containsExactly(0f, 0f, 0f);
    }

    @Test
    void word2vecTextHeaderIsSkipped() throws IOException {
        final Path w2v = dir.resolve("vectors.txt");
        Files.writeString(w2v, "3 2\ngood 0.5 0.25\nbad 1 1\nfilm 2 2\n");
        final WordVectors.Loaded loaded = WordVectors.load(w2v, vocabulary(), 5, 2);
        assertThat(loaded.vectors()).containsOnlyKeys("good", "bad", "film");
        assertThat(loaded.vectors().get("good")).containsExactly(0.5f, 0.25f);
    }

    @Test
    void widthMismatchAndRaggedLinesAreErrorsNamingTheProblem() throws IOException {
        final Path glove = dir.resolve("g.txt");
        Files.writeString(glove, "good 1 2 3\n");
        assertThatThrownBy(() -> WordVectors.load(glove, vocabulary(), 4, 50))
                .isInstanceOf(IOException.class).hasMessageContaining("3 dimensions").hasMessageContaining("50");
        final Path ragged = dir.resolve("r.txt");
        Files.writeString(ragged, "good 1 2 3\nbad 1 2\n");
        assertThatThrownBy(() -> WordVectors.load(ragged, vocabulary(), 4, 0))
                .isInstanceOf(IOException.class).hasMessageContaining(":2:");
        final Path nan = dir.resolve("n.txt");
        Files.writeString(nan, "good 1 x 3\n");
        assertThatThrownBy(() -> WordVectors.load(nan, vocabulary(), 4, 0))
                .isInstanceOf(IOException.class).hasMessageContaining("not a number");
    }
}
