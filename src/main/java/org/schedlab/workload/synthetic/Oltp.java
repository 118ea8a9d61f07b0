package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * An OLTP database server (sysbench oltp / pgbench-like): a pool of {@code threads} server threads executes
 * transactions. A transaction runs {@code statements} statements, each CPU work ({@code cpu}) followed by a short
 * critical section ({@code hold}) on one of {@code locks} hot mutexes (row or latch contention), then waits for
 * the commit I/O ({@code io}, a sleep).
 *
 * <p>Arrivals. With {@code rate} &gt; 0 the load is open: a dispatcher thread (the network) sleeps exponential
 * inter-arrival times and signals a request channel; an idle worker takes the request (requests queue in the
 * channel while every worker is busy). With {@code rate=0} the load is closed, as sysbench runs it: every worker
 * starts its next transaction as soon as the previous one committed. Worker i takes the hot mutexes in the order
 * i, i+1, … (mod locks), so every worker meets every lock.
 *
 * <p>Metrics. Mark {@code transaction} runs from the worker taking the request to the commit; it excludes time a
 * request waited for a free worker. Headline by {@code metric}: {@code tps} transactions per second (higher is
 * better), {@code p99} or {@code mean} transaction latency in ms (lower is better).
 *
 * <p>Start-up: the server's main thread creates the workers (and the dispatcher) one by one.
 *
 * <p>Parameters (default): {@code threads} (8), {@code rate} arrivals per second, 0 = closed loop (2000),
 * {@code statements} per transaction (4), {@code cpu} per statement (lognormal:50us:0.5), {@code locks} hot
 * mutexes, 0 = none (4), {@code hold} CPU work inside the lock (det:5us), {@code io} commit wait (exp:100us),
 * {@code metric} {@code tps|p99|mean} (tps), {@code warmup} (0).
 */
public final class Oltp {
    private Oltp() {}

    static final int REQUESTS = 0;

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("threads", "rate", "statements", "cpu", "locks", "hold",
                "io", "metric", "warmup", "stagger"));
        double stagger = Launch.stagger(p, spec);
        int threads = p.posInt("threads", 8);
        double rate = Opts.nonNegative(p, spec, "rate", 2000);
        int statements = p.posInt("statements", 4);
        Dist cpu = p.dist("cpu", Dist.lognormal(50_000, 0.5));
        int locks = Opts.count(p, spec, "locks", 4);
        Dist hold = p.dist("hold", Dist.constant(5_000));
        Dist io = p.dist("io", Dist.exp(100_000));
        String metric = Opts.choice(p, spec, "metric", "tps", "tps", "p99", "mean");
        boolean open = rate > 0;

        WorkloadSpec w = new WorkloadSpec("oltp");
        w.params.putAll(p.given());
        w.warmupNs = p.duration("warmup", 0);
        w.channels = 1;
        w.mutexes = locks;
        int tx = w.mark("transaction");
        // templates: 0 the server's main thread, worker i at 1 + i, the dispatcher at 1 + threads
        Prog main = new Prog();
        for (int i = 0; i < threads; i++) Launch.forkOne(main, 1 + i, Launch.THREAD_CREATE.dist(stagger));
        if (open) Launch.forkOne(main, 1 + threads, Launch.THREAD_CREATE.dist(stagger));
        w.addTemplate(new TaskTemplate("dbserver", main.waitChildren(threads + (open ? 1 : 0)).build(), 1));
        for (int i = 0; i < threads; i++) {
            Prog worker = new Prog().loop(-1);
            if (open) worker.waitCh(REQUESTS);
            worker.begin(tx);
            for (int s = 0; s < statements; s++) {
                worker.run(cpu);
                if (locks > 0) {
                    int m = (i + s) % locks;
                    worker.lock(m).run(hold).unlock(m);
                }
            }
            worker.sleep(io).end(tx).endLoop();
            w.addTemplate(new TaskTemplate("dbworker", worker.build(), 0));
        }
        if (open) {
            Prog dispatcher = new Prog().loop(-1).sleep(Dist.exp(1e9 / rate)).signal(REQUESTS, false).endLoop();
            w.addTemplate(new TaskTemplate("dispatcher", dispatcher.build(), 0));
        }
        w.startupNs = Launch.startup(Launch.THREAD_CREATE, threads + (open ? 1 : 0), stagger);
        switch (metric) {
            case "p99":
                w.headline = new WorkloadSpec.Headline("latency_p99", "ms", false, WorkloadSpec.HeadlineKind.LATENCY_P99, tx, 1e-6);
                break;
            case "mean":
                w.headline = new WorkloadSpec.Headline("latency_mean", "ms", false, WorkloadSpec.HeadlineKind.LATENCY_MEAN, tx, 1e-6);
                break;
            default:
                w.headline = new WorkloadSpec.Headline("tps", "tx/s", true, WorkloadSpec.HeadlineKind.RATE, tx, 1);
        }
        return w;
    }
}
