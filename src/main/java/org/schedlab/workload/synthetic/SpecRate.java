package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * SPEC CPU "rate" runs: {@code copies} independent single-threaded CPU-bound processes, started one by one by
 * {@code specinvoke} (fork and exec); each does {@code work} of CPU work without blocking and exits. With free costs the makespan is
 * {@code work} while copies ≤ CPUs and about work × copies / CPUs beyond, if the scheduler balances perfectly.
 *
 * <p>Metrics. Every copy counts mark {@code copy} when it finishes. Headline by {@code metric}: {@code time}
 * makespan in seconds (lower is better) or {@code rate} copies completed per second of makespan (higher is better;
 * proportional to SPEC's rate score).
 *
 * <p>Parameters (default): {@code copies} (4; usually the number of CPUs), {@code work} per copy, a distribution
 * (200ms), {@code memfrac} fraction of the work bound by memory bandwidth, for mcf/lbm-like copies (0), {@code ws}
 * working set (2M), {@code metric} {@code time|rate} (time). Simulated duration must cover the makespan.
 */
public final class SpecRate {
    private SpecRate() {}

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("copies", "work", "memfrac", "ws", "metric", "stagger"));
        double stagger = Launch.stagger(p, spec);
        int copies = p.posInt("copies", 4);
        Dist work = p.dist("work", Dist.constant(200_000_000));
        double memfrac = Opts.fraction(p, spec, "memfrac", 0, 1);
        long ws = Opts.bytes(p, spec, "ws", 2L << 20);
        boolean time = Opts.choice(p, spec, "metric", "time", "time", "rate").equals("time");

        WorkloadSpec w = new WorkloadSpec("spec-rate");
        w.params.putAll(p.given());
        int copy = w.mark("copy");
        Prog specinvoke = Launch.forkEach(new Prog(), 1, copies, Launch.SHELL_SPAWN.dist(stagger)).waitChildren(copies).exit();
        w.addTemplate(new TaskTemplate("specinvoke", specinvoke.build(), 1));
        TaskTemplate t = new TaskTemplate("spec-copy", new Prog().run(work).end(copy).exit().build(), 0);
        t.memoryBound = memfrac;
        t.workingSetBytes = ws;
        w.addTemplate(t);
        w.endWhenAllExit = true;
        w.headline = time
                ? new WorkloadSpec.Headline("time", "s", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME, -1, 1e-9)
                : new WorkloadSpec.Headline("rate", "copies/s", true, WorkloadSpec.HeadlineKind.RATE, copy, 1);
        return w.processes(); // the copies are processes
    }
}
