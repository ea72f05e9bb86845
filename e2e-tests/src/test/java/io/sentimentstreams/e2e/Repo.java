package io.sentimentstreams.e2e;

import java.nio.file.Path;

/** Where the repository and the labeled corpora are, as surefire tells the tests. */
final class Repo {

    private Repo() {
    }

    static Path home() {
        return Path.of(System.getProperty("sentiment.repo.dir", "..")).toAbsolutePath().normalize();
    }

    static Path data() {
        return Path.of(System.getProperty("sentiment.data.dir", "../../shared/data")).toAbsolutePath().normalize();
    }
}
