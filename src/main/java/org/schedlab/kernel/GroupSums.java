package org.schedlab.kernel;

import org.schedlab.policy.RqSums;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedGroup;

import java.util.ArrayList;
import java.util.List;

/**
 * The sums update_sg_lb_stats and update_sg_wakeup_stats take over a sched group's CPUs (cpu_load,
 * cpu_util_cfs, cpu_runnable, nr_running, idle CPUs, CPUs with more than one task, the largest misfit load of a
 * busy CPU), kept per group as the CPUs' figures change, so a pass reads a group in O(1). Each CPU's share is an
 * integer that changes only where the kernel changes what it stands for; {@link #refresh} adds the change to
 * every group holding the CPU, so the sums are exact.
 */
final class GroupSums {
    private final Cpu[] cpus;
    /** By {@link SchedGroup#id}. */
    private final SchedGroup[] groups;
    /** Per CPU: the groups that hold it. */
    private final int[][] groupsOf;

    /**
     * Per group, {@link #STRIDE} longs side by side (one cache line): load, util, runnable, the largest misfit load,
     * nr_running, idle CPUs, CPUs with more than one task, misfit CPUs.
     */
    private final long[] sum;
    private static final int STRIDE = 8, LOAD = 0, UTIL = 1, RUNNABLE = 2, MISFIT_MAX = 3, NR = 4, IDLE = 5, OVER = 6,
            MISFIT_CPUS = 7;
    private final int[] capacity, maxCapacity;
    /** The largest misfit load may have left the group: recomputed when next read. */
    private final boolean[] misfitStale;
    /** Per group: the indices of the words of its span that hold CPUs of it, and those words. */
    private final int[][] spanWordIdx;
    private final long[][] spanWords;

    /** Per CPU, its share as last added, {@link #STRIDE} longs side by side: the group fields it adds to, at their offsets. */
    private final long[] share;

    GroupSums(Machine m) {
        this.cpus = m.cpus;
        int n = m.nrCpus;
        List<SchedGroup> all = new ArrayList<>();
        for (int c = 0; c < n; c++)
            for (SchedDomain sd : m.sds.of(c))
                for (int i = 0; i < sd.nrGroups(); i++) {
                    SchedGroup g = sd.group(i);
                    while (all.size() <= g.id) all.add(null);
                    all.set(g.id, g);
                }
        groups = all.toArray(new SchedGroup[0]);
        List<List<Integer>> of = new ArrayList<>();
        for (int c = 0; c < n; c++) of.add(new ArrayList<>());
        for (SchedGroup g : groups)
            if (g != null) for (int i = g.span.first(); i >= 0; i = g.span.nextSetBit(i + 1)) of.get(i).add(g.id);
        groupsOf = new int[n][];
        for (int c = 0; c < n; c++) groupsOf[c] = of.get(c).stream().mapToInt(Integer::intValue).toArray();
        int ng = groups.length;
        sum = new long[ng * STRIDE];
        capacity = new int[ng];
        maxCapacity = new int[ng];
        misfitStale = new boolean[ng];
        spanWordIdx = new int[ng][];
        spanWords = new long[ng][];
        for (int g = 0; g < ng; g++) {
            if (groups[g] == null) continue;
            CpuSet span = groups[g].span;
            int k = 0;
            for (int i = span.first(); i >= 0; i = span.nextSetBit(((i >>> 6) + 1) << 6)) k++;
            spanWordIdx[g] = new int[k];
            spanWords[g] = new long[k];
            k = 0;
            for (int i = span.first(); i >= 0; i = span.nextSetBit(((i >>> 6) + 1) << 6)) {
                spanWordIdx[g][k] = i >>> 6;
                spanWords[g][k++] = span.word(i >>> 6);
            }
        }
        share = new long[n * STRIDE];
        for (int g = 0; g < ng; g++)
            for (int i = groups[g] == null ? -1 : groups[g].span.first(); i >= 0; i = groups[g].span.nextSetBit(i + 1)) {
                capacity[g] += cpus[i].capacity;
                maxCapacity[g] = Math.max(maxCapacity[g], cpus[i].capacity);
            }
        for (Cpu cpu : cpus) refresh(cpu);
    }

    /** The CPU's figures may have changed: the difference goes to every group holding it. */
    void refresh(Cpu cpu) {
        int sh = cpu.id * STRIDE;
        long l = cpu.loadAvg, u = LoadTracking.cpuUtilCfs(cpu), r = cpu.runnableAvg;
        int nr = cpu.nrRunning;
        int idle = cpu.isIdle() ? 1 : 0;
        long misfit = idle != 0 ? 0 : cpu.misfitTaskLoad;
        long[] s = share;
        long oldNr = s[sh + NR], oldMisfit = s[sh + MISFIT_MAX];
        if (l == s[sh + LOAD] && u == s[sh + UTIL] && r == s[sh + RUNNABLE] && nr == oldNr && idle == s[sh + IDLE]
                && misfit == oldMisfit)
            return;
        long dl = l - s[sh + LOAD], du = u - s[sh + UTIL], dr = r - s[sh + RUNNABLE];
        long dnr = nr - oldNr, didle = idle - s[sh + IDLE];
        int dover = (nr > 1 ? 1 : 0) - (oldNr > 1 ? 1 : 0);
        int dmis = (misfit > 0 ? 1 : 0) - (oldMisfit > 0 ? 1 : 0);
        long[] sums = sum;
        for (int g : groupsOf[cpu.id]) {
            int at = g * STRIDE;
            sums[at + LOAD] += dl;
            sums[at + UTIL] += du;
            sums[at + RUNNABLE] += dr;
            sums[at + NR] += dnr;
            sums[at + IDLE] += didle;
            sums[at + OVER] += dover;
            if (misfit != oldMisfit) {
                sums[at + MISFIT_CPUS] += dmis;
                if (misfit > sums[at + MISFIT_MAX]) sums[at + MISFIT_MAX] = misfit;
                else if (oldMisfit == sums[at + MISFIT_MAX]) misfitStale[g] = true;
            }
        }
        s[sh + LOAD] = l;
        s[sh + UTIL] = u;
        s[sh + RUNNABLE] = r;
        s[sh + NR] = nr;
        s[sh + IDLE] = idle;
        s[sh + MISFIT_MAX] = misfit;
    }

    /** The words of the group's span that hold CPUs of it ({@link #spanWordIdx} gives their indices). */
    long[] spanWords(int g) { return spanWords[g]; }
    int[] spanWordIdx(int g) { return spanWordIdx[g]; }

    /** Every CPU of the group is in {@code within}. */
    boolean inside(int g, CpuSet within) {
        long[] span = spanWords[g];
        int[] idx = spanWordIdx[g];
        for (int k = 0; k < idx.length; k++) if ((span[k] & ~within.word(idx[k])) != 0) return false;
        return true;
    }

    /** The group's sums over all its CPUs. */
    void read(int g, RqSums out) {
        SchedGroup group = groups[g];
        int at = g * STRIDE;
        out.load = sum[at + LOAD];
        out.util = sum[at + UTIL];
        out.runnable = sum[at + RUNNABLE];
        out.nrRunning = (int) sum[at + NR];
        out.idleCpus = (int) sum[at + IDLE];
        out.overloadedCpus = (int) sum[at + OVER];
        out.misfitTaskLoad = misfitMax(g);
        out.weight = group.weight;
        out.capacity = capacity[g];
        out.maxCapacity = maxCapacity[g];
    }

    private long misfitMax(int g) {
        int at = g * STRIDE;
        if (sum[at + MISFIT_CPUS] == 0) return 0;
        if (misfitStale[g]) {
            long max = 0;
            CpuSet span = groups[g].span;
            for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) max = Math.max(max, share[i * STRIDE + MISFIT_MAX]);
            sum[at + MISFIT_MAX] = max;
            misfitStale[g] = false;
        }
        return sum[at + MISFIT_MAX];
    }

    /** The sums over the group's CPUs that are in {@code within}, CPU by CPU. */
    void readEach(SchedGroup group, CpuSet within, RqSums out) {
        out.clear();
        CpuSet span = group.span;
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            if (within != null && !within.get(i)) continue;
            add(cpus[i], out);
        }
    }

    /** One CPU's figures, read from its runqueue, added to {@code out}. */
    static void add(Cpu cpu, RqSums out) {
        out.load += cpu.loadAvg;
        out.util += LoadTracking.cpuUtilCfs(cpu);
        out.runnable += cpu.runnableAvg;
        out.nrRunning += cpu.nrRunning;
        boolean idle = cpu.isIdle();
        if (idle) out.idleCpus++;
        if (cpu.nrRunning > 1) out.overloadedCpus++;
        if (!idle) out.misfitTaskLoad = Math.max(out.misfitTaskLoad, cpu.misfitTaskLoad);
        out.weight++;
        out.capacity += cpu.capacity;
        out.maxCapacity = Math.max(out.maxCapacity, cpu.capacity);
    }

    /** Every group's sums equal its CPUs' figures added up afresh (checked with the invariants). */
    void check() {
        RqSums kept = new RqSums(), fresh = new RqSums();
        for (int id = 0; id < groups.length; id++) {
            SchedGroup g = groups[id];
            if (g == null) continue;
            read(id, kept);
            readEach(g, null, fresh);
            if (kept.load != fresh.load || kept.util != fresh.util || kept.runnable != fresh.runnable
                    || kept.nrRunning != fresh.nrRunning || kept.idleCpus != fresh.idleCpus
                    || kept.overloadedCpus != fresh.overloadedCpus || kept.misfitTaskLoad != fresh.misfitTaskLoad
                    || kept.weight != fresh.weight || kept.capacity != fresh.capacity || kept.maxCapacity != fresh.maxCapacity)
                throw new IllegalStateException("sched group " + g + " sums differ from its CPUs'");
        }
    }
}
