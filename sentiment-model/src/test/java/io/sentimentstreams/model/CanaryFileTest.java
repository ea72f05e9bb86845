package io.sentimentstreams.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CanaryFileTest {

    @TempDir
    Path tmp;

    @Test
    void rowsAndProbabilitiesReadBackExactlyForBothPaddingSides() throws Exception {
        for (final boolean post : new boolean[] {false, true}) {
            final int[][] rows = post
                    ? new int[][] {{0, 0, 0, 0}, {5, 0, 0, 0}, {1, 1, 1, 1}, {7, 8, 9, 0}}
                    : new int[][] {{0, 0, 0, 0}, {0, 0, 0, 5}, {1, 1, 1, 1}, {0, 7, 8, 9}};
            final float[] p = {0.1f, 0.33333334f, Math.nextUp(0.5f), 1e-7f};
            final Path f = tmp.resolve("c" + post + ".tsv");
            new CanaryFile(rows, p).write(f, "unit test", post);
            final CanaryFile back = CanaryFile.read(f, 4, post);
            assertThat(back.ids()).isDeepEqualTo(rows);
            assertThat(back.probabilities()).containsExactly(p);
        }
    }

    @Test
    void rowsWithHolesAreRefusedOnWriteAndMalformedLinesOnRead() throws Exception {
        assertThatThrownBy(() -> new CanaryFile(new int[][] {{3, 0, 4}}, new float[] {0.5f})
                .write(tmp.resolve("hole.tsv"), "x", true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("row 0");
        final Path bad = tmp.resolve("bad.tsv");
        Files.writeString(bad, "# c\n0.5\t1 2\n0.x\t3\n");
        assertThatThrownBy(() -> CanaryFile.read(bad, 4, false)).isInstanceOf(IOException.class)
                .hasMessageContaining("line 3");
        Files.writeString(bad, "0.5\t1 2 3 4 5\n");
        assertThatThrownBy(() -> CanaryFile.read(bad, 4, false)).hasMessageContaining("maxlen 4");
        Files.writeString(bad, "0.5\t1 0 3\n");
        assertThatThrownBy(() -> CanaryFile.read(bad, 4, false)).hasMessageContaining("not a token id");
    }
}
