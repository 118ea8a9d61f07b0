package org.schedlab.calibrate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU time other programs take on this host: how many CPUs they keep busy (the busy share of every CPU,
 * {@code /proc/stat}: user, nice, system, irq, softirq and steal time over the whole, over an interval during
 * which the caller itself sleeps), and what share of the CPUs they still take from a program that wants all of
 * them at a given priority ({@link #stolenShare}).
 */
public final class HostLoad {
    private HostLoad() {}

    /**
     * The share of the CPUs other programs take from one program (one session, one autogroup) at {@code priority}
     * that keeps every CPU busy: one spinning shell pinned to each CPU for {@code seconds} under {@code perf stat
     * -e task-clock}, 1 − the CPUs it used (perf's "CPUs utilized": its CPU time over the time elapsed) over the
     * CPUs. The start and end of the shells count as taken (about 1 % at 2 s). NaN where perf cannot count.
     */
    public static double stolenShare(Priority.Level priority, int cpus, double seconds) throws InterruptedException {
        StringBuilder sh = new StringBuilder();
        for (int c = 0; c < cpus; c++)
            sh.append("taskset -c ").append(c).append(" timeout ").append(seconds).append(" sh -c 'while :; do :; done' & ");
        sh.append("wait");
        List<String> cmd = List.of("perf", "stat", "-e", "task-clock", "sh", "-c", sh.toString());
        try {
            Commands.Result r = Commands.run(priority.wrap(cmd), (long) (seconds * 10 + 20), java.util.concurrent.TimeUnit.SECONDS);
            double used = r.exit == 0 ? cpusUtilized(r.err) : Double.NaN;
            return Double.isNaN(used) ? Double.NaN : Math.max(0, Math.min(1, 1 - used / cpus));
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    private static final java.util.regex.Pattern UTILIZED = java.util.regex.Pattern.compile("#\\s*([0-9]+(?:\\.[0-9]+)?)\\s+CPUs utilized");

    /** The "CPUs utilized" perf stat prints beside task-clock, or NaN. */
    static double cpusUtilized(String perfStatOutput) {
        java.util.regex.Matcher m = UTILIZED.matcher(perfStatOutput);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

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
