package org.schedlab.cli;

import org.schedlab.AtomicFiles;
import org.schedlab.InputError;
import org.schedlab.Units;
import org.schedlab.calibrate.Calibration;
import org.schedlab.calibrate.Priority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code schedlab calibrate}: measures this machine and writes a cost profile (stdout or --out). */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
        description = "Measure this machine (pipe round trips, context switch, cross-CPU wakeup, cache-line transfer) and write a cost profile.")
public final class CalibrateCommand implements Callable<Integer> {
    @Option(names = "--out", paramLabel = "FILE", description = "Write the profile here (atomically) instead of stdout.")
    Path out;
    @Option(names = "--budget", defaultValue = "10s", paramLabel = "D", description = "Time the probes may take (default ${DEFAULT-VALUE}).")
    String budget;
    @Option(names = "--max-error", defaultValue = "10%", paramLabel = "PCT",
            description = "Largest uncertainty of a measured median a constant may be taken from (default ${DEFAULT-VALUE}); "
                    + "above it no profile is written.")
    String maxError;
    @Option(names = "--method", defaultValue = "auto", paramLabel = "auto|probes",
            description = "auto: perf bench sched where perf works, else the built-in probes; probes: built-in probes only.")
    String method;
    @Option(names = "--priority", defaultValue = "raised", paramLabel = "raised|normal",
            description = "raised: measure in a session of its own at nice -20 (autogroup and task) where the host allows, "
                    + "so that other programs disturb the figures less; normal: at the caller's priority.")
    String priority;

    @Override public Integer call() throws Exception {
        long b = Units.parseDuration("--budget", budget);
        if (b == 0) throw new InputError("--budget: must be positive, got '" + budget + "'");
        boolean perf = MachineOptions.onOff("--method", method, "auto", "probes");
        boolean raise = MachineOptions.onOff("--priority", priority, "raised", "normal");
        String pct = maxError.endsWith("%") ? maxError.substring(0, maxError.length() - 1) : maxError;
        double e;
        try {
            e = Double.parseDouble(pct.strip()) / 100;
        } catch (NumberFormatException ex) {
            e = Double.NaN;
        }
        if (!(e > 0 && e <= 1)) throw new InputError("--max-error: expected a percentage in (0, 100], got '" + maxError + "'");
        Calibration c = Calibration.run(b, perf, raise ? Priority.best() : Priority.NORMAL, e, System.err);
        if (out == null) System.out.print(c.text);
        else {
            AtomicFiles.write(out, c.text.getBytes(StandardCharsets.UTF_8));
            System.err.println("calibrate: wrote " + out);
        }
        return 0;
    }
}
