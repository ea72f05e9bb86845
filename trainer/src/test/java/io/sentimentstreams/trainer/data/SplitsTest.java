package io.sentimentstreams.trainer.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class SplitsTest {

    private static List<LabeledText> rows(final int n) {
        final List<LabeledText> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new LabeledText("r" + i, "text " + i, i % 2, i + 2));
        }
        return out;
    }

    @Test
    void sameSeedGivesTheSameSplitAndAnotherSeedAnother() {
        final List<LabeledText> rows = rows(1000);
        final Splits.Split a = Splits.split(rows, 0.1, 42);
        final Splits.Split b = Splits.split(rows, 0.1, 42);
        final Splits.Split c = Splits.split(rows, 0.1, 43);
        assertThat(a.validation()).isEqualTo(b.validation());
        assertThat(a.validation()).isNotEqualTo(c.validation());
        assertThat(a.train()).hasSize(900);
        assertThat(a.validation()).hasSize(100);
    }

    @Test
    void validationRowsComeFromTheGivenRowsAndDoNotOverlapTraining() {
        final List<LabeledText> rows = rows(200);
        final Splits.Split s = Splits.split(rows, 0.25, 7);
        final var train = new HashSet<>(s.train());
        assertThat(s.validation()).allMatch(r -> !train.contains(r)).allMatch(rows::contains);
        assertThat(train.size() + s.validation().size()).isEqualTo(200);
    }

    @Test
    void duplicatesAndTrainTestOverlapAreCounted() {
        final List<LabeledText> train = List.of(new LabeledText("a", "same", 1, 2), new LabeledText("b", "same", 0, 3),
                new LabeledText("c", "same", 1, 4), new LabeledText("d", "other", 0, 5));
        final List<LabeledText> test = List.of(new LabeledText("x", "other", 0, 2), new LabeledText("y", "new", 1, 3));
        assertThat(Splits.duplicates(train)).isEqualTo(new Splits.Duplicates(2, 1));
        assertThat(Splits.overlap(train, test)).isEqualTo(1);
    }
}
