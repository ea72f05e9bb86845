package io.sentimentstreams.trainer;

import java.io.PrintStream;
import java.util.Locale;

/**
 * One epoch's progress line on stderr, redrawn at most a few times per second: a bar, done/total, ETA,
 * running loss and reviews/s; {@link #finish} prints the epoch summary with validation figures.
 */
public final class Progress {

    private static final int WIDTH = 30;
    private static final long REDRAW_NANOS = 500_000_000L;

    private final PrintStream err;
    private final String label;
    private final long total;
    private final long start = System.nanoTime();
    private final boolean interactive;
    private long lastDraw;
    private long done;
    private double lossSum;
    private long lossCount;

    public Progress(final PrintStream err, final String label, final long total) {
        this.err = err;
        this.label = label;
        this.total = total;
        this.interactive = System.console() != null;
    }

    public void step(final int reviews, final double loss) {
        done += reviews;
        if (!Double.isNaN(loss)) {
            lossSum += loss * reviews;
            lossCount += reviews;
        }
        final long now = System.nanoTime();
        // Without a terminal a carriage return does not redraw, so print a line every 10% instead.
        final boolean due = interactive ? now - lastDraw > REDRAW_NANOS
                : (done * 10 / Math.max(1, total)) != ((done - reviews) * 10 / Math.max(1, total));
        if (due || done == total) {
            lastDraw = now;
            draw(now, interactive ? "\r" : "", interactive ? "" : "\n");
        }
    }

    private void draw(final long now, final String prefix, final String suffix) {
        final double secs = (now - start) / 1e9;
        final double rate = done / Math.max(secs, 1e-9);
        final double eta = rate > 0 ? (total - done) / rate : 0;
        final int filled = (int) (WIDTH * done / Math.max(1, total));
        err.print(prefix + String.format(Locale.ROOT, "%s [%s%s] %3d%% %d/%d ETA %s loss %.4f %.0f reviews/s",
                label, "=".repeat(filled), " ".repeat(WIDTH - filled), 100 * done / Math.max(1, total), done, total,
                duration(eta), meanLoss(), rate) + suffix);
        err.flush();
    }

    public double meanLoss() {
        return lossCount == 0 ? Double.NaN : lossSum / lossCount;
    }

    public double seconds() {
        return (System.nanoTime() - start) / 1e9;
    }

    public double reviewsPerSecond() {
        return done / Math.max(seconds(), 1e-9);
    }

    public void finish(final String extra) {
        if (interactive) {
            err.println();
        }
        err.println(String.format(Locale.ROOT, "%s done in %s: loss %.4f, %.0f reviews/s%s", label,
                duration(seconds()), meanLoss(), reviewsPerSecond(), extra));
    }

    static String duration(final double seconds) {
        final long s = Math.round(seconds);
        return s >= 60 ? (s / 60) + "m" + String.format(Locale.ROOT, "%02d", s % 60) + "s" : s + "s";
    }
}
