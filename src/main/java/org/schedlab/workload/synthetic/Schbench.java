package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * schbench in its default (saturation) mode: {@code message} message threads, each with {@code workers} worker
 * threads. A worker posts its message thread and waits to be posted back; when it runs it handles a request:
 * a {@code sleep} ("network"), then {@code operations} pieces of CPU work of {@code opwork} each; then it posts
 * its message thread again. A message thread, woken by posts, posts back one waiting worker per post it received
 * (running {@code post} of CPU work per post), so a batch of workers is woken by one message-thread wakeup.
 *
 * <p>Metrics. Mark stamps belong to one task, so the waker cannot start the worker's clock as schbench does.
 * Mark {@code wakeup} runs from the worker's own post to the moment it runs again: schbench's wakeup latency plus
 * the message thread's own wakeup and posting time (the two are equal when the message thread is already running).
 * Mark {@code request} runs from that moment to the end of the request (sleep plus CPU work, as schbench measures
 * it); its count gives requests per second. Headline by {@code metric}: {@code wakeup} p99 of mark wakeup (µs,
 * lower is better; schbench's starred number), {@code request} p99 request latency (µs), {@code rps} requests per
 * second (higher is better).
 *
 * <p>Start-up as schbench does it: the main thread creates the message threads one by one, and each message thread
 * creates its own workers before it starts serving them.
 *
 * <p>Not modelled: the per-CPU lock around the CPU work (the IR has no lock of "the CPU I am on"; this is
 * schbench {@code -L}), the open-loop {@code -R}/{@code -A} modes and pinning.
 *
 * <p>Parameters (default): {@code message} (1), {@code workers} per message thread (16; schbench uses
 * ceil(CPUs/message)), {@code sleep} (100us), {@code operations} (5), {@code opwork} CPU work per operation, a
 * distribution (200us; schbench's {@code -F 256 -n 5} is about 3.4ms per operation), {@code post} CPU work of
 * one futex post (1us), {@code metric} {@code wakeup|request|rps} (wakeup), {@code warmup} statistics discarded
 * before this time (0).
 */
public final class Schbench {
    private Schbench() {}

    static int requestChannel(int m) { return 2 * m; }

    static int wakeChannel(int m) { return 2 * m + 1; }

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("version", "message", "workers", "sleep", "operations", "opwork",
                "post", "metric", "warmup", "stagger", "cputime", "msgcputime", "sleeptime"));
        double stagger = Launch.stagger(p, spec);
        if (Opts.choice(p, spec, "version", "new", "new", "old").equals("old")) return buildOld(p, spec, stagger);
        Opts.refuse(p, spec, "cputime", "msgcputime", "sleeptime");
        int message = p.posInt("message", 1);
        int workers = p.posInt("workers", 16);
        Dist sleep = p.dist("sleep", Dist.constant(100_000));
        int operations = Opts.count(p, spec, "operations", 5);
        Dist opwork = p.dist("opwork", Dist.constant(200_000));
        Dist post = p.dist("post", Dist.constant(1_000));
        String metric = Opts.choice(p, spec, "metric", "wakeup", "wakeup", "request", "rps");

        WorkloadSpec w = new WorkloadSpec("schbench");
        w.params.putAll(p.given());
        w.warmupNs = p.duration("warmup", 0);
        w.channels = 2 * message;
        int wakeup = w.mark("wakeup");
        int request = w.mark("request");
        // templates: 0 schbench's main thread, then message thread m at 1 + 2m and its workers at 2 + 2m
        Prog main = new Prog();
        for (int m = 0; m < message; m++) Launch.forkOne(main, 1 + 2 * m, Launch.THREAD_CREATE.dist(stagger));
        w.addTemplate(new TaskTemplate("schbench", main.waitChildren(message).build(), 1));
        for (int m = 0; m < message; m++) {
            int req = requestChannel(m), wake = wakeChannel(m);
            Prog msg = Launch.forkEach(new Prog(), 2 + 2 * m, workers, Launch.THREAD_CREATE.dist(stagger))
                    .loop(-1).waitCh(req).run(post).signal(wake, false).endLoop();
            w.addTemplate(new TaskTemplate("schbench-msg", msg.build(), 0));
            Prog worker = new Prog().loop(-1)
                    .run(post).begin(wakeup).signal(req, false).waitCh(wake).end(wakeup)
                    .begin(request).sleep(sleep).loop(operations).run(opwork).endLoop().end(request)
                    .endLoop();
            w.addTemplate(new TaskTemplate("schbench-worker", worker.build(), 0));
        }
        w.startupNs = Launch.startup(Launch.THREAD_CREATE, message + workers, stagger);
        switch (metric) {
            case "wakeup":
                w.headline = new WorkloadSpec.Headline("wakeup_latency_p99", "us", false,
                        WorkloadSpec.HeadlineKind.LATENCY_P99, wakeup, 1e-3);
                break;
            case "request":
                w.headline = new WorkloadSpec.Headline("request_latency_p99", "us", false,
                        WorkloadSpec.HeadlineKind.LATENCY_P99, request, 1e-3);
                break;
            default:
                w.headline = new WorkloadSpec.Headline("rps", "requests/s", true, WorkloadSpec.HeadlineKind.RATE, request, 1);
        }
        return w;
    }

    /**
     * schbench before its 2023 rewrite (schbench.c at 2eef447), the "schbench (old)" of AMD's reports. A worker
     * posts its message thread, waits to be woken, then spins until {@code cputime} of wall time has passed
     * (usec_spin). A message thread stamps the time and posts every worker of its list one by one ({@code post} of
     * CPU work each), waits for a post, spins {@code msgcputime}, then sleeps {@code sleeptime} plus up to a quarter
     * of it. Headline: p99 of what each worker records at the end of its spin (add_lat): the time since the stamp
     * less {@code cputime} (its mean, if a distribution), at least 1 µs — the wakeup delay plus how late the worker
     * saw its spin end when it did not hold its CPU then.
     * Deviation: the message thread posts as many workers as it has rather than those on its list (they are all
     * waiting in steady state; a post to a busy worker is kept for its next wait).
     */
    private static WorkloadSpec buildOld(SpecParams p, String spec, double stagger) {
        Opts.refuse(p, spec, "sleep", "operations", "opwork", "metric");
        int message = p.posInt("message", 2);
        int workers = p.posInt("workers", 16);
        Dist cputime = p.dist("cputime", Dist.constant(30_000_000));
        Dist msgcputime = p.dist("msgcputime", Dist.constant(30_000_000));
        Dist post = p.dist("post", Dist.constant(1_000));
        long sleeptime = p.duration("sleeptime", 30_000_000);

        WorkloadSpec w = new WorkloadSpec("schbench");
        w.params.putAll(p.given());
        w.warmupNs = p.duration("warmup", 0);
        w.channels = 2 * message;
        int wakeup = w.mark("wakeup");
        Prog main = new Prog();
        for (int m = 0; m < message; m++) Launch.forkOne(main, 1 + 2 * m, Launch.THREAD_CREATE.dist(stagger));
        w.addTemplate(new TaskTemplate("schbench", main.waitChildren(message).build(), 1));
        Dist nap = Dist.uniform(sleeptime, sleeptime + sleeptime / 4);
        for (int m = 0; m < message; m++) {
            int req = requestChannel(m), wake = wakeChannel(m);
            Prog msg = Launch.forkEach(new Prog(), 2 + 2 * m, workers, Launch.THREAD_CREATE.dist(stagger))
                    .loop(-1).stamp(wakeup, wake).loop(workers).signal(wake, false).run(post).endLoop()
                    .waitCh(req).runWall(msgcputime).sleep(nap).endLoop();
            w.addTemplate(new TaskTemplate("schbench-msg", msg.build(), 0));
            Prog worker = new Prog().loop(-1).signal(req, false).waitCh(wake).beginAtStamp(wakeup, wake)
                    .runWall(cputime).endLess(wakeup, Math.round(cputime.mean())).endLoop();
            w.addTemplate(new TaskTemplate("schbench-worker", worker.build(), 0));
        }
        w.startupNs = Launch.startup(Launch.THREAD_CREATE, message + workers, stagger);
        w.headline = new WorkloadSpec.Headline("wakeup_latency_p99", "us", false, WorkloadSpec.HeadlineKind.LATENCY_P99,
                wakeup, 1e-3);
        return w;
    }
}
