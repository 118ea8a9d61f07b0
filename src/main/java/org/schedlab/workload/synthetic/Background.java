package org.schedlab.workload.synthetic;

import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * The load other programs put on a shared machine, added to a workload. Two parts, as a program measured at raised
 * priority finds them: their presence (they keep {@code busyCpus} CPUs from being idle: always-runnable tasks at
 * nice 19, which take next to nothing from nice-0 tasks but leave no CPU idle for select_idle_sibling) and the
 * share of each CPU they still take ({@code stolen}: one task pinned to each CPU at nice -20, busy for that share of
 * every {@link #PERIOD_NS}). All are {@link TaskTemplate#background}: a run that ends when its tasks have exited
 * does not wait for them.
 */
public final class Background {
    private Background() {}

    /** One busy-then-sleep cycle of a background task. */
    static final long PERIOD_NS = 10_000_000;
    /** Below this many busy CPUs, or this share, that part is left out. */
    static final double MIN_BUSY_CPUS = 0.05, MIN_STOLEN = 0.005;

    /**
     * Background keeping {@code busyCpus} CPUs busy (the fewest always-runnable tasks that can, one per busy CPU
     * rounded up, sharing it evenly) and taking {@code stolen} of each of the machine's {@code cpus} CPUs.
     */
    public static void addHost(WorkloadSpec w, double busyCpus, double stolen, int cpus) {
        if (busyCpus >= MIN_BUSY_CPUS) {
            int tasks = Math.max(1, (int) Math.ceil(busyCpus - MIN_BUSY_CPUS));
            add(w, "background", tasks, Math.min(1, busyCpus / tasks), 19, null);
        }
        if (stolen >= MIN_STOLEN)
            for (int c = 0; c < cpus; c++) add(w, "background-share", 1, Math.min(1, stolen), -20, CpuSet.of(cpus, c));
    }

    private static void add(WorkloadSpec w, String comm, int tasks, double duty, int nice, CpuSet allowed) {
        if (!(duty > 0 && duty <= 1)) throw new IllegalArgumentException("background duty " + duty);
        long busy = Math.max(1, Math.round(duty * PERIOD_NS));
        Prog p = new Prog().loop(-1).run(busy);
        if (busy < PERIOD_NS) p.sleep(Dist.constant(PERIOD_NS - busy));
        TaskTemplate t = new TaskTemplate(comm, p.endLoop().build(), tasks);
        t.nice = nice;
        t.allowed = allowed;
        if (allowed != null) t.launchCpu = allowed.first();
        t.background = true;
        t.ownAddressSpace = true;
        w.addTemplate(t);
    }
}
