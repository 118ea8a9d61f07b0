package com.example;

import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;

import java.util.List;

/**
 * A small policy written against schedlab's public API only:
 * wakeups go to the CPU of the previous CPU's LLC with the fewest tasks (scanning it costs one remote read
 * per CPU); a CPU about to go idle pulls the least recently run queued task from the busiest CPU of its LLC.
 * Option {@code scan=N} limits the wakeup scan to N CPUs.
 */
public final class IdlestInLlcPolicy implements SchedPolicy {
    static final PolicyOption SCAN = PolicyOption.positive("scan", "CPUs the wakeup scan looks at", 64);

    private SchedContext ctx;
    private int scanLimit;

    @Override public String name() { return "idlest-in-llc"; }

    @Override public List<PolicyOption> options() { return List.of(SCAN); }

    @Override public void init(SchedContext ctx) {
        this.ctx = ctx;
        this.scanLimit = Integer.parseInt(ctx.option(SCAN));
    }

    @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
        int home = prevCpu >= 0 ? prevCpu : wakerCpu;
        SchedDomain llc = ctx.domains().sdLlc(home);
        if (llc == null) return p.canRunOn(home) ? home : p.allowedCpus().first();
        int best = -1, bestNr = Integer.MAX_VALUE, scanned = 0;
        CpuSet span = llc.span;
        for (int c = span.nextSetBitWrap(home); c >= 0 && scanned < scanLimit; c = span.nextSetBitWrap(c + 1)) {
            if (scanned++ > 0 && c == home) break;
            if (!p.canRunOn(c)) continue;
            ctx.chargeScan(wakerCpu >= 0 ? wakerCpu : home, c, "example");
            int nr = ctx.nrRunning(c);
            if (nr < bestNr) {
                best = c;
                bestNr = nr;
                if (nr == 0) break;
            }
        }
        if (best >= 0) return best;
        return p.canRunOn(home) ? home : p.allowedCpus().first();
    }

    @Override public void newidle(int cpu) {
        SchedDomain llc = ctx.domains().sdLlc(cpu);
        if (llc == null) return;
        int busiest = -1, most = 1;
        for (int c = llc.span.first(); c >= 0; c = llc.span.nextSetBit(c + 1)) {
            if (c == cpu) continue;
            ctx.chargeScan(cpu, c, "example");
            if (ctx.nrRunning(c) > most) {
                busiest = c;
                most = ctx.nrRunning(c);
            }
        }
        if (busiest < 0) return;
        // the task list is read under the busiest runqueue's lock, which the reader charges
        RqReader rq = ctx.reader(cpu, "example");
        rq.lock(busiest);
        for (int i = 0; i < rq.taskCount(busiest); i++) {
            TaskView t = rq.task(busiest, i);
            if (t.isQueued() && t.canRunOn(cpu) && ctx.migrate(t, cpu, cpu, "example")) return;
        }
    }
}
