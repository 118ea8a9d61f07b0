package org.schedlab.calibrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU time other programs take on this host: the busy share of every CPU ({@code /proc/stat}: user, nice,
 * system, irq, softirq and steal time over the whole) over an interval during which the caller itself sleeps.
 */
public final class HostLoad {
    private HostLoad() {}

    /** Busy CPUs (the sum of every CPU's busy share, 0 to the CPU count) over {@code ns}; NaN where unreadable. */
    public static double busyCpus(long ns) throws InterruptedException {
        long[] a = busyAndTotal(), b;
        Thread.sleep(Math.max(1, ns / 1_000_000));
        b = busyAndTotal();
        if (a == null || b == null || b[1] <= a[1] || b[2] <= 0) return Double.NaN;
        return (double) (b[0] - a[0]) / (b[1] - a[1]) * b[2];
    }

    /** {busy, total} jiffies of the aggregate "cpu" line and the number of "cpuN" lines, or null. */
    static long[] busyAndTotal() {
        try {
            return parse(Files.readAllLines(Path.of("/proc/stat")));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * From {@code /proc/stat}'s lines: {busy, total, cpus}. The aggregate line's fields are user, nice, system,
     * idle, iowait, irq, softirq, steal (guest time is inside user); idle and iowait are not busy.
     */
    static long[] parse(List<String> lines) {
        long busy = -1, total = 0, cpus = 0;
        for (String l : lines) {
            String[] f = l.trim().split("\\s+");
            if (f[0].equals("cpu") && f.length >= 8) {
                busy = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) {
                    long v = Long.parseLong(f[i]);
                    total += v;
                    if (i != 4 && i != 5) busy += v;
                }
            } else if (f[0].matches("cpu[0-9]+")) {
                cpus++;
            }
        }
        return busy < 0 ? null : new long[]{busy, total, cpus};
    }
}
