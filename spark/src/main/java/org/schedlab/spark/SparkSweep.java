package org.schedlab.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;
import org.schedlab.experiment.Experiment;
import org.schedlab.experiment.Grid;
import org.schedlab.experiment.Progress;
import org.schedlab.experiment.ResultStore;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.experiment.Sweep;
import org.schedlab.experiment.SweepFile;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A sweep file run as a Spark job: each run not yet in {@code --out} is one task, and each task writes the same
 * result file the local engine writes ({@link ResultStore#fileName}), atomically (temp file + rename), into a
 * directory every executor can reach. A run that throws is reported by name and the others go on; an executor
 * lost or a task failing otherwise is retried by Spark, and since a retry rewrites the same file by rename there is
 * never a duplicate or a partial result. Rerunning finishes an interrupted sweep (what is done is skipped).
 *
 * <p>The driver holds the output directory's lock, writes the plan ({@code sweep.json}) first, prints
 * completed/total with an ETA as the local sweep does, and removes temp files left by killed tasks at the end.
 */
@Command(name = "spark-sweep", mixinStandardHelpOptions = true,
        description = "Run a schedlab sweep file on Apache Spark; one result JSON per run, resumable.")
public final class SparkSweep implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE.yaml", description = "The sweep definition.")
    Path file;
    @Option(names = "--out", required = true, paramLabel = "DIR",
            description = "Result directory, on a file system every executor can write (shared storage on a cluster).")
    Path out;
    @Option(names = "--master", paramLabel = "MASTER",
            description = "Spark master (default: spark.master from spark-submit, else local[*]).")
    String master;

    private final PrintWriter err;

    SparkSweep(PrintWriter err) { this.err = err; }

    public static void main(String[] args) {
        PrintWriter err = new PrintWriter(System.err, true);
        CommandLine cl = new CommandLine(new SparkSweep(err));
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof InputError || e instanceof IllegalStateException) {
                err.println("schedlab: " + e.getMessage());
                return 2;
            }
            throw e;
        });
        System.exit(cl.execute(args));
    }

    /** What one task reports: the run's file, and an error line when the run threw. */
    record Done(String file, String error) implements Serializable {}

    @Override public Integer call() throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        String name = file.toString();
        Grid grid = SweepFile.parse(name, text);
        grid.validate();
        List<RunSpec> specs = grid.expand();
        String dir = out.toAbsolutePath().toString();
        List<Integer> todo = new ArrayList<>();
        try (ResultStore store = ResultStore.open(out)) {
            AtomicFiles.write(out.resolve(Sweep.PLAN), Sweep.plan(specs));
            for (int i = 0; i < specs.size(); i++) if (!store.isDone(specs.get(i))) todo.add(i);
            List<String> names = new ArrayList<>();
            for (int i : todo) names.add(ResultStore.fileName(specs.get(i)));
            List<Done> done = todo.isEmpty() ? List.of() : runOnSpark(name, text, dir, todo, names);
            removeStaleTemps(out);
            int failed = 0;
            for (Done d : done) {
                if (d.error() == null) continue;
                failed++;
                err.println("schedlab: " + d.error());
            }
            System.out.println("sweep: " + specs.size() + " runs, " + (specs.size() - todo.size()) + " already done, "
                    + (todo.size() - failed) + " executed" + (failed > 0 ? ", " + failed + " failed" : "")
                    + "; results in " + out);
            return failed > 0 ? 1 : 0;
        }
    }

    private List<Done> runOnSpark(String name, String text, String dir, List<Integer> todo, List<String> names) {
        SparkConf conf = new SparkConf().setAppName("schedlab sweep " + file.getFileName());
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        conf.setIfMissing("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            Progress progress = Progress.barOrLines("sweep", err, i -> names.get(i));
            AtomicInteger finished = new AtomicInteger();
            int total = todo.size();
            sc.sc().addSparkListener(new SparkListener() {
                @Override public void onTaskEnd(SparkListenerTaskEnd end) {
                    if (end.taskInfo().successful()) progress.completed(end.taskInfo().index(), finished.incrementAndGet(), total);
                }
            });
            try {
                // one partition per run: a run is the unit Spark schedules and retries
                return sc.parallelize(todo, total).map(i -> runOne(name, text, dir, i)).collect();
            } finally {
                progress.finish();
            }
        }
    }

    /**
     * On an executor: runs point {@code index} of the sweep and writes its file. A run's own exceptions are
     * reported, not retried (they would fail again); errors of the machinery propagate so that Spark retries.
     */
    static Done runOne(String name, String text, String dir, int index) {
        RunSpec s = SweepFile.parse(name, text).expand().get(index);
        String fileName = ResultStore.fileName(s);
        ObjectNode result;
        try {
            result = Experiment.run(s);
        } catch (RuntimeException e) {
            return new Done(fileName, e.getMessage());
        }
        try {
            AtomicFiles.write(Path.of(dir, fileName), Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result) + "\n");
        } catch (IOException e) {
            throw new IllegalStateException(fileName + ": " + e.getMessage(), e);
        }
        return new Done(fileName, null);
    }

    /** Temp files of tasks killed between write and rename (their retries wrote the result). */
    private static void removeStaleTemps(Path dir) throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, ".*.tmp")) {
            for (Path p : ds) Files.deleteIfExists(p);
        }
    }
}
