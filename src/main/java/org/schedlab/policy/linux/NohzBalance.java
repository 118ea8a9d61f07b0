package org.schedlab.policy.linux;

import org.schedlab.policy.IpiVector;
import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.topology.CpuSet;

import static org.schedlab.policy.linux.LbEnv.CPU_IDLE;

/**
 * nohz idle balancing (fair.c 6.19): the nohz state of tickless idle CPUs (nohz_balance_enter_idle, the lazy
 * nohz_balance_exit_idle at the first busy tick), nohz_balancer_kick on busy ticks, find_new_ilb and the kick IPI,
 * and _nohz_idle_balance on the idle load balancer, walking the idle CPUs one by one in simulated time.
 * {@code nohz=global} is mainline's single nohz state; {@code nohz=per-llc} the distributed tracking of the 19-patch
 * series (per-LLC idle masks and nr_idle_cpus, {@code nohz.nr_doms}, find_new_ilb and the ILB walking
 * nohz_shared_list), which is what the published {@code sd_nohz} tables measured. Blocked-load housekeeping as in
 * 6.19: STATS kicks and nohz_newidle_balance walk the tickless idle CPUs and update the blocked averages of those that
 * still have blocked load (update_nohz_stats), at most once a jiffy per CPU and once per LOAD_AVG_PERIOD overall.
 */
final class NohzBalance {
    static final PolicyOption NOHZ = PolicyOption.choice("nohz",
            "nohz idle tracking: mainline's global state, or the distributed per-LLC tracking", "global", "per-llc");

    // nohz kick flags
    private static final int NOHZ_BALANCE_KICK = 1, NOHZ_STATS_KICK = 2, NOHZ_NEXT_KICK = 4;

    private final SchedContext ctx;
    private final LoadBalance lb;
    private final int nrCpus;
    private final IpiVector kickVector, continueVector;

    final CpuSet nohzIdle;
    private int nohzNrCpus;
    private boolean nohzHasBlocked, nohzNeedsUpdate;
    /** nohz.next_balance and nohz.next_blocked, in jiffies. */
    private long nohzNextBalance, nohzNextBlocked;
    /** msecs_to_jiffies(LOAD_AVG_PERIOD): 32 ms, rounded up to whole jiffies. */
    private final long loadAvgPeriodJiffies;
    private final int[] nohzFlags;
    private final int[] nrBusyCpus;               // per LLC id (first CPU)
    /** nohz=per-llc: the distributed tracking of the 19-patch series (per-LLC idle masks, nohz.nr_doms). */
    final boolean perLlcNohz;
    final CpuSet[] llcIdle;                       // per LLC id: its tickless idle CPUs
    final int[] llcIdleCount;                     // per LLC id: nr_idle_cpus
    private int nrDoms;                           // LLCs with at least one tickless idle CPU
    /** nohz_shared_list: LLC ids in the order their shared objects were registered (ascending first CPU). */
    private final int[] nohzSharedList;
    /** Names of each LLC's nohz cache lines, by LLC id (built once, not per idle entry). */
    private final String[] nohzIdleLine, nrBusyLine;

    /** sysctl_sched_migration_cost: nohz_newidle_balance leaves the update to others below this expected idle time. */
    private static final long MIGRATION_COST_NS = 500_000;

    /**
     * {@code lb} null: blocked-load housekeeping only (STATS kicks and nohz_newidle_balance, never a BALANCE kick),
     * for a policy without load balancing.
     */
    NohzBalance(SchedContext ctx, LoadBalance lb, boolean perLlc) {
        this.ctx = ctx;
        this.lb = lb;
        nrCpus = ctx.nrCpus();
        perLlcNohz = perLlc;
        loadAvgPeriodJiffies = (32_000_000L + ctx.tickNs() - 1) / ctx.tickNs();
        kickVector = ctx.registerIpi("nohz_kick", this::onKick);
        continueVector = ctx.registerIpi("ilb_continue", (cpu, arg) -> continueIlbWalk(cpu));
        nohzFlags = new int[nrCpus];
        nrBusyCpus = new int[nrCpus];
        nohzIdle = new CpuSet(nrCpus);
        llcIdle = new CpuSet[nrCpus];
        llcIdleCount = new int[nrCpus];
        nohzIdleLine = new String[nrCpus];
        nrBusyLine = new String[nrCpus];
        int nrLlcs = 0;
        for (int c = 0; c < nrCpus; c++) {
            int id = llcId(c);
            if (llcIdle[id] == null) {
                llcIdle[id] = new CpuSet(nrCpus);
                nohzIdleLine[id] = "llc.nohz_idle." + id;
                nrBusyLine[id] = "llc.nr_busy_cpus." + id;
                nrLlcs++;
            }
        }
        nohzSharedList = new int[nrLlcs];
        for (int c = 0, k = 0; c < nrCpus; c++) if (llcId(c) == c) nohzSharedList[k++] = c;
        for (int c = 0; c < nrCpus; c++) nrBusyCpus[llcId(c)]++;
        // every CPU starts idle with its tick stopped
        for (int c = 0; c < nrCpus; c++) enterIdle(c);
    }

    private int llcId(int c) { return ctx.domains().llcId(c); }

    /** The kick IPI on the chosen idle load balancer. */
    private void onKick(int cpu, long arg) {
        int flags = nohzFlags[cpu];
        nohzFlags[cpu] = 0;
        if (ctx.nrRunning(cpu) == 0 && ctx.curr(cpu) == null) nohzIdleBalance(cpu, flags);
    }

    /** nohz_balance_enter_idle: the tick stopped on an idle CPU. */
    void enterIdle(int cpu) {
        ctx.setHasBlockedLoad(cpu);
        if (nohzIdle.get(cpu)) {
            // still tickless (its exit is lazy): the load it may have gathered meanwhile needs decaying
            nohzHasBlocked = true;
            return;
        }
        nohzIdle.set(cpu);
        nohzNrCpus++;
        int id = llcId(cpu);
        nrBusyCpus[id]--;
        llcIdle[id].set(cpu);
        boolean firstOfLlc = llcIdleCount[id]++ == 0;
        if (firstOfLlc) nrDoms++;
        nohzNeedsUpdate = true;
        nohzHasBlocked = true;
        if (ctx.now() > 0) chargeNohzLines(cpu, id, firstOfLlc);
    }

    /** nohz_balance_exit_idle: done lazily at the first busy tick. */
    private void exitIdle(int cpu) {
        nohzIdle.clear(cpu);
        nohzNrCpus--;
        int id = llcId(cpu);
        nrBusyCpus[id]++;
        llcIdle[id].clear(cpu);
        boolean lastOfLlc = --llcIdleCount[id] == 0;
        if (lastOfLlc) nrDoms--;
        chargeNohzLines(cpu, id, lastOfLlc);
    }

    /**
     * The shared lines a nohz entry or exit writes: per-llc, the LLC's idle mask and nr_idle_cpus, and the global
     * nr_doms only on the LLC's first/last idle CPU ({@code llcEdge}); global, the mask, nr_cpus and nr_busy_cpus.
     */
    private void chargeNohzLines(int cpu, int id, boolean llcEdge) {
        if (perLlcNohz) {
            ctx.chargeSharedLine(cpu, nohzIdleLine[id], "nohz");
            if (llcEdge) ctx.chargeSharedLine(cpu, "nohz.nr_doms", "nohz");
        } else {
            ctx.chargeSharedLine(cpu, "nohz.idle_cpus_mask", "nohz");
            ctx.chargeSharedLine(cpu, "nohz.nr_cpus", "nohz");
            ctx.chargeSharedLine(cpu, nrBusyLine[id], "nohz");
        }
    }

    /** nohz_balancer_kick, on every busy tick. */
    void balancerKick(int cpu) {
        if (nohzIdle.get(cpu)) exitIdle(cpu);
        if (perLlcNohz ? nrDoms == 0 : nohzNrCpus == 0) return;
        long jiffies = ctx.jiffies();
        int flags = 0;
        if (nohzHasBlocked && jiffies > nohzNextBlocked) flags = NOHZ_STATS_KICK;
        if (lb != null && jiffies >= nohzNextBalance && balanceWanted(cpu)) flags = NOHZ_BALANCE_KICK | NOHZ_STATS_KICK;
        if (nohzNeedsUpdate) flags |= NOHZ_NEXT_KICK;
        if (flags != 0) kickIlb(cpu, flags);
    }

    /**
     * nohz_balancer_kick's reasons to balance: two tasks here; an idle CPU of higher ITMT priority; on a machine of mixed capacities a misfit task here
     * (and nothing else: the LLC check is skipped there); otherwise another busy CPU in this LLC.
     */
    private boolean balanceWanted(int cpu) {
        if (ctx.nrRunning(cpu) >= 2) return true;
        // asym packing: an idle CPU preferred to this one (its whole core idle, between cores)
        org.schedlab.topology.SchedDomain ap = ctx.domains().sdAsymPacking(cpu);
        if (ap != null)
            for (int i = nohzIdle.first(); i >= 0; i = nohzIdle.nextSetBit(i + 1))
                if (ap.span.get(i) && lb.schedAsym(ap, i, cpu)) return true;
        if (ctx.domains().sdAsymCpuCapacity(cpu) != null) return ctx.misfitTaskLoad(cpu) > 0;
        return nrBusyCpus[llcId(cpu)] > 1;
    }

    private void kickIlb(int cpu, int flags) {
        if ((flags & NOHZ_BALANCE_KICK) != 0) nohzNextBalance = ctx.jiffies() + 1;
        int ilb = findNewIlb(cpu);
        if (ilb < 0) return;
        if ((nohzFlags[ilb] & flags) == flags) return;
        boolean first = nohzFlags[ilb] == 0;
        ctx.chargeSharedLine(cpu, "nohz_flags." + ilb, "nohz");
        nohzFlags[ilb] |= flags;
        if (first) ctx.sendIpi(cpu, ilb, kickVector, flags, "nohz");
    }

    /**
     * find_new_ilb: the lowest-numbered tickless idle CPU; per-llc: the first idle CPU of the first LLC on
     * nohz_shared_list whose nr_idle_cpus is not zero (each LLC looked at costs a read of its shared line).
     */
    private int findNewIlb(int cpu) {
        if (!perLlcNohz) {
            for (int c = nohzIdle.first(); c >= 0; c = nohzIdle.nextSetBit(c + 1))
                if (c != cpu && ctx.idleCpu(c)) return c;
            return -1;
        }
        for (int id : nohzSharedList) {
            ctx.chargeScan(cpu, id, "nohz");
            if (llcIdleCount[id] == 0) continue;
            CpuSet m = llcIdle[id];
            for (int c = m.first(); c >= 0; c = m.nextSetBit(c + 1))
                if (c != cpu && ctx.idleCpu(c)) return c;
        }
        return -1;
    }

    /**
     * The CPUs _nohz_idle_balance visits, the ILB last: global, the idle mask from ilb+1 wrapping; per-llc, the
     * idle masks of the LLCs on nohz_shared_list in list order, skipping LLCs without idle CPUs.
     */
    private int[] nohzIdleBalanceOrder(int ilb) {
        if (!perLlcNohz) {
            int[] idle = nohzIdle.toArray();
            int start = 0;
            while (start < idle.length && idle[start] <= ilb) start++;
            int[] order = new int[idle.length];
            for (int k = 0; k < idle.length; k++) order[k] = idle[(start + k) % idle.length];
            return order;
        }
        int[] order = new int[nohzNrCpus];
        int k = 0;
        boolean ilbIdle = false;
        for (int id : nohzSharedList) {
            if (llcIdleCount[id] == 0) continue;
            CpuSet m = llcIdle[id];
            for (int c = m.first(); c >= 0; c = m.nextSetBit(c + 1)) {
                if (c == ilb) ilbIdle = true;
                else order[k++] = c;
            }
        }
        if (ilbIdle) order[k++] = ilb;
        return k == order.length ? order : java.util.Arrays.copyOf(order, k);
    }

    /** An idle load balancer's walk over the tickless idle CPUs, in progress on one CPU. */
    private static final class IlbWalk {
        boolean active;
        int flags, pendingFlags, k;
        int[] order;
        long next;
        /** When the walk started, in jiffies (the kernel's {@code now}). */
        long start;
        /** Some CPU visited still has blocked load. */
        boolean hasBlockedLoad;
    }

    private IlbWalk[] ilbWalks;

    private IlbWalk ilbWalk(int ilb) {
        if (ilbWalks == null) ilbWalks = new IlbWalk[nrCpus];
        if (ilbWalks[ilb] == null) ilbWalks[ilb] = new IlbWalk();
        return ilbWalks[ilb];
    }

    /**
     * _nohz_idle_balance on the ILB: balances for every tickless idle CPU, itself last. The walk takes simulated
     * time CPU by CPU (each step starts when the previous one's work is done), so CPUs change state under it and
     * other balancers run meanwhile. A kick that arrives during a walk runs after it.
     */
    private void nohzIdleBalance(int ilb, int flags) {
        IlbWalk w = ilbWalk(ilb);
        if (w.active) {
            w.pendingFlags |= flags;
            return;
        }
        w.active = true;
        w.flags = flags;
        if ((flags & NOHZ_STATS_KICK) != 0) nohzHasBlocked = false;
        if ((flags & NOHZ_NEXT_KICK) != 0) nohzNeedsUpdate = false;
        w.next = ctx.jiffies() + 60 * (1_000_000_000L / ctx.tickNs());
        w.start = ctx.jiffies();
        w.hasBlockedLoad = false;
        w.order = nohzIdleBalanceOrder(ilb);
        w.k = 0;
        continueIlbWalk(ilb);
    }

    /** One or more steps of the walk, until one takes time (then it continues when that work is done). */
    private void continueIlbWalk(int ilb) {
        IlbWalk w = ilbWalk(ilb);
        if (!w.active) return;
        int flags = w.flags;
        while (w.k < w.order.length) {
            int i = w.order[w.k++];
            if (!ctx.idleCpu(i) && i != ilb) continue;
            if (ctx.nrRunning(ilb) > 0) {
                // the ILB got work: stop, and let the next kick finish the job
                if ((flags & NOHZ_STATS_KICK) != 0) w.hasBlockedLoad = true;
                if ((flags & NOHZ_NEXT_KICK) != 0) nohzNeedsUpdate = true;
                finishIlbWalk(ilb, w, true);
                return;
            }
            long before = ctx.chargedNs(ilb);
            if ((flags & NOHZ_STATS_KICK) != 0) w.hasBlockedLoad |= updateNohzStats(ilb, i);
            if ((flags & NOHZ_BALANCE_KICK) != 0 && ctx.jiffies() >= lb.nextBalance[i]) lb.sched_balance_domains(i, ilb, CPU_IDLE, "nohz");
            if (lb != null) w.next = Math.min(w.next, lb.nextBalance[i]);
            long spent = ctx.chargedNs(ilb) - before;
            if (spent > 0 && w.k < w.order.length) {
                ctx.callLater(ilb, spent, continueVector, 0);
                return;
            }
        }
        finishIlbWalk(ilb, w, false);
    }

    /**
     * update_nohz_stats for idle CPU {@code i}, from the ILB: reading its rq, and updating its blocked averages
     * (under its lock) when it still has blocked load, is tickless and was not updated this jiffy. Returns whether
     * it still has blocked load.
     */
    private boolean updateNohzStats(int ilb, int i) {
        ctx.chargeScan(ilb, i, "nohz");
        if (!ctx.hasBlockedLoad(i) || !nohzIdle.get(i)) return false;
        if (ctx.jiffies() <= ctx.lastBlockedLoadUpdateTick(i)) return true;
        ctx.chargeRemoteLock(ilb, i, "nohz");
        return ctx.updateBlockedAverages(i);
    }

    /**
     * nohz_newidle_balance and nohz_run_idle_balance: a CPU that found nothing to pull and expects to stay idle
     * long enough updates the blocked load of the tickless idle CPUs itself, without an IPI, when that is due.
     */
    void newidleBalance(int cpu) {
        if (ctx.avgIdle(cpu) < MIGRATION_COST_NS) return;
        if (!nohzHasBlocked || ctx.jiffies() < nohzNextBlocked) return;
        // a kick pending here runs the softirq, which does the same
        if (nohzFlags[cpu] != 0) return;
        nohzIdleBalance(cpu, NOHZ_STATS_KICK);
    }

    private void finishIlbWalk(int ilb, IlbWalk w, boolean aborted) {
        if (!aborted && (w.flags & NOHZ_BALANCE_KICK) != 0) nohzNextBalance = w.next;
        // next_blocked = now + LOAD_AVG_PERIOD ms; an aborted walk leaves it
        if (!aborted && (w.flags & NOHZ_STATS_KICK) != 0) nohzNextBlocked = w.start + loadAvgPeriodJiffies;
        if (w.hasBlockedLoad) nohzHasBlocked = true;
        w.active = false;
        w.order = null;
        if (w.pendingFlags != 0) {
            int f = w.pendingFlags;
            w.pendingFlags = 0;
            if (ctx.nrRunning(ilb) == 0 && ctx.curr(ilb) == null) nohzIdleBalance(ilb, f);
        }
    }
}
