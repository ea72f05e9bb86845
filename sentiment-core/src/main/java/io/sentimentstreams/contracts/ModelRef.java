package io.sentimentstreams.contracts;

/** A model name and version, written {@code name@version} (e.g. {@code imdb-en@3}). */
public record ModelRef(String name, int version) {

    public ModelRef {
        if (name == null || name.isBlank() || name.indexOf('@') >= 0) {
            throw new IllegalArgumentException("model name must be non-blank and without '@': " + name);
        }
        if (version < 1) {
            throw new IllegalArgumentException("model version must be >= 1: " + version);
        }
    }

    public static String format(final String name, final int version) {
        return name + "@" + version;
    }

    public static ModelRef parse(final String ref) {
        final int at = ref == null ? -1 : ref.lastIndexOf('@');
        if (at <= 0 || at == ref.length() - 1) {
            throw new IllegalArgumentException("expected name@version, got: " + ref);
        }
        try {
            return new ModelRef(ref.substring(0, at), Integer.parseInt(ref.substring(at + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("expected name@version, got: " + ref, e);
        }
    }

    @Override
    public String toString() {
        return format(name, version);
    }
}
