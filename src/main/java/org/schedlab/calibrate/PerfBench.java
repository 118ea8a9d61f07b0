package org.schedlab.calibrate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The real {@code perf bench sched pipe} and {@code perf bench sched messaging}, where {@code perf} works. */
public final class PerfBench {
    private PerfBench() {}

    private static final Pattern USECS_PER_OP = Pattern.compile("([0-9.]+)\\s+usecs/op");
    private static final Pattern TOTAL = Pattern.compile("Total time:\\s+([0-9.]+)\\s+\\[sec\\]");
    private static Boolean available;

    /** {@code perf} is on the PATH and runs a one-loop {@code perf bench sched pipe}. */
    public static synchronized boolean available() {
        if (available == null) {
            boolean ok = false;
            if (Commands.onPath("perf")) {
                try {
                    Commands.Result r = Commands.run(List.of("perf", "bench", "sched", "pipe", "-l", "1"), 20, TimeUnit.SECONDS);
                    ok = r.exit == 0 && USECS_PER_OP.matcher(r.out).find();
                } catch (IOException | InterruptedException e) {
                    ok = false;
                }
            }
            available = ok;
        }
        return available;
    }

    /**
     * µs per round trip printed by {@code perf bench sched pipe -l loops} ({@code -T} for threads), under
     * {@code taskset -c cpus} when {@code cpus} is not null.
     */
    public static double pipeUsPerOp(int loops, boolean threads, String cpus) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) cmd.addAll(List.of("taskset", "-c", cpus));
        cmd.addAll(List.of("perf", "bench", "sched", "pipe", "-l", Integer.toString(loops)));
        if (threads) cmd.add("-T");
        Commands.Result r = Commands.run(cmd, 120, TimeUnit.SECONDS);
        Matcher m = USECS_PER_OP.matcher(r.out);
        if (r.exit != 0 || !m.find()) throw new IOException(String.join(" ", cmd) + " failed: " + firstLine(r.err));
        return Double.parseDouble(m.group(1));
    }

    /** Seconds printed by {@code perf bench sched messaging -g groups -l loops}, and its context switches. */
    public static final class Messaging {
        public final double seconds;
        /** From {@code perf stat -e context-switches}; -1 when perf stat could not count them. */
        public final long contextSwitches;

        Messaging(double seconds, long contextSwitches) {
            this.seconds = seconds;
            this.contextSwitches = contextSwitches;
        }
    }

    public static Messaging messaging(int groups, int loops) throws IOException, InterruptedException {
        List<String> bench = List.of("perf", "bench", "sched", "messaging", "-g", Integer.toString(groups),
                "-l", Integer.toString(loops));
        List<String> cmd = new ArrayList<>(List.of("perf", "stat", "-x", ",", "-e", "context-switches"));
        cmd.addAll(bench);
        Commands.Result r = Commands.run(cmd, 300, TimeUnit.SECONDS);
        Matcher m = TOTAL.matcher(r.out);
        if (r.exit != 0 || !m.find()) {
            r = Commands.run(bench, 300, TimeUnit.SECONDS);
            m = TOTAL.matcher(r.out);
            if (r.exit != 0 || !m.find()) throw new IOException(String.join(" ", bench) + " failed: " + firstLine(r.err));
            return new Messaging(Double.parseDouble(m.group(1)), -1);
        }
        long switches = -1;
        for (String line : r.err.split("\n")) {
            String[] f = line.split(",");
            if (f.length > 2 && f[2].startsWith("context-switches") && f[0].matches("[0-9]+")) switches = Long.parseLong(f[0]);
        }
        return new Messaging(Double.parseDouble(m.group(1)), switches);
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
