package io.sentimentstreams.trainer;

import io.sentimentstreams.bundle.BundleManifest;
import io.sentimentstreams.bundle.BundleWriter;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Adds {@code model.onnx} to a bundle through {@code io.sentimentstreams.model.onnx.OnnxExport} (written
 * with the fast engine) when that class is on the classpath and supports the architecture; otherwise the
 * bundle simply has no ONNX file and the reason is printed.
 */
final class OnnxHook {

    static final String EXPORTER = "io.sentimentstreams.model.onnx.OnnxExport";

    private OnnxHook() {
    }

    static void export(final BundleWriter writer, final BundleManifest manifest, final MultiLayerNetwork net,
                       final PrintStream err) {
        final Method write;
        try {
            final Class<?> c = Class.forName(EXPORTER);
            write = c.getMethod("write", MultiLayerNetwork.class, io.sentimentstreams.bundle.Architecture.class,
                    Path.class);
        } catch (ClassNotFoundException | NoSuchMethodException e) {
            err.println("onnx: no exporter in this build (" + e.getMessage() + "); bundle without model.onnx");
            return;
        }
        try {
            writer.file(BundleManifest.ONNX, p -> {
                try {
                    write.invoke(null, net, manifest.architecture(), p);
                } catch (ReflectiveOperationException e) {
                    final Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new java.io.IOException(cause.getMessage(), cause);
                }
            });
        } catch (java.io.IOException | RuntimeException e) {
            err.println("onnx: export failed (" + e.getMessage() + "); bundle without model.onnx");
        }
    }
}
