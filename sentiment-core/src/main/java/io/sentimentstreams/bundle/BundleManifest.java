package io.sentimentstreams.bundle;

import com.fasterxml.jackson.databind.JsonNode;
import io.sentimentstreams.contracts.Lang;
import io.sentimentstreams.contracts.ModelRef;
import io.sentimentstreams.text.PipelineConfig;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * {@code bundle.json}: the identity of a model version, how to preprocess for it, its network shape,
 * the sha256 of every other file in the bundle, and how it was trained and how well it scored. The
 * sha256 of this file's bytes is the bundle's digest, so it covers every file transitively.
 *
 * @param files     bundle-relative path to sha256 (hex) for every file but {@code bundle.json}
 * @param training  the trainer's configuration (hyperparameters, seed, command line)
 * @param metrics   evaluation on the held-out test set (accuracy, f1, auc, confusion matrix, n, ...)
 */
public record BundleManifest(
        int schema,
        String name,
        int version,
        Lang lang,
        Instant createdAt,
        PipelineConfig pipeline,
        Architecture architecture,
        double threshold,
        Map<String, String> files,
        List<DatasetChecksum> datasets,
        JsonNode training,
        JsonNode metrics) {

    public static final int SCHEMA = 1;
    public static final String FILE = "bundle.json";
    public static final String NETWORK = "network.zip";
    public static final String VOCABULARY = "vocab.tsv";
    public static final String ONNX = "model.onnx";
    public static final String MODEL_CARD = "MODEL_CARD.md";
    /**
     * Optional: canary rows with the DL4J network's probabilities for them, written when the bundle is made,
     * so a service can check the fast engine (built from {@link #ONNX}) without loading DL4J at all.
     */
    public static final String CANARY = "canary.tsv";

    public ModelRef ref() {
        return new ModelRef(name, version);
    }

    public BundleManifest withVersion(final int newVersion) {
        return new BundleManifest(schema, name, newVersion, lang, createdAt, pipeline, architecture, threshold,
                files, datasets, training, metrics);
    }
}
