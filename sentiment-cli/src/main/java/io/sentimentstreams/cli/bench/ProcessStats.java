package io.sentimentstreams.cli.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Resident memory and CPU time of a process, read from Linux {@code /proc}. */
public record ProcessStats(long rssBytes, double cpuSeconds) {

    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ on Linux x86_64

    public static ProcessStats of(final long pid) {
        try {
            long rss = 0;
            for (final String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D+", "")) * 1024;
                }
            }
            final String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            final List<String> f = List.of(stat.substring(stat.lastIndexOf(')') + 2).split(" "));
            // fields 14 and 15 of stat (utime, stime) are at 11 and 12 after the command name
            final double cpu = (Long.parseLong(f.get(11)) + Long.parseLong(f.get(12))) / TICKS_PER_SECOND;
            return new ProcessStats(rss, cpu);
        } catch (IOException | RuntimeException e) {
            return new ProcessStats(-1, -1);
        }
    }

    public long rssMb() {
        return rssBytes < 0 ? -1 : rssBytes / (1024 * 1024);
    }
}
