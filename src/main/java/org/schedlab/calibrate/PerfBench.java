package org.schedlab.calibrate;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The real {@code perf bench sched pipe} and {@code perf bench sched messaging}, where {@code perf} works, each
 * run at the priority given ({@link Priority}).
 */
public final class PerfBench {
    private final Priority.Level priority;

    public PerfBench(Priority.Level priority) { this.priority = priority; }

    private static final Pattern USECS_PER_OP = Pattern.compile("([0-9.]+)\\s+usecs/op");
    private static final Pattern TOTAL = Pattern.compile("Total time:\\s+([0-9.]+)\\s+\\[sec\\]");
    private static Boolean available;

    /** {@code perf} is on the PATH and runs a one-loop {@code perf bench sched pipe}. */
    public static synchronized boolean available() {
        if (available == null) {
            boolean ok = false;
            if (Commands.onPath("perf")) {
                try {
                    Commands.Result r = Commands.run(pipeCommand(1, false), 20, TimeUnit.SECONDS);
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
    public double pipeUsPerOp(int loops, boolean threads, String cpus) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) cmd.addAll(List.of("taskset", "-c", cpus));
        cmd.addAll(pipeCommand(loops, threads));
        return figure(cmd, USECS_PER_OP, 120);
    }

    /**
     * Seconds printed by {@code perf bench sched pipe -l loops} ({@code -T}: threads): its clock runs from before
     * the two workers are created to after both are reaped, so with one loop it times their creation and exit.
     */
    public double pipeTotalSeconds(int loops, boolean threads) throws IOException, InterruptedException {
        return figure(pipeCommand(loops, threads), TOTAL, 120);
    }

    /**
     * µs per round trip of {@code perf bench sched pipe} in process mode under {@code taskset -c cpus}, without
     * the creation and exit of its child: the slope of the total time between {@code loops} and 2 × {@code loops}.
     */
    public double pipeProcessUsPerOp(int loops, String cpus) throws IOException, InterruptedException {
        List<String> one = new ArrayList<>(List.of("taskset", "-c", cpus)), two = new ArrayList<>(one);
        one.addAll(pipeCommand(loops, false));
        two.addAll(pipeCommand(2 * loops, false));
        return (figure(two, TOTAL, 120) - figure(one, TOTAL, 120)) * 1e6 / loops;
    }

    private static List<String> pipeCommand(int loops, boolean threads) {
        List<String> cmd = new ArrayList<>(List.of("perf", "bench", "sched", "pipe", "-l", Integer.toString(loops)));
        if (threads) cmd.add("-T");
        return cmd;
    }

    /** Runs {@code cmd} and reads the number {@code figure} captures from its output; a failure names the command. */
    private double figure(List<String> cmd, Pattern figure, int timeoutSeconds) throws IOException, InterruptedException {
        Commands.Result r = Commands.run(priority.wrap(cmd), timeoutSeconds, TimeUnit.SECONDS);
        Matcher m = figure.matcher(r.out);
        if (r.exit != 0 || !m.find()) throw new IOException(String.join(" ", cmd) + " failed: " + firstLine(r.err));
        return Double.parseDouble(m.group(1));
    }

    /**
     * {@code perf bench sched messaging -g groups -l loops}: the seconds it prints, from a plain run (counting
     * perturbs the timing: every switch then saves and restores counters), and the context switches of a second
     * run under {@code perf stat -e context-switches} (-1 when perf stat cannot count them).
     */
    public static final class Messaging {
        public final double seconds;
        public final long contextSwitches;

        Messaging(double seconds, long contextSwitches) {
            this.seconds = seconds;
            this.contextSwitches = contextSwitches;
        }
    }

    /** @param threads perf's {@code -t}: workers are threads of one process instead of forked processes */
    public Messaging messaging(int groups, int loops, boolean threads) throws IOException, InterruptedException {
        List<String> bench = messagingCommand(groups, loops, threads);
        double seconds = figure(bench, TOTAL, 300);
        double switches = stat("context-switches", List.of(), bench, 300);
        return new Messaging(seconds, Double.isNaN(switches) ? -1 : (long) switches);
    }

    /**
     * CPU time in ms ({@code perf stat -e task-clock}) of {@code perf bench sched messaging -g groups -l loops}
     * ({@code -t}: threads): of every task it creates when {@code inherit}, else of its main thread alone.
     */
    public double messagingTaskClockMs(int groups, int loops, boolean threads, boolean inherit)
            throws IOException, InterruptedException {
        List<String> bench = messagingCommand(groups, loops, threads);
        double ms = stat("task-clock", inherit ? List.of() : List.of("--no-inherit"), bench, 120);
        if (Double.isNaN(ms)) throw new IOException("perf stat -e task-clock " + String.join(" ", bench) + " could not count");
        return ms;
    }

    /**
     * Seconds {@code perf bench sched messaging -g groups -l loops} ({@code -t}: threads) prints, under
     * {@code taskset -c cpus} when {@code cpus} is not null.
     */
    public double messagingSeconds(int groups, int loops, boolean threads, String cpus) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        if (cpus != null) cmd.addAll(List.of("taskset", "-c", cpus));
        cmd.addAll(messagingCommand(groups, loops, threads));
        return figure(cmd, TOTAL, 300);
    }

    private static List<String> messagingCommand(int groups, int loops, boolean threads) {
        List<String> cmd = new ArrayList<>(List.of("perf", "bench", "sched", "messaging", "-g", Integer.toString(groups),
                "-l", Integer.toString(loops)));
        if (threads) cmd.add("-t");
        return cmd;
    }

    /**
     * Runs {@code cmd} under {@code perf stat -x , -e event} (with {@code options} before the command) and returns
     * the count perf stat prints for it, or NaN when it could not count.
     */
    private double stat(String event, List<String> options, List<String> cmd, int timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("perf", "stat", "-x", ",", "-e", event));
        full.addAll(options);
        full.addAll(cmd);
        return statCount(Commands.run(priority.wrap(full), timeoutSeconds, TimeUnit.SECONDS), event);
    }

    /** The count {@code perf stat -x ,} printed for {@code event}, or NaN when it failed or could not count. */
    static double statCount(Commands.Result r, String event) {
        if (r.exit != 0) return Double.NaN;
        for (String line : r.err.split("\n")) {
            String[] f = line.split(",");
            if (f.length > 2 && f[2].startsWith(event) && f[0].matches("[0-9]+(\\.[0-9]+)?")) return Double.parseDouble(f[0]);
        }
        return Double.NaN;
    }

    private static String firstLine(String s) {
        String t = s.strip();
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }
}
