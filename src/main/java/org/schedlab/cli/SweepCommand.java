package org.schedlab.cli;

import org.schedlab.experiment.Grid;
import org.schedlab.experiment.Progress;
import org.schedlab.experiment.ResultStore;
import org.schedlab.experiment.Sweep;
import org.schedlab.experiment.SweepFile;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code schedlab sweep}: the cartesian product of a YAML sweep file, one result JSON per run in the output
 * directory. Finished runs are skipped, so re-running an interrupted sweep resumes it. Progress goes to stderr:
 * a bar with ETA on a terminal, otherwise a line per finished run. {@code --engine spark[:MASTER]} runs the same
 * sweep as a Spark job through the separately built {@code spark/} module (see {@link SparkEngine}).
 */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Run every combination of a YAML sweep file; one result JSON per run, resumable.")
public final class SweepCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE.yaml", description = "The sweep definition (see docs/compare.md).")
    Path file;
    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Directory for the result files.")
    Path out;
    @Mixin JobsOption jobs;
    @Option(names = "--engine", defaultValue = "local", paramLabel = "ENGINE",
            description = "local (threads of this process, default) or spark[:MASTER] (Apache Spark, local[*] unless a "
                    + "master is given; needs the spark module built, see README).")
    String engine;

    @Override public Integer call() {
        if (engine.equals("spark") || engine.startsWith("spark:"))
            return SparkEngine.run(file, out, engine.equals("spark") ? null : engine.substring("spark:".length()));
        if (!engine.equals("local"))
            throw new org.schedlab.InputError("--engine: expected local or spark[:MASTER], got '" + engine + "'");
        int k = jobs.jobs();
        Grid grid = SweepFile.load(file);
        Progress[] progress = new Progress[1];
        Sweep.Outcome o;
        try {
            o = Sweep.run(grid, out, k, todo -> {
                progress[0] = Progress.barOrLines("sweep", spec.commandLine().getErr(), i -> ResultStore.fileName(todo.get(i)));
                return progress[0]::completed;
            });
        } finally {
            if (progress[0] != null) progress[0].finish();
        }
        PrintWriter w = spec.commandLine().getOut();
        w.println("sweep: " + o.total() + " runs, " + o.skipped() + " already done, " + o.executed()
                + " executed; results in " + out);
        w.flush();
        return 0;
    }
}
