package io.sentimentstreams.ingest.validation;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An input stream that fails with {@link BodyRejectedException} as soon as more than {@code limit}
 * bytes have been read, so an oversized chunked body is refused after reading at most limit + 1 bytes
 * instead of being buffered whole.
 */
public final class CappedInputStream extends FilterInputStream {

    private final long limit;
    private long count;

    public CappedInputStream(final InputStream in, final long limit) {
        super(in);
        this.limit = limit;
    }

    @Override
    public int read() throws IOException {
        final int b = super.read();
        if (b >= 0) {
            count(1);
        }
        return b;
    }

    @Override
    public int read(final byte[] buffer, final int offset, final int length) throws IOException {
        // never ask for more than one byte past the limit: that byte is enough to know it is exceeded
        final int wanted = (int) Math.min(length, Math.max(1, limit - count + 1));
        final int n = super.read(buffer, offset, wanted);
        if (n > 0) {
            count(n);
        }
        return n;
    }

    @Override
    public long skip(final long n) throws IOException {
        final long skipped = super.skip(Math.min(n, limit - count + 1));
        count(skipped);
        return skipped;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    public long bytesRead() {
        return count;
    }

    private void count(final long n) throws BodyRejectedException {
        count += n;
        if (count > limit) {
            throw new BodyRejectedException(BodyRejectedException.Code.BODY_TOO_LARGE,
                    "request body exceeds " + limit + " bytes");
        }
    }
}
