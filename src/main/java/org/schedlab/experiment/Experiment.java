package org.schedlab.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.InputError;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs independent tasks on a fixed pool of threads and returns their results by input index, never by
 * completion order: with deterministic tasks the returned list is the same for any number of threads.
 *
 * <p>Workers take inputs in index order. When a task throws, no further inputs are started, the running ones
 * finish, and the failure of the lowest index among those that ran is rethrown (unchecked exceptions as they
 * are, checked ones wrapped in a {@link RuntimeException}).
 */
public final class Experiment {
    /** Stack size of worker threads; the simulator's recursion depth needs more than the usual default. */
    public static final long STACK_BYTES = 4L << 20;

    private Experiment() {}

    /** One task: the result for input {@code index}. */
    @FunctionalInterface
    public interface Task<I, O> {
        O apply(int index, I input) throws Exception;
    }

    /** Told after each task completes, from the worker thread that ran it; calls are serialised. */
    @FunctionalInterface
    public interface Listener {
        void completed(int index, int done, int total);
    }

    /**
     * Runs one spec. Its errors name the run: input errors stay {@link InputError}s, anything else becomes an
     * {@link IllegalStateException} with the original as cause.
     */
    public static ObjectNode run(RunSpec s) {
        try {
            return Runner.run(s);
        } catch (InputError e) {
            throw new InputError(describe(s) + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException(describe(s) + " failed: " + e, e);
        }
    }

    /** A one-line description of a run for messages. */
    public static String describe(RunSpec s) {
        StringBuilder sb = new StringBuilder("run of ").append(s.policy).append(" on ").append(s.topology)
                .append(" with ").append(s.workload);
        if (!s.params.isEmpty()) sb.append(' ').append(s.params);
        return sb.append(", seed ").append(s.seed).toString();
    }

    /** The default number of threads: the available processors. */
    public static int defaultJobs() { return Runtime.getRuntime().availableProcessors(); }

    public static <I, O> List<O> map(List<I> inputs, int jobs, Task<I, O> task, Listener listener) {
        if (jobs < 1) throw new IllegalArgumentException("jobs must be at least 1, got " + jobs);
        int n = inputs.size();
        Object[] results = new Object[n];
        Throwable[] failures = new Throwable[n];
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Object lock = new Object();
        int threads = Math.max(1, Math.min(jobs, n));
        ExecutorService pool = Executors.newFixedThreadPool(threads, daemonThreads());
        try {
            List<Future<?>> workers = new ArrayList<>();
            for (int w = 0; w < threads; w++)
                workers.add(pool.submit(() -> {
                    while (true) {
                        int i = next.getAndIncrement();
                        if (i >= n) return;
                        try {
                            results[i] = task.apply(i, inputs.get(i));
                        } catch (Throwable t) {
                            failures[i] = t;
                            next.set(n);
                            return;
                        }
                        if (listener != null)
                            synchronized (lock) {
                                listener.completed(i, done.incrementAndGet(), n);
                            }
                    }
                }));
            for (Future<?> f : workers) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw rethrow(e.getCause());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new RuntimeException("interrupted", e);
                }
            }
        } finally {
            pool.shutdownNow();
        }
        for (Throwable t : failures) if (t != null) throw rethrow(t);
        List<O> out = new ArrayList<>(n);
        for (Object r : results) {
            @SuppressWarnings("unchecked") O o = (O) r;
            out.add(o);
        }
        return out;
    }

    private static RuntimeException rethrow(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new RuntimeException(t);
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(null, r, "schedlab-run-" + count.incrementAndGet(), STACK_BYTES);
            t.setDaemon(true);
            return t;
        };
    }
}
