package io.sentimentstreams.bundle;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * Packs a bundle directory into one deterministic zip (sorted entries, fixed timestamps) for the
 * {@code sentiment.models} topic, and unpacks and verifies one on the way in.
 */
public final class BundleArchive {

    /** Kafka header carrying the bundle digest, checked after unpacking. */
    public static final String DIGEST_HEADER = "sentiment.bundle.sha256";
    private static final long FIXED_TIME = 315532800000L; // 1980-01-01, the zip epoch
    private static final long MAX_UNPACKED_BYTES = 512L * 1024 * 1024;

    private BundleArchive() {
    }

    public static byte[] pack(final ModelBundle bundle) throws IOException {
        final List<String> names;
        try (Stream<String> keys = Stream.concat(Stream.of(BundleManifest.FILE),
                bundle.manifest().files().keySet().stream())) {
            names = keys.distinct().sorted().toList();
        }
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            for (final String name : names) {
                final ZipEntry entry = new ZipEntry(name);
                entry.setTime(FIXED_TIME);
                zip.putNextEntry(entry);
                Files.copy(bundle.dir().resolve(name), zip);
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    /**
     * Unpacks {@code archive} into the existing directory {@code dir} (the caller owns it, also when this
     * throws), verifies it, and checks its digest against {@code expectedDigest} when given.
     */
    public static ModelBundle unpackInto(final byte[] archive, final Path dir, final String expectedDigest)
            throws BundleException {
        try {
            long total = 0;
            try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(archive))) {
                ZipEntry entry;
                while ((entry = zip.getNextEntry()) != null) {
                    final Path target = dir.resolve(entry.getName()).normalize();
                    if (!target.startsWith(dir) || entry.isDirectory()) {
                        throw new BundleException(BundleException.Kind.BAD_ARCHIVE,
                                "unexpected entry in bundle archive: " + entry.getName());
                    }
                    Files.createDirectories(target.getParent());
                    total += Files.copy(limited(zip, MAX_UNPACKED_BYTES - total), target,
                            StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new BundleException(BundleException.Kind.BAD_ARCHIVE, "cannot unpack bundle archive: " + e, e);
        }
        final ModelBundle bundle = ModelBundle.load(dir);
        if (expectedDigest != null && !expectedDigest.equalsIgnoreCase(bundle.digest())) {
            throw new BundleException(BundleException.Kind.CHECKSUM_MISMATCH,
                    "bundle " + bundle.manifest().ref() + " digest " + bundle.digest() + " != announced "
                            + expectedDigest);
        }
        return bundle;
    }

    private static InputStream limited(final InputStream in, final long limit) {
        return new InputStream() {
            private long left = limit;

            @Override
            public int read() throws IOException {
                if (left <= 0) {
                    throw new IOException("bundle archive unpacks to more than " + MAX_UNPACKED_BYTES + " bytes");
                }
                final int b = in.read();
                if (b >= 0) {
                    left--;
                }
                return b;
            }

            @Override
            public int read(final byte[] b, final int off, final int len) throws IOException {
                if (left <= 0) {
                    throw new IOException("bundle archive unpacks to more than " + MAX_UNPACKED_BYTES + " bytes");
                }
                final int n = in.read(b, off, (int) Math.min(len, left));
                if (n > 0) {
                    left -= n;
                }
                return n;
            }
        };
    }
}
