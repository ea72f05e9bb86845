package io.sentimentstreams.kafka;

import net.jpountz.lz4.LZ4Factory;

/**
 * Lets Kafka's LZ4 codec (producer compression, consumer decompression) use lz4-java's JNI library in a
 * Quarkus service.
 *
 * <p>Kafka asks {@code LZ4Factory.fastestInstance()} for a codec on every batch, and lz4-java answers with
 * its native codec only when it was loaded by the system class loader or when the native library is
 * already loaded. In a Quarkus application the library sits in Quarkus' own class loader, so every batch
 * was compressed by the pure-Java "safe" codec: about a third of preprocess-service's stream thread in a
 * JFR profile (BENCHMARKS.md, "Preprocess service"). Loading the native codec once, here, switches all
 * later batches to it. Where the library cannot load (an unusual platform), the Java codec stays.
 */
public final class NativeLz4 {

    /** System property: {@code false} keeps the pure-Java codec (for comparisons, or if the JNI code misbehaves). */
    public static final String PROPERTY = "sentiment.kafka.native-lz4";

    private NativeLz4() {
    }

    /**
     * Loads the native codec unless {@value #PROPERTY} is {@code false}; returns what Kafka will now get
     * from {@code fastestInstance()}, for the start-up log: {@code "native (JNI)"} or {@code "pure Java
     * (...why...)"}. Safe to call more than once and from any thread.
     */
    public static String enable() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim())) {
            return "pure Java (" + PROPERTY + "=false)";
        }
        try {
            LZ4Factory.nativeInstance();
        } catch (RuntimeException | LinkageError e) {
            return "pure Java (native library unavailable: " + e + ")";
        }
        return describe();
    }

    /** What {@code LZ4Factory.fastestInstance()} returns now, as {@link #enable()} reports it. */
    public static String describe() {
        final String codec = LZ4Factory.fastestInstance().fastCompressor().getClass().getSimpleName();
        return codec.contains("JNI") ? "native (JNI)" : "pure Java (" + codec + ")";
    }
}
