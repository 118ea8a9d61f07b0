package org.schedlab.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A fixed number of threads running simulations for any number of callers, so several groups of checks submitted
 * at once share the machine instead of each taking {@code jobs} threads. Results do not depend on the thread count.
 */
public final class RunPool implements AutoCloseable {
    private final ExecutorService pool;

    private RunPool(int jobs) { pool = Executors.newFixedThreadPool(Math.max(1, jobs)); }

    public static RunPool of(int jobs) { return new RunPool(jobs); }

    /** Runs every spec; their headline values in input order. */
    double[] headlines(List<RunSpec> specs) {
        List<Future<ObjectNode>> fs = new ArrayList<>(specs.size());
        for (RunSpec s : specs) fs.add(pool.submit(() -> Runner.run(s)));
        double[] out = new double[specs.size()];
        try {
            for (int i = 0; i < out.length; i++) out[i] = Runner.headlineValue(fs.get(i).get());
            return out;
        } catch (Exception e) {
            for (Future<ObjectNode> f : fs) f.cancel(true);
            throw new IllegalStateException(e.getCause() != null ? e.getCause() : e);
        }
    }

    @Override public void close() { pool.shutdownNow(); }
}
