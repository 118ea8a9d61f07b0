package org.schedlab.spark;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;
import org.schedlab.experiment.Experiment;
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
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;

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
        int exit;
        try {
            exit = commandLine(err).execute(args);
        } catch (OutOfMemoryError e) {
            err.println("schedlab: out of memory: this sweep needs more than the driver's Java heap of "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB");
            exit = 2;
        }
        System.exit(exit);
    }

    /** The command with its error handling: user errors are one line on {@code err} and exit status 2. */
    static CommandLine commandLine(PrintWriter err) {
        CommandLine cl = new CommandLine(new SparkSweep(err));
        cl.setErr(err);
        cl.setExecutionExceptionHandler((e, c, p) -> {
            if (e instanceof InputError || e instanceof IllegalStateException) {
                err.println("schedlab: " + e.getMessage());
                return 2;
            }
            err.println("schedlab: internal error: " + e.toString().lines().findFirst().orElse(""));
            return 70;
        });
        return cl;
    }

    /** What one task reports: the run's file, and an error line when the run threw. */
    record Done(String file, String error) implements Serializable {}

    @Override public Integer call() throws IOException {
        String name = file.toString();
        String text = SweepFile.read(file);
        // every point resolved on the driver first, as the local engine does: input errors before any file
        org.schedlab.experiment.Grid grid = SweepFile.parse(name, text);
        grid.validate();
        List<RunSpec> specs = grid.expand();
        Sweep.checkFileNames(specs);
        String dir = out.toAbsolutePath().toString();
        List<Integer> todo = new ArrayList<>();
        java.util.Set<String> own = Sweep.ownFiles(specs);
        try (ResultStore store = ResultStore.open(out)) {
            store.removeStaleTemps(own);
            AtomicFiles.write(out.resolve(Sweep.PLAN), Sweep.plan(specs));
            for (int i = 0; i < specs.size(); i++) if (!store.isDone(specs.get(i))) todo.add(i);
            List<String> names = new ArrayList<>();
            for (int i : todo) names.add(ResultStore.fileName(specs.get(i)));
            List<Done> done;
            try {
                done = todo.isEmpty() ? List.of() : runOnSpark(name, text, dir, todo, names);
            } catch (Exception e) {
                // Spark's job failure is a checked exception that Scala code throws undeclared
                if (!(e instanceof SparkException)) throw e;
                err.println("schedlab: sweep stopped, Spark gave up on a task: " + reason(e)
                        + "; finished runs are in " + out + ", rerunning resumes");
                return 1;
            } finally {
                store.removeStaleTemps(own);
            }
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

    /** The first line of what the failed task threw (which names its run), else of Spark's own message. */
    static String reason(Throwable e) {
        Throwable t = e;
        while (t instanceof SparkException && t.getCause() != null && t.getCause() != t) t = t.getCause();
        String m = t.getMessage() == null ? t.toString() : t.getMessage();
        return m.lines().findFirst().orElse(m).trim();
    }

    private List<Done> runOnSpark(String name, String text, String dir, List<Integer> todo, List<String> names) {
        SparkConf conf = new SparkConf().setAppName("schedlab sweep " + file.getFileName());
        if (master != null) conf.setMaster(master);
        else if (!conf.contains("spark.master")) conf.setMaster("local[*]");
        conf.setIfMissing("spark.ui.enabled", "false");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            Progress progress = Progress.barOrLines("sweep", err, i -> names.get(i));
            int total = todo.size();
            Set<Integer> finished = ConcurrentHashMap.newKeySet();
            sc.sc().addSparkListener(new SparkListener() {
                @Override public void onTaskEnd(SparkListenerTaskEnd end) {
                    // a task index is a run; count it once even if a speculative copy also succeeds
                    int i = end.taskInfo().index();
                    if (end.taskInfo().successful() && finished.add(i)) progress.completed(i, finished.size(), total);
                }
            });
            try {
                // one partition per run: a run is the unit Spark schedules and retries
                List<Done> done = sc.parallelize(todo, total).map(i -> runOne(name, text, dir, i)).collect();
                // listener events arrive asynchronously: let the last completions print before the summary
                long deadline = System.nanoTime() + 10_000_000_000L;
                while (finished.size() < total && System.nanoTime() < deadline) Thread.sleep(20);
                return done;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            } finally {
                progress.finish();
            }
        }
    }

    /** Each executor expands a sweep once, not once per task: validating a large grid is not free. */
    private static final Map<String, List<RunSpec>> PLANS = new ConcurrentHashMap<>();

    private static RunSpec point(String name, String text, int index) {
        return PLANS.computeIfAbsent(name + "\n" + text, k -> SweepFile.parse(name, text).expand()).get(index).copy();
    }

    /**
     * On an executor: runs point {@code index} of the sweep and writes its file. The run gets a thread with the
     * stack the local engine gives its workers ({@link Experiment#STACK_BYTES}), whatever the executor's own.
     * A run's exceptions are reported, not retried (they would fail again); errors (out of memory, a lost
     * attempt) and failures to write propagate so that Spark retries the task, on another executor if it can.
     */
    static Done runOne(String name, String text, String dir, int index) {
        RunSpec s = point(name, text, index);
        String fileName = ResultStore.fileName(s);
        TaskContext task = TaskContext.get();
        ObjectNode[] result = new ObjectNode[1];
        Throwable[] thrown = new Throwable[1];
        Thread runner = new Thread(null, () -> {
            try {
                result[0] = Experiment.run(s);
            } catch (Throwable t) {
                thrown[0] = t;
            }
        }, "schedlab-run-" + (task == null ? index : task.taskAttemptId()), Experiment.STACK_BYTES);
        runner.setDaemon(true);
        runner.start();
        try {
            runner.join();
        } catch (InterruptedException e) {
            // the attempt was killed; Spark decides whether to run it again
            Thread.currentThread().interrupt();
            throw new IllegalStateException(Experiment.describe(s) + ": attempt killed", e);
        }
        if (thrown[0] instanceof RuntimeException) return new Done(fileName, thrown[0].getMessage());
        if (thrown[0] != null) throw new IllegalStateException(Experiment.describe(s) + ": " + thrown[0], thrown[0]);
        try {
            AtomicFiles.write(Path.of(dir, fileName), Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result[0]) + "\n");
        } catch (IOException | InputError e) {
            throw new IllegalStateException(fileName + ": " + e.getMessage(), e);
        }
        return new Done(fileName, null);
    }
}
