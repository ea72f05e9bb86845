package io.sentimentstreams.cli.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunDirsTest {

    @Test
    void aNewRunKeepsTheNewestEarlierRunsOfItsKindAndNothingElseIsTouched(@TempDir final Path home) throws Exception {
        final Path runs = home.resolve(".sentiment/runs");
        for (final String name : new String[] {"e2e-100", "e2e-300", "e2e-200", "e2e-50", "faults-10", "faults-20",
                "faults-30", "up", "e2e-notes", "demo-5"}) {
            Files.createDirectories(runs.resolve(name).resolve("kafka"));
            Files.writeString(runs.resolve(name).resolve("kafka/log"), "data");
        }
        Files.writeString(runs.resolve("e2e-1"), "a file, not a run directory");

        final Path fresh = RunDirs.fresh(home, "e2e");

        assertThat(fresh.getParent()).isEqualTo(runs);
        assertThat(fresh.getFileName().toString()).matches("e2e-\\d+");
        assertThat(Files.exists(fresh)).isFalse();
        try (Stream<Path> left = Files.list(runs)) {
            assertThat(left.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("e2e-300", "e2e-200", "faults-10", "faults-20", "faults-30", "up",
                            "e2e-notes", "demo-5", "e2e-1");
        }
    }

    @Test
    void worksBeforeAnyRunExists(@TempDir final Path home) throws Exception {
        assertThat(RunDirs.fresh(home, "fuzz").getFileName().toString()).startsWith("fuzz-");
    }
}
