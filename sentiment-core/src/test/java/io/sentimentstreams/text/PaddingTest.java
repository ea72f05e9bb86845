package io.sentimentstreams.text;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sentimentstreams.contracts.Lang;
import java.util.List;
import org.junit.jupiter.api.Test;

class PaddingTest {

    private static final List<int[]> SEQS = List.of(new int[] {1, 2, 3}, new int[] {4, 5}, new int[] {}, new int[] {6});

    @Test
    void pipelineConfigSaysPostOnlyForPostAndDefaultsToPre() {
        assertThat(PipelineConfig.englishDefaults().postPadding()).isFalse();
        assertThat(PipelineConfig.builder(Lang.EN).padding(PadSide.POST).maxChars(0).build().postPadding()).isTrue();
        assertThat(PipelineConfig.builder(Lang.EN).padding(null).truncating(null).maxChars(0).build().postPadding())
                .as("unrecorded = Keras' pre").isFalse();
    }

    @Test
    void defaultsPadPreToTheLongest() {
        assertThat(Padding.padSequences(SEQS)).isDeepEqualTo(new int[][] {{1, 2, 3}, {0, 4, 5}, {0, 0, 0}, {0, 0, 6}});
    }

    @Test
    void truncatingPreKeepsTheLastItems() {
        assertThat(Padding.padSequences(SEQS, 2, "pre", "pre", 0)[0]).containsExactly(2, 3);
        assertThat(Padding.padSequences(SEQS, 2, "pre", "post", 0)[0]).containsExactly(1, 2);
    }

    @Test
    void postPaddingAndValue() {
        assertThat(Padding.padSequences(SEQS, 4, "post", "pre", -1))
                .isDeepEqualTo(new int[][] {{1, 2, 3, -1}, {4, 5, -1, -1}, {-1, -1, -1, -1}, {6, -1, -1, -1}});
    }

    @Test
    void maxlenZeroGivesEmptyRows() {
        assertThat(Padding.padSequences(SEQS, 0, "pre", "pre", 0)).isDeepEqualTo(new int[][] {{}, {}, {}, {}});
        assertThat(Padding.padSequences(List.of())).isEmpty();
    }

    @Test
    void invalidArgumentsAreErrors() {
        assertThatThrownBy(() -> Padding.padSequences(SEQS, 3, "middle", "pre", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Padding type \"middle\"");
        assertThatThrownBy(() -> Padding.padSequences(SEQS, 3, "pre", "both", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Truncating type \"both\"");
        assertThatThrownBy(() -> Padding.pad(new int[] {1}, -2, "pre", "pre", 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxlen");
        // Keras only notices a bad mode on a non-empty row; here it is an error up front, even for no rows
        assertThatThrownBy(() -> Padding.padSequences(List.of(), 3, "pre", "sideways", 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
