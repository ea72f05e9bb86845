package io.sentimentstreams.models;

import io.sentimentstreams.bundle.BundleException;

/**
 * Why a record of {@code sentiment.models} was not put into service: the one list both services use as
 * the {@code reason} tag of their models-refused counter (docs/model.md, "Receiving bundles").
 */
public enum RefusalReason {
    /** The record key is not {@code name@version}. */
    BAD_KEY,
    /** No (or a blank) {@code sentiment.bundle.sha256} header: the bundle cannot be checked against its announcement. */
    MISSING_DIGEST,
    /** Not a zip, an entry outside the bundle directory, or more than the unpack limit. */
    BAD_ARCHIVE,
    /** {@code bundle.json} or a file it lists is absent or unreadable. */
    MISSING_FILE,
    /** The bundle digest differs from the header, or a file's sha256 from its manifest entry. */
    CHECKSUM_MISMATCH,
    /** {@code bundle.json} is unreadable or lacks a required field. */
    BAD_MANIFEST,
    /** The record key names another {@code name@version} than the manifest inside. */
    KEY_MISMATCH,
    /** The bundle's language is not one the services serve. */
    UNSUPPORTED_LANG,
    /** The bundle's language and its pipeline's language differ. */
    LANG_MISMATCH,
    /** The pipeline's rows do not fit the network (row length, largest id), or the engine disagrees with the manifest. */
    SHAPE_MISMATCH,
    /** The version is already held with another digest: a version is immutable, publish a new one. */
    VERSION_CONFLICT,
    /** The cache directory cannot be created or written. */
    CACHE_DIR,
    /** preprocess-service: {@code vocab.tsv} cannot be read as a vocabulary (or lacks the OOV token). */
    BAD_VOCABULARY,
    /** The manifest names an unknown tokenizer or padding side, or (preprocess-service) the text pipeline rejects it. */
    BAD_PIPELINE,
    /** inference-service: the engine threw while loading, canary-checking or probing the bundle. */
    ENGINE_ERROR,
    /** Anything else that went wrong while checking the bundle. */
    BAD_BUNDLE;

    /** The reason for a {@link BundleException} raised while reading or checking a bundle. */
    public static RefusalReason of(final BundleException.Kind kind) {
        return switch (kind) {
            case MISSING_FILE -> MISSING_FILE;
            case CHECKSUM_MISMATCH -> CHECKSUM_MISMATCH;
            case BAD_MANIFEST -> BAD_MANIFEST;
            case BAD_ARCHIVE -> BAD_ARCHIVE;
            case SHAPE_MISMATCH -> SHAPE_MISMATCH;
            case CANARY_FAILED -> ENGINE_ERROR;
            case UNSUPPORTED_LANG -> UNSUPPORTED_LANG;
            case BAD_PIPELINE -> BAD_PIPELINE;
        };
    }
}
