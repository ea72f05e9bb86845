package io.sentimentstreams.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.sentimentstreams.bundle.Architecture;
import io.sentimentstreams.bundle.ModelBundle;
import io.sentimentstreams.model.fast.ReferenceNetworks;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fast engine's clean fallback in a JVM started without {@code --add-modules jdk.incubator.vector}
 * (every JVM the project starts has the flag, so only a child JVM without it can show this path): the
 * model loads, serves on dl4j, and the canary says why, instead of a linkage error.
 */
class WithoutVectorModuleTest {

    @TempDir
    Path tmp;

    @Test
    void aJvmWithoutTheVectorModuleServesOnDl4jAndSaysWhy() throws Exception {
        final Architecture a = ReferenceNetworks.architecture(300, 8, 12, "max", 0, null, true, 20);
        TestBundles.write(tmp.resolve("bundle"), ReferenceNetworks.build(a, 3, 0.3), a);
        final Path out = tmp.resolve("child.out");
        final List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx1g",
                "-cp", testClassPath(), Child.class.getName(), tmp.resolve("bundle").toString()));
        final Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("child JVM finished").isTrue();
        final String log = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(log).isZero();
        assertThat(log).contains("vector=false").contains("engine=dl4j").contains("status=UNAVAILABLE")
                .contains("--add-modules jdk.incubator.vector").contains("scores=5");
    }

    /** Surefire may hand the tests a manifest-only jar; the real class path is in this property then. */
    private static String testClassPath() {
        final String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    /** Runs in the child JVM: load with the fast engine requested and print what was chosen. */
    public static final class Child {
        public static void main(final String[] args) throws IOException, io.sentimentstreams.bundle.BundleException {
            final ModelBundle bundle = ModelBundle.load(Path.of(args[0]));
            try (LoadedModel m = Engines.load(bundle, EngineChoice.FAST)) {
                final float[] s = m.score(Canary.inputs(bundle, 5));
                System.out.println("vector=" + Engines.vectorApiAvailable() + " engine=" + m.engine() + " status="
                        + m.canary().status() + " reason=" + m.canary().reason() + " scores=" + s.length);
            }
        }
    }
}
