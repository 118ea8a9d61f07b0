package org.schedlab.workload.synthetic;

import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * The load other programs put on a shared machine, added to a workload: {@code tasks} tasks at {@code nice}, each
 * busy for {@code duty} of every {@link #PERIOD_NS} (always runnable at duty 1), placed and balanced like any task.
 * They are {@link TaskTemplate#background}: a run that ends when its tasks have exited does not wait for them.
 */
public final class Background {
    private Background() {}

    /** One busy-then-sleep cycle of a background task. */
    static final long PERIOD_NS = 10_000_000;

    /** Below this many busy CPUs the background is left out. */
    static final double MIN_BUSY_CPUS = 0.05;

    /**
     * Background that keeps {@code busyCpus} CPUs busy: the fewest tasks that can (one per busy CPU, rounded up),
     * sharing it evenly; none below {@link #MIN_BUSY_CPUS}.
     */
    public static void addBusyCpus(WorkloadSpec w, double busyCpus, int nice) {
        if (!(busyCpus >= MIN_BUSY_CPUS)) return;
        int tasks = (int) Math.ceil(busyCpus - MIN_BUSY_CPUS);
        tasks = Math.max(1, tasks);
        add(w, tasks, Math.min(1, busyCpus / tasks), nice);
    }

    public static void add(WorkloadSpec w, int tasks, double duty, int nice) {
        if (tasks <= 0 || duty <= 0) return;
        if (duty > 1 || !(duty > 0)) throw new IllegalArgumentException("background duty " + duty);
        long busy = Math.max(1, Math.round(duty * PERIOD_NS));
        Prog p = new Prog().loop(-1).run(busy);
        if (busy < PERIOD_NS) p.sleep(org.schedlab.workload.Dist.constant(PERIOD_NS - busy));
        TaskTemplate t = new TaskTemplate("background", p.endLoop().build(), tasks);
        t.nice = nice;
        t.background = true;
        t.ownAddressSpace = true;
        w.addTemplate(t);
    }
}
