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

    // per group
    private final long[] load, util, runnable, misfitMax;
    private final int[] nrRunning, idleCpus, overloadedCpus, misfitCpus, capacity, maxCapacity;
    /** The largest misfit load may have left the group: recomputed when next read. */
    private final boolean[] misfitStale;
    /** Per group: the indices of the words of its span that hold CPUs of it, and those words. */
    private final int[][] spanWordIdx;
    private final long[][] spanWords;

    // per CPU: its share as last added
    private final long[] shLoad, shUtil, shRunnable, shMisfit;
    private final int[] shNr;
    private final boolean[] shIdle;

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
        load = new long[ng];
        util = new long[ng];
        runnable = new long[ng];
        misfitMax = new long[ng];
        nrRunning = new int[ng];
        idleCpus = new int[ng];
        overloadedCpus = new int[ng];
        misfitCpus = new int[ng];
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
        shLoad = new long[n];
        shUtil = new long[n];
        shRunnable = new long[n];
        shMisfit = new long[n];
        shNr = new int[n];
        shIdle = new boolean[n];
        for (int g = 0; g < ng; g++)
            for (int i = groups[g] == null ? -1 : groups[g].span.first(); i >= 0; i = groups[g].span.nextSetBit(i + 1)) {
                capacity[g] += cpus[i].capacity;
                maxCapacity[g] = Math.max(maxCapacity[g], cpus[i].capacity);
            }
        for (Cpu cpu : cpus) refresh(cpu);
    }

    /** The CPU's figures may have changed: the difference goes to every group holding it. */
    void refresh(Cpu cpu) {
        int c = cpu.id;
        long l = cpu.loadAvg, u = LoadTracking.cpuUtilCfs(cpu), r = cpu.runnableAvg;
        int nr = cpu.nrRunning;
        boolean idle = cpu.isIdle();
        long misfit = idle ? 0 : cpu.misfitTaskLoad;
        if (l == shLoad[c] && u == shUtil[c] && r == shRunnable[c] && nr == shNr[c] && idle == shIdle[c] && misfit == shMisfit[c])
            return;
        long dl = l - shLoad[c], du = u - shUtil[c], dr = r - shRunnable[c];
        int dnr = nr - shNr[c];
        int didle = (idle ? 1 : 0) - (shIdle[c] ? 1 : 0);
        int dover = (nr > 1 ? 1 : 0) - (shNr[c] > 1 ? 1 : 0);
        long oldMisfit = shMisfit[c];
        int dmis = (misfit > 0 ? 1 : 0) - (oldMisfit > 0 ? 1 : 0);
        for (int g : groupsOf[c]) {
            load[g] += dl;
            util[g] += du;
            runnable[g] += dr;
            nrRunning[g] += dnr;
            idleCpus[g] += didle;
            overloadedCpus[g] += dover;
            if (misfit != oldMisfit) {
                misfitCpus[g] += dmis;
                if (misfit > misfitMax[g]) misfitMax[g] = misfit;
                else if (oldMisfit == misfitMax[g]) misfitStale[g] = true;
            }
        }
        shLoad[c] = l;
        shUtil[c] = u;
        shRunnable[c] = r;
        shNr[c] = nr;
        shIdle[c] = idle;
        shMisfit[c] = misfit;
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
        out.load = load[g];
        out.util = util[g];
        out.runnable = runnable[g];
        out.nrRunning = nrRunning[g];
        out.idleCpus = idleCpus[g];
        out.overloadedCpus = overloadedCpus[g];
        out.misfitTaskLoad = misfitMax(g);
        out.weight = group.weight;
        out.capacity = capacity[g];
        out.maxCapacity = maxCapacity[g];
    }

    private long misfitMax(int g) {
        if (misfitCpus[g] == 0) return 0;
        if (misfitStale[g]) {
            long max = 0;
            CpuSet span = groups[g].span;
            for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) max = Math.max(max, shMisfit[i]);
            misfitMax[g] = max;
            misfitStale[g] = false;
        }
        return misfitMax[g];
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
