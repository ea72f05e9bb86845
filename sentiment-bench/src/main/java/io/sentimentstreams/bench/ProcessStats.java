package io.sentimentstreams.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Resident memory and CPU time of a process, read from Linux {@code /proc}. RSS splits into anonymous
 * memory (what the process owns) and file-backed pages (mostly mapped native library code: shared, clean,
 * reclaimable).
 */
public record ProcessStats(long rssBytes, long rssAnonBytes, long rssFileBytes, double cpuSeconds) {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux x86_64

    public static ProcessStats of(final long pid) {
        try {
            long rss = 0;
            long anon = -1;
            long file = -1;
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = kilobytes(line);
                } else if (line.startsWith("RssAnon:")) {
                    anon = kilobytes(line);
                } else if (line.startsWith("RssFile:")) {
                    file = kilobytes(line);
                }
            }
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            final List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            // fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name
            final double cpu = (Long.parseLong(f.get(11)) + Long.parseLong(f.get(12))) / TICKS_PER_SECOND;
            return new ProcessStats(rss, anon, file, cpu);
        } catch (IOException | RuntimeException e) {
            return new ProcessStats(-1, -1, -1, -1);
        }
    }

    private static long kilobytes(final String statusLine) {
        return Long.parseLong(statusLine.replaceAll("\\D+", "")) * 1024;
    }

    public long rssMb() {
        return mb(rssBytes);
    }

    public long rssAnonMb() {
        return mb(rssAnonBytes);
    }

    public long rssFileMb() {
        return mb(rssFileBytes);
    }

    private static long mb(final long bytes) {
        return bytes < 0 ? -1 : bytes / (1024 * 1024);
    }
}
