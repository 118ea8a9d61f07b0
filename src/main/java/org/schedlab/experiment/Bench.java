package org.schedlab.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.engine.EventQueue;
import org.schedlab.engine.Rng;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.kernel.RunOutcome;
import org.schedlab.policy.Policies;
import org.schedlab.topology.Presets;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * The speed benchmark: a wakeup-heavy ping-pong load on 2×EPYC 9654 (about a million wakeups per simulated
 * second) timed against a bare event loop doing the same number of events on a queue of the same size.
 */
public final class Bench {
    private Bench() {}

    /** Pairs of tasks that hand a token back and forth with {@code runNs} of work per hand-off. */
    public static WorkloadSpec pingPong(int pairs, long runNs) {
        WorkloadSpec w = new WorkloadSpec("pingpong");
        w.channels = 2 * pairs;
        for (int p = 0; p < pairs; p++) {
            int a = 2 * p, b = 2 * p + 1;
            Op[] ping = {new Op.LoopBegin(-1), new Op.Run(Dist.constant(runNs)), new Op.Signal(b, false, true),
                    new Op.Wait(a), new Op.LoopEnd(0)};
            Op[] pong = {new Op.LoopBegin(-1), new Op.Wait(b), new Op.Run(Dist.constant(runNs)),
                    new Op.Signal(a, false, true), new Op.LoopEnd(0)};
            w.addTemplate(new TaskTemplate("ping", ping, 1));
            w.addTemplate(new TaskTemplate("pong", pong, 1));
        }
        return w;
    }

    public static ObjectNode run(String policy, long simNs) {
        Topology topo = Presets.get("epyc-9654-2s");
        MachineConfig cfg = new MachineConfig();
        cfg.durationNs = simNs;
        cfg.timelineBuckets = 0;
        Policies.Resolved p = Policies.resolve(policy);
        // warm the JIT on a short run first
        new Machine(topo, Policies.resolve(policy).policy, p.options, pingPong(96, 80_000), shortCfg()).run();
        // best of three of each: the machine's own noise only ever adds time
        RunOutcome out = null;
        long simWall = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            out = new Machine(topo, Policies.resolve(policy).policy, p.options, pingPong(96, 80_000), cfg).run();
            simWall = Math.min(simWall, System.nanoTime() - t0);
        }

        int queueSize = 2 * topo.nrCpus();
        bareLoop(out.events / 4, queueSize);
        long bareWall = Long.MAX_VALUE, sink = 0;
        for (int i = 0; i < 3; i++) {
            long t1 = System.nanoTime();
            sink += bareLoop(out.events, queueSize);
            bareWall = Math.min(bareWall, System.nanoTime() - t1);
        }

        double eventsPerS = out.events / (simWall / 1e9);
        double bareEventsPerS = out.events / (bareWall / 1e9);
        ObjectNode o = Runner.JSON.createObjectNode();
        o.put("scenario", "epyc-9654-2s, " + policy + ", 96 ping-pong pairs, 80us per hand-off, best of 3");
        o.put("sim_time_ns", out.simTimeNs);
        o.put("events", out.events);
        o.put("wakeups", out.rec.wakeups);
        o.put("wakeups_per_sim_s", Runner.round(out.rec.wakeups / (out.simTimeNs / 1e9), 0));
        o.put("wall_ms", Runner.round(simWall / 1e6, 1));
        o.put("events_per_s", Runner.round(eventsPerS, 0));
        o.put("bare_events_per_s", Runner.round(bareEventsPerS, 0));
        o.put("ratio", Runner.round(bareEventsPerS / eventsPerS, 3));
        o.put("wall_per_sim_s", Runner.round((simWall / 1e9) / (out.simTimeNs / 1e9), 3));
        o.put("checksum", sink & 0xff);
        return o;
    }

    private static MachineConfig shortCfg() {
        MachineConfig c = new MachineConfig();
        c.durationNs = 100_000_000L;
        c.timelineBuckets = 0;
        return c;
    }

    /** Pops and re-schedules {@code events} events on a queue holding {@code size}; returns a checksum. */
    static long bareLoop(long events, int size) {
        EventQueue q = new EventQueue();
        Rng r = new Rng(7);
        for (int i = 0; i < size; i++) q.schedule(r.nextInt(100_000), i & 7, i, 0);
        long sum = 0;
        for (long e = 0; e < events; e++) {
            q.pop();
            sum += q.a() + q.type();
            q.schedule(q.time() + 1 + r.nextInt(100_000), q.type(), q.a(), q.b());
        }
        return sum;
    }
}
