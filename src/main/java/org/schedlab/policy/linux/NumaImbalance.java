package org.schedlab.policy.linux;

import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedGroup;

/**
 * The imbalance a SD_NUMA domain tolerates between its groups, at fork (find_idlest_group) and in load balancing
 * (calculate_imbalance), as three kernel changes shaped it:
 * <ul>
 * <li>{@code numa_imb}: how many running tasks the destination may have while an imbalance is allowed.
 * {@code llcs} (e496132ebedd, mainline): {@code running <= sd->imb_numa_nr}, the LLCs per node;
 * {@code quarter} (before it): {@code running < (weight >> 2)}, a quarter of the local group's CPUs.</li>
 * <li>{@code numa_affinity_cap} (f5b2eeb49991): at fork, a task that may not use every CPU has the allowance capped
 * by the number of CPUs it may use in the local group.</li>
 * <li>{@code numa_consistent} (cb29a5c19d2d, mainline): fork stays local only while the idle-CPU imbalance is at
 * most NUMA_IMBALANCE_MIN (adjust_numa_imbalance), and load balancing halves the imbalance after adjusting it.
 * {@code off}: fork stays local whenever the running count is allowed (allow_numa_imbalance), and load balancing
 * halves the task or idle-CPU difference before adjusting it (5.17–5.19).</li>
 * </ul>
 */
final class NumaImbalance {
    static final PolicyOption NUMA_IMB = PolicyOption.choice("numa_imb",
            "allowed NUMA imbalance: llcs (imb_numa_nr = LLCs per node, e496132ebedd) or quarter (25% of the node's CPUs)",
            "llcs", "quarter");
    static final PolicyOption NUMA_AFFINITY_CAP = PolicyOption.onOff("numa_affinity_cap",
            "fork: cap the allowed imbalance by the CPUs the task may use in the local group (f5b2eeb49991)", true);
    static final PolicyOption NUMA_CONSISTENT = PolicyOption.onOff("numa_consistent",
            "fork and load balancing judge the imbalance alike (cb29a5c19d2d); off: fork stays local while the running count is allowed", true);

    /** NUMA_IMBALANCE_MIN: a pair of communicating tasks may stay together on a lightly loaded node. */
    static final int NUMA_IMBALANCE_MIN = 2;

    private final boolean quarter, affinityCap, consistent;
    private final int nrCpus;

    NumaImbalance(SchedContext ctx) {
        quarter = ctx.option(NUMA_IMB).equals("quarter");
        affinityCap = NUMA_AFFINITY_CAP.isOn(ctx.option(NUMA_AFFINITY_CAP));
        consistent = NUMA_CONSISTENT.isOn(ctx.option(NUMA_CONSISTENT));
        nrCpus = ctx.nrCpus();
    }

    /** The mainline rules, for callers without options. */
    NumaImbalance(int nrCpus) {
        quarter = false;
        affinityCap = true;
        consistent = true;
        this.nrCpus = nrCpus;
    }

    boolean consistent() { return consistent; }

    /**
     * The most running tasks the destination may have with an imbalance still allowed: {@code sd->imb_numa_nr}, or
     * one less than a quarter of the local group's weight ({@code running < weight >> 2}).
     */
    int limit(SchedDomain sd, int localGroupWeight) {
        return quarter ? (localGroupWeight >> 2) - 1 : sd.imbNumaNr;
    }

    /** adjust_numa_imbalance: an imbalance of at most NUMA_IMBALANCE_MIN is ignored while the destination is allowed one. */
    static int adjust(int imbalance, int dstRunning, int limit) {
        if (dstRunning > limit) return imbalance;
        if (imbalance <= NUMA_IMBALANCE_MIN) return 0;
        return imbalance;
    }

    /**
     * find_idlest_group, group_has_spare at a SD_NUMA domain: true when the task should stay in the local group.
     * {@code localRunning} and the idle counts are over the CPUs the task may use.
     */
    boolean forkStaysLocal(SchedDomain sd, SchedGroup local, TaskView p, int localRunning, int localIdle, int idlestIdle) {
        int limit = limit(sd, local.weight);
        CpuSet allowed = p.allowedCpus();
        if (affinityCap && allowed != null && p.nrCpusAllowed() != nrCpus) {
            int usable = local.span.copy().and(allowed).cardinality();
            limit = Math.min(usable, limit);
        }
        if (!consistent) return localRunning + 1 <= limit;
        // Deviation: the local group must still have an idle CPU the task may use (not in 6.19's find_idlest_group).
        if (localIdle <= 0) return false;
        return adjust(Math.abs(localIdle - idlestIdle), localRunning + 1, limit) == 0;
    }
}
