package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

/**
 * CPU inference with a thread pool (llama.cpp {@code -t}, PyTorch intra-op threads): {@code batches} independent
 * pools of {@code threads} threads (several models or requests served side by side). A step (one token or one
 * forward pass) is {@code layers} layers; per layer every thread of the pool computes its share of the layer
 * ({@code layerwork} / threads, each share varied uniformly by ±{@code imbalance}) and waits at the pool's layer
 * barrier; after the last layer the pool's lead thread alone runs {@code post} (sampling) while the others wait at
 * the step barrier. One preempted or migrated thread stalls its whole pool. Barriers sleep (passive wait policy).
 *
 * <p>Metrics. The lead thread of each pool marks {@code step} around every step. Headline by {@code metric}:
 * {@code rate} steps per second over all pools (higher is better), {@code time} elapsed time for {@code steps}
 * steps (seconds, lower is better; needs steps &gt; 0), {@code p99} step latency in ms (lower is better).
 *
 * <p>Start-up: each pool's lead thread creates its workers one by one.
 *
 * <p>Parameters (default): {@code batches} (1), {@code threads} per pool (4), {@code layers} (32),
 * {@code layerwork} CPU work of one layer summed over the pool's threads (threads × 1ms), {@code post} (300us),
 * {@code imbalance} (0.05, at most 0.99), {@code steps} per pool, 0 = until the run ends (0; with a count the
 * run ends when all threads exit), {@code membound} fraction of the work bound by memory bandwidth (0),
 * {@code ws} working set per thread (4M), {@code metric} {@code rate|time|p99} (rate, or time when steps &gt; 0),
 * {@code warmup} (0).
 */
public final class Inference {
    private Inference() {}

    static int layerBarrier(int batch) { return 2 * batch; }

    static int stepBarrier(int batch) { return 2 * batch + 1; }

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("batches", "threads", "layers", "layerwork", "post",
                "imbalance", "steps", "membound", "ws", "metric", "warmup", "stagger"));
        double stagger = Launch.stagger(p, spec);
        int batches = p.posInt("batches", 1);
        int threads = p.posInt("threads", 4);
        int layers = p.posInt("layers", 32);
        long layerwork = p.duration("layerwork", threads * 1_000_000L);
        Dist post = p.dist("post", Dist.constant(300_000));
        double imbalance = Opts.fraction(p, spec, "imbalance", 0.05, 0.99);
        int steps = Opts.count(p, spec, "steps", 0);
        double membound = Opts.fraction(p, spec, "membound", 0, 1);
        long ws = Opts.bytes(p, spec, "ws", 4L << 20);
        String metric = Opts.choice(p, spec, "metric", steps > 0 ? "time" : "rate", "rate", "time", "p99");
        if (metric.equals("time") && steps == 0)
            throw new WorkloadException(spec + ": metric=time needs a step count (steps > 0)");

        WorkloadSpec w = new WorkloadSpec("inference");
        w.params.putAll(p.given());
        w.warmupNs = p.duration("warmup", 0);
        w.barrierParties = new int[2 * batches];
        int step = w.mark("step");
        double share = layerwork / (double) threads;
        Dist work = imbalance == 0 ? Dist.constant(Math.round(share))
                : Dist.uniform(Math.round(share * (1 - imbalance)), Math.round(share * (1 + imbalance)));
        int loops = steps == 0 ? -1 : steps;
        for (int b = 0; b < batches; b++) {
            int lb = layerBarrier(b), sb = stepBarrier(b);
            w.barrierParties[lb] = threads;
            w.barrierParties[sb] = threads;
            Prog lead = Launch.forkEach(new Prog(), 2 * b + 1, threads - 1, Launch.THREAD_CREATE.dist(stagger)).loop(loops).begin(step)
                    .loop(layers).run(work).barrier(lb).endLoop()
                    .run(post).barrier(sb).end(step).endLoop();
            Prog worker = new Prog().loop(loops)
                    .loop(layers).run(work).barrier(lb).endLoop()
                    .barrier(sb).endLoop();
            TaskTemplate lt = new TaskTemplate("infer-lead", lead.build(), 1);
            TaskTemplate wt = new TaskTemplate("infer-worker", worker.build(), 0);
            for (TaskTemplate t : new TaskTemplate[]{lt, wt}) {
                t.memoryBound = membound;
                t.workingSetBytes = ws;
            }
            w.addTemplate(lt);
            w.addTemplate(wt);
        }
        w.startupNs = Launch.startup(Launch.THREAD_CREATE, threads - 1, stagger);
        w.endWhenAllExit = steps > 0;
        switch (metric) {
            case "time":
                w.headline = new WorkloadSpec.Headline("time", "s", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME, -1, 1e-9);
                break;
            case "p99":
                w.headline = new WorkloadSpec.Headline("step_latency_p99", "ms", false, WorkloadSpec.HeadlineKind.LATENCY_P99, step, 1e-6);
                break;
            default:
                w.headline = new WorkloadSpec.Headline("steps", "steps/s", true, WorkloadSpec.HeadlineKind.RATE, step, 1);
        }
        return w;
    }
}
