package org.schedlab.experiment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Runs every point of a {@link Grid} into a {@link ResultStore}, one result file per run, skipping runs whose
 * file is already complete: re-running an interrupted sweep (however it was stopped) finishes it, and the final
 * files do not depend on how often it was interrupted or on the number of threads, apart from each result's
 * {@code wall_time_ms}.
 *
 * <p>Every point is resolved before anything runs, and {@code DIR/sweep.json} (the expanded plan: each run's
 * file name and canonical spec) is written atomically before the first run.
 */
public final class Sweep {
    /** Name of the plan file in the output directory. */
    public static final String PLAN = "sweep.json";

    private Sweep() {}

    /** How many runs the sweep has, how many were already done and how many this call executed. */
    public record Outcome(int total, int skipped, int executed) {}

    /**
     * Runs what is not done yet. Every point is resolved first ({@link Grid#validate}), so input errors come
     * before any file is written.
     *
     * @param progress given the runs still to do, returns the listener to tell of each completion (indices into
     *                 that list), or null
     */
    public static Outcome run(Grid grid, Path dir, int jobs, Function<List<RunSpec>, Experiment.Listener> progress) {
        grid.validate();
        List<RunSpec> specs = grid.expand();
        checkFileNames(specs);
        try (ResultStore store = ResultStore.open(dir)) {
            store.removeStaleTemps(ownFiles(specs));
            AtomicFiles.write(dir.resolve(PLAN), plan(specs));
            List<RunSpec> todo = new ArrayList<>();
            for (RunSpec s : specs) if (!store.isDone(s)) todo.add(s);
            Experiment.Listener l = progress == null ? null : progress.apply(todo);
            Experiment.map(todo, jobs, (i, s) -> {
                store.write(s, Experiment.run(s));
                return null;
            }, l);
            return new Outcome(specs.size(), specs.size() - todo.size(), todo.size());
        }
    }

    /** The files a sweep of {@code specs} writes: the plan and each run's result. */
    public static java.util.Set<String> ownFiles(List<RunSpec> specs) {
        java.util.Set<String> names = new java.util.HashSet<>();
        names.add(PLAN);
        for (RunSpec s : specs) names.add(ResultStore.fileName(s));
        return names;
    }

    /** Refuses a plan in which two runs would write the same result file. */
    public static void checkFileNames(List<RunSpec> specs) {
        java.util.Set<String> names = new java.util.HashSet<>();
        for (RunSpec s : specs) {
            if (!names.add(ResultStore.fileName(s)))
                throw new IllegalStateException("two runs map to the file " + ResultStore.fileName(s));
        }
    }

    /** The plan file's text: every run's file name and canonical spec, in {@link Grid#expand} order. */
    public static String plan(List<RunSpec> specs) {
        ObjectNode root = Runner.JSON.createObjectNode();
        root.put("schema", "schedlab-sweep/1");
        root.put("runs_total", specs.size());
        ArrayNode runs = root.putArray("runs");
        for (RunSpec s : specs) {
            ObjectNode r = runs.addObject();
            r.put("file", ResultStore.fileName(s));
            r.set("spec", ResultStore.canonical(s));
        }
        try {
            return Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
