package org.schedlab.cli;

import org.schedlab.InputError;
import org.schedlab.experiment.RunSpec;
import picocli.CommandLine.Option;

/**
 * What to simulate and for how long, declared once for {@code run} and {@code compare}: the workload, the
 * simulated duration and the warm-up whose statistics are discarded.
 */
public final class RunOptions {
    @Option(names = "--workload", required = true, paramLabel = "SPEC",
            description = "e.g. poisson:rate=1000,service=exp:1ms")
    String workload;
    @Option(names = "--duration", paramLabel = "D",
            description = "Simulated time (default: the workload's own duration, as an rt-app file's global.duration, else 1s).")
    String duration;
    @Option(names = "--warmup", defaultValue = "auto", paramLabel = "D", description = "Discard statistics before this time "
            + "(default auto: none for workloads measured to completion, else the start-up plus the top sched domain's balance "
            + "interval, at most half the run; steady: the start-up plus three intervals of the top sched domain, and "
            + "--duration is then the window measured after it).")
    String warmup;

    /**
     * Sets workload, duration and warm-up of {@code s}. Without {@code --duration} the workload's own duration
     * applies when it declares one, else the spec's default of 1s.
     */
    void applyTo(RunSpec s) {
        s.workload = workload;
        if (duration == null) {
            s.durationFromWorkload = true;
        } else {
            s.durationNs = positiveDuration("--duration", duration);
        }
        s.warmupNs = RunSpec.parseWarmup("--warmup", warmup);
        if (duration != null && s.warmupNs >= 0 && s.warmupNs >= s.durationNs)
            throw new InputError("--warmup " + warmup + " is not shorter than --duration " + duration + ": nothing would be measured");
    }

    static long positiveDuration(String opt, String text) {
        long ns = RunSpec.parseDuration(opt, text);
        if (ns == 0) throw new InputError(opt + ": must be positive, got '" + text + "'");
        return ns;
    }
}
