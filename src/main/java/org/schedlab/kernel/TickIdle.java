package org.schedlab.kernel;

import org.schedlab.cost.CostModel;
import org.schedlab.engine.EventQueue;
import org.schedlab.policy.SchedPolicy;

/**
 * The periodic tick (sched_tick), its stop on entering idle (tick_nohz_idle_stop_tick, gated by avg_idle
 * like the idle governor) and restart, and the exit from idle. The tick is aligned to jiffies.
 */
final class TickIdle {
    private final Machine m;
    private final CostModel costs;
    private final SchedPolicy policy;
    private final MachineConfig cfg;
    private final EventQueue q;
    private final Cpu[] cpus;
    private final long tickNs;

    TickIdle(Machine m) {
        this.m = m;
        this.costs = m.costs;
        this.policy = m.policy;
        this.cfg = m.cfg;
        this.q = m.q;
        this.cpus = m.cpus;
        this.tickNs = m.tickNs;
    }

    /** Arms the next tick at the next jiffy boundary. */
    void armTick(int c) {
        Cpu cpu = cpus[c];
        cpu.tickArmed = true;
        cpu.genTick++;
        long next = (m.now / tickNs + 1) * tickNs;
        q.schedule(next, Machine.EV_TICK, c, cpu.genTick);
    }

    /** tick_nohz_restart_sched_tick: the CPU leaves nohz idle. */
    void restartTick(int c) {
        Cpu cpu = cpus[c];
        cpu.tickStopped = false;
        armTick(c);
        policy.tickRestarted(c);
    }

    /** tick_nohz_idle_stop_tick when the CPU expects to stay idle for at least a tick (avg_idle). */
    void enterIdle(int c) {
        Cpu cpu = cpus[c];
        // the governor stops the tick when it expects to stay idle for at least a tick
        if (!cpu.tickStopped && cpu.avgIdle >= tickNs) stopTick(c);
    }

    /** The tick stops; the policy hears of it (nohz.idle_cpus_mask). */
    void stopTick(int c) {
        Cpu cpu = cpus[c];
        cpu.tickStopped = true;
        cpu.tickArmed = false;
        cpu.genTick++;
        policy.tickStopped(c);
    }

    /** sched_tick: charges the tick, updates PELT, preempts an expired slice and calls the policy's balance tick. */
    void onTick(int c, long gen) {
        Cpu cpu = cpus[c];
        if (gen != cpu.genTick) return;
        cpu.tickArmed = false;
        m.time.account(c);
        m.time.chargeKernel(c, costs.tickNs, CpuTime.KK_TICK);
        Task curr = cpu.curr;
        if (curr != null) {
            m.load.peltRq(cpu);
            m.load.syncTaskPelt(curr);
            if (cfg.slice && cpu.sliceExpired && cpu.nrRunning > 1) cpu.needResched = true;
            cpu.sliceExpired = false;
        } else {
            m.load.peltRq(cpu);
        }
        policy.tick(c, curr == null);
        if (cpu.curr == null && cpu.nrRunning == 0) {
            if (!cpu.tickStopped) stopTick(c);
        } else {
            armTick(c);
        }
        if (cpu.needResched) m.core.schedule(c);
    }

    /** A task became runnable on an idle CPU: it leaves idle (paying the exit latency) and runs it. */
    void kickIdle(int c) {
        Cpu cpu = cpus[c];
        if (cpu.curr != null || cpu.newidle) return;
        m.time.chargeKernel(c, costs.idleExitNs, CpuTime.KK_IDLE_EXIT);
        m.core.schedule(c);
    }
}
