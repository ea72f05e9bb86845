package io.sentimentstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import net.jpountz.lz4.LZ4Factory;
import org.junit.jupiter.api.Test;

/**
 * Runs {@link NativeLz4} the way a Quarkus service sees lz4-java: loaded by a class loader that is not the
 * system one, where {@code fastestInstance()} hands out the pure-Java codec until the native one is loaded.
 */
class NativeLz4Test {

    @Test
    void switchesKafkasCodecToNativeOutsideTheSystemClassLoader() throws Exception {
        try (URLClassLoader app = isolated()) {
            assertThat(call(app, "describe")).startsWith("pure Java");
            assertThat(call(app, "enable")).isEqualTo("native (JNI)");
            assertThat(call(app, "describe")).isEqualTo("native (JNI)");
        }
    }

    @Test
    void propertyKeepsThePureJavaCodec() throws Exception {
        System.setProperty(NativeLz4.PROPERTY, "false");
        try (URLClassLoader app = isolated()) {
            assertThat(call(app, "enable")).isEqualTo("pure Java (" + NativeLz4.PROPERTY + "=false)");
            assertThat(call(app, "describe")).startsWith("pure Java");
        } finally {
            System.clearProperty(NativeLz4.PROPERTY);
        }
    }

    /** lz4-java and this module's classes in a fresh loader under the platform loader, like Quarkus' app loader. */
    private static URLClassLoader isolated() throws Exception {
        final URL lz4 = LZ4Factory.class.getProtectionDomain().getCodeSource().getLocation();
        final URL core = NativeLz4.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {core, lz4}, ClassLoader.getPlatformClassLoader());
    }

    private static String call(final ClassLoader loader, final String method) throws Exception {
        final Class<?> c = Class.forName(NativeLz4.class.getName(), true, loader);
        assertThat(c.getClassLoader()).isSameAs(loader);
        final Method m = c.getMethod(method);
        return (String) m.invoke(null);
    }
}
