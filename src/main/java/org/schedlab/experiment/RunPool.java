package org.schedlab.experiment;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fixed number of threads running simulations for any number of callers, so several groups of checks submitted
 * at once share the machine instead of each taking {@code jobs} threads. Results do not depend on the thread count.
 * With a {@link HeadlineCache}, a spec this build already ran is not run again.
 */
public final class RunPool implements AutoCloseable {
    private final ExecutorService pool;
    private final HeadlineCache cache;

    private RunPool(int jobs, HeadlineCache cache) {
        pool = Executors.newFixedThreadPool(Math.max(1, jobs));
        this.cache = cache;
    }

    public static RunPool of(int jobs) { return new RunPool(jobs, null); }

    /** A pool that reuses and records headlines in {@code cache} (null: none). */
    public static RunPool of(int jobs, HeadlineCache cache) { return new RunPool(jobs, cache); }

    /** Runs every spec; their headline values in input order. */
    double[] headlines(List<RunSpec> specs) {
        List<Future<Double>> fs = new ArrayList<>(specs.size());
        for (RunSpec s : specs) fs.add(pool.submit(() -> headline(s)));
        double[] out = new double[specs.size()];
        try {
            for (int i = 0; i < out.length; i++) out[i] = fs.get(i).get();
            return out;
        } catch (Exception e) {
            for (Future<Double> f : fs) f.cancel(true);
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        }
    }

    private double headline(RunSpec s) {
        if (cache != null) {
            java.util.OptionalDouble v = cache.get(s);
            if (v.isPresent()) return v.getAsDouble();
        }
        double v = Runner.headlineValue(Runner.run(s));
        if (cache != null) cache.put(s, v);
        return v;
    }

    @Override public void close() { pool.shutdownNow(); }
}
