package org.schedlab.policy.linux;

import org.schedlab.policy.Capacity;
import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.RqSums;
import org.schedlab.policy.WakeFlags;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.SchedGroup;
import org.schedlab.topology.Topology;

import java.util.Arrays;

/**
 * The fair class's task placement (select_task_rq_fair): wake_wide / wake_affine on wakeup followed by
 * select_idle_sibling inside the target's LLC (SIS_UTIL scan depth, idle-core search), and the
 * find_idlest slow path for fork and exec. Keeps the per-LLC shared state (has_idle_cores, nr_idle_scan).
 * {@code sis=prop} replaces SIS_UTIL's scan depth with SIS_PROP's (5.19, removed by 984ffb6a4366): the waking CPU's
 * aged wake_avg_idle against its LLC domain's avg_scan_cost. The NUMA imbalance at fork follows {@link NumaImbalance}.
 * On mixed capacities, candidates must fit the task (asym_fits_cpu), select_idle_capacity searches the
 * SD_ASYM_CPUCAPACITY domain, and the slow path classifies groups that cannot fit the task as misfit.
 * Deviation: no energy-aware placement (find_energy_efficient_cpu needs an energy model) and no uclamp.
 */
public class FairPlacement {
    static final PolicyOption SIS = PolicyOption.choice("sis",
            "select_idle_cpu's scan depth: util (SIS_UTIL, 70fb5ccf2ebb) or prop (SIS_PROP, 5.19)", "util", "prop");

    protected SchedContext ctx;
    protected SchedDomains sds;
    protected Topology topo;
    /** Per LLC (indexed by llc id = first CPU): has_idle_cores and nr_idle_scan. */
    protected boolean[] hasIdleCores;
    protected int[] nrIdleScan;
    protected long[] nextScanUpdate;
    protected boolean smt;
    /** sched_asym_cpucap_active: some domain spans CPUs of different capacities. */
    private boolean asymCpuCap;
    private int[] seenCore;
    private int coreStamp;
    /** Per LLC (by llc id), its sd_llc's CPUs in ascending order, made on first use. */
    private int[][] llcCpus;
    /** The NUMA imbalance rules of fork placement and load balancing. */
    NumaImbalance numa;
    /** SIS_PROP instead of SIS_UTIL. */
    private boolean sisProp;
    /** SIS_PROP state per CPU: rq->wake_avg_idle (ns), rq->wake_stamp (jiffies), its sd_llc's avg_scan_cost (ns). */
    private long[] wakeAvgIdle, wakeStamp, avgScanCost;
    /** The CPU went idle after newidle balancing; its next task ends the idle period (ttwu_do_activate). */
    private boolean[] idlePeriod;
    /** The CPU doing the current select_task_rq (smp_processor_id()). */
    private int thisCpu;

    public void init(SchedContext ctx) { init(ctx, true); }

    /** {@code withOptions} false: the mainline rules, reading no option (for a policy that declares none). */
    void init(SchedContext ctx, boolean withOptions) {
        this.ctx = ctx;
        this.sds = ctx.domains();
        this.topo = ctx.topology();
        int n = ctx.nrCpus();
        hasIdleCores = new boolean[n];
        nrIdleScan = new int[n];
        nextScanUpdate = new long[n];
        smt = topo.smt() > 1;
        for (int c = 0; c < n && !asymCpuCap; c++) asymCpuCap = sds.sdAsymCpuCapacity(c) != null;
        seenCore = new int[topo.nrCores()];
        llcCpus = new int[n][];
        // before the first LLC balance pass the scan depth is the whole LLC (every CPU is idle at boot)
        for (int c = 0; c < n; c++) nrIdleScan[c] = sds.llcSize(c);
        numa = withOptions ? new NumaImbalance(ctx) : new NumaImbalance(n);
        sisProp = withOptions && ctx.option(SIS).equals("prop");
        if (sisProp) {
            wakeAvgIdle = new long[n];
            wakeStamp = new long[n];
            avgScanCost = new long[n];
            idlePeriod = new boolean[n];
            // sched_init: wake_avg_idle = avg_idle = 2 * sysctl_sched_migration_cost, wake_stamp = jiffies
            for (int c = 0; c < n; c++) wakeAvgIdle[c] = ctx.avgIdle(c);
        }
    }

    /** The placement options every fair policy declares. */
    static java.util.List<PolicyOption> options() {
        return java.util.List.of(SIS, NumaImbalance.NUMA_IMB, NumaImbalance.NUMA_CONSISTENT, NumaImbalance.NUMA_AFFINITY_CAP);
    }

    // ------------------------------------------------------------------ SIS_PROP bookkeeping

    /** The CPU found nothing to run and goes idle (idle_stamp is set in sched_balance_newidle). */
    public void enteringIdle(int cpu) {
        if (sisProp) idlePeriod[cpu] = true;
    }

    /**
     * A task starts on {@code cpu}: after an idle period, wake_avg_idle = avg_idle / 2 and wake_stamp = jiffies, as
     * ttwu_do_wakeup (5.19) sets them. Deviation: also after a balancer's pull, where 5.19 sets them only at a wakeup.
     */
    public void running(int cpu) {
        if (!sisProp || !idlePeriod[cpu]) return;
        idlePeriod[cpu] = false;
        wakeAvgIdle[cpu] = ctx.avgIdle(cpu) / 2;
        wakeStamp[cpu] = ctx.jiffies();
    }

    // ------------------------------------------------------------------ select_task_rq_fair

    public int selectTaskRq(TaskView p, int prev, int cpu, int wakeFlags) {
        thisCpu = cpu;
        if (prev < 0) prev = cpu;
        // select_task_rq_fair: a WF_CURRENT_CPU wakeup goes to the waker's CPU where the wakee may run there
        if ((wakeFlags & WakeFlags.WF_TTWU) != 0 && (wakeFlags & WakeFlags.WF_CURRENT_CPU) != 0 && p.canRunOn(cpu)) return cpu;
        boolean sync = (wakeFlags & WakeFlags.WF_SYNC) != 0;
        boolean wantAffine = false;
        int sdFlag;
        if ((wakeFlags & WakeFlags.WF_TTWU) != 0) {
            wantAffine = !wakeWide(p, cpu) && p.canRunOn(cpu);
            sdFlag = SchedDomain.SD_BALANCE_WAKE;
        } else if ((wakeFlags & WakeFlags.WF_FORK) != 0) {
            sdFlag = SchedDomain.SD_BALANCE_FORK;
        } else {
            sdFlag = SchedDomain.SD_BALANCE_EXEC;
        }
        int newCpu = prev;
        SchedDomain sd = null;
        for (SchedDomain tmp : sds.of(cpu)) {
            if (wantAffine && tmp.has(SchedDomain.SD_WAKE_AFFINE) && tmp.span.get(prev)) {
                if (cpu != prev) newCpu = wakeAffine(tmp, p, cpu, prev, sync);
                sd = null;
                break;
            }
            if ((tmp.flags & sdFlag) != 0) sd = tmp;
            else if (!wantAffine) break;
        }
        if (sd != null) {
            newCpu = findIdlestCpu(sd, p, cpu, prev, sdFlag);
        } else if ((wakeFlags & WakeFlags.WF_TTWU) != 0) {
            newCpu = selectIdleSibling(p, prev, newCpu);
        }
        if (!p.canRunOn(newCpu)) newCpu = fallback(p, prev);
        return newCpu;
    }

    protected int fallback(TaskView p, int prev) {
        if (p.canRunOn(prev)) return prev;
        CpuSet a = p.allowedCpus();
        return a == null ? prev : a.first();
    }

    protected boolean wakeWide(TaskView p, int cpu) {
        TaskView waker = ctx.curr(cpu);
        if (waker == null) return false;
        int master = waker.wakeeFlips(), slave = p.wakeeFlips();
        int factor = sds.llcSize(cpu);
        if (master < slave) {
            int t = master;
            master = slave;
            slave = t;
        }
        return !(slave < factor || master < slave * factor);
    }

    /** available_idle_cpu: idle_cpu() ({@code findIdlestGroupCpu} reads it a word of CPUs at a time). */
    protected boolean availableIdle(int cpu) { return ctx.idleCpu(cpu); }

    protected int wakeAffine(SchedDomain sd, TaskView p, int thisCpu, int prev, boolean sync) {
        int target = -1;
        // WA_IDLE
        if (availableIdle(thisCpu) && sds.cpusShareCache(thisCpu, prev)) target = availableIdle(prev) ? prev : thisCpu;
        else if (sync && ctx.nrRunning(thisCpu) == 1) target = thisCpu;
        else if (availableIdle(prev)) target = prev;
        if (target < 0) {
            // WA_WEIGHT with WA_BIAS
            RqReader rq = ctx.selectReader();
            double thisEff = rq.load(thisCpu);
            if (sync) {
                TaskView curr = ctx.curr(thisCpu);
                double currLoad = curr != null ? curr.loadAvg() : 0;
                if (currLoad > thisEff) return thisCpu;
                thisEff -= currLoad;
            }
            double taskLoad = p.loadAvg();
            thisEff += taskLoad;
            thisEff *= 100.0 * ctx.capacityOf(prev);
            double prevEff = rq.load(prev) - taskLoad;
            prevEff *= 100 + (sd.imbalancePct - 100) / 2;
            prevEff *= ctx.capacityOf(thisCpu);
            if (sync) prevEff += 1;
            if (thisEff < prevEff) target = thisCpu;
        }
        return target < 0 ? prev : target;
    }

    protected int selectIdleSibling(TaskView p, int prev, int target) {
        // on mixed capacities every candidate must also fit the task (asym_fits_cpu)
        double util = asymCpuCap ? p.utilEst() : 0;
        if (availableIdle(target) && p.canRunOn(target) && asymFits(util, target)) return target;
        if (prev != target && sds.cpusShareCache(prev, target) && availableIdle(prev) && p.canRunOn(prev) && asymFits(util, prev))
            return prev;
        int recent = p.recentUsedCpu();
        p.setRecentUsedCpu(prev);
        if (recent >= 0 && recent != prev && recent != target && sds.cpusShareCache(recent, target)
                && availableIdle(recent) && p.canRunOn(recent) && asymFits(util, recent))
            return recent;
        if (asymCpuCap) {
            SchedDomain sd = sds.sdAsymCpuCapacity(target);
            if (sd != null) {
                int i = selectIdleCapacity(p, sd, target, util);
                return i >= 0 ? i : target;
            }
        }
        SchedDomain llc = sds.sdLlc(target);
        if (llc == null) return target;
        int llcId = sds.llcId(target);
        boolean hasIdleCore = false;
        if (smt) {
            hasIdleCore = hasIdleCores[llcId];
            if (!hasIdleCore && sds.cpusShareCache(prev, target)) {
                int i = selectIdleSmt(p, prev);
                if (i >= 0) return i;
            }
        }
        int i = selectIdleCpu(p, llc, hasIdleCore, target);
        return i >= 0 ? i : target;
    }

    private boolean asymFits(double util, int cpu) { return !asymCpuCap || Capacity.fits(util, ctx.capacityOf(cpu)); }

    /** select_idle_capacity: the first idle CPU of the domain that fits the task, else the biggest idle one. */
    private int selectIdleCapacity(TaskView p, SchedDomain sd, int target, double util) {
        CpuSet span = sd.span;
        int best = -1, bestCap = 0;
        int c = span.get(target) ? target : span.nextSetBitWrap(target);
        for (int k = 0, w = span.cardinality(); k < w; k++, c = span.nextSetBitWrap(c + 1)) {
            if (!p.canRunOn(c) || !availableIdle(c)) continue;
            int cap = ctx.capacityOf(c);
            if (Capacity.fits(util, cap)) return c;
            if (cap > bestCap) {
                bestCap = cap;
                best = c;
            }
        }
        return best;
    }

    private int selectIdleSmt(TaskView p, int cpu) {
        for (int s : topo.coreCpus(topo.coreOf(cpu)))
            if (s != cpu && p.canRunOn(s) && availableIdle(s)) return s;
        return -1;
    }

    /**
     * select_idle_cpu: scans the LLC from target+1 for an idle core (has_idle_core) or an idle CPU. SIS_UTIL's
     * budget of nr_idle_scan CPUs limits the idle-CPU scan; a budget of zero ends the search before either scan
     * ("overloaded LLC is unlikely to have idle cpu/core").
     */
    private int selectIdleCpu(TaskView p, SchedDomain llc, boolean hasIdleCore, int target) {
        int llcId = sds.llcId(target);
        int nr;
        if (sisProp) {
            nr = hasIdleCore ? Integer.MAX_VALUE : sisPropDepth(llc);
        } else {
            nr = nrIdleScan[llcId] + 1;
            if (nr == 1) return -1;
        }
        long scanNs = 0;
        int[] span = llcCpus[llcId];
        if (span == null) span = llcCpus[llcId] = llc.span.toArray();
        int w = span.length;
        int idleCpu = -1;
        // for_each_cpu_wrap from target + 1
        int at = Arrays.binarySearch(span, target);
        at = at >= 0 ? at + 1 : -at - 1;
        int stamp = ++coreStamp;
        for (int k = 0; k < w; k++, at++) {
            if (at == w) at = 0;
            int c = span[at];
            if (!p.canRunOn(c)) continue;
            if (hasIdleCore) {
                int core = topo.coreOf(c);
                if (seenCore[core] == stamp) continue;
                seenCore[core] = stamp;
                boolean allIdle = true;
                for (int s : topo.coreCpus(core)) {
                    if (!availableIdle(s)) allIdle = false;
                    else if (idleCpu < 0 && p.canRunOn(s)) idleCpu = s;
                }
                if (allIdle) return c;
            } else {
                if (--nr <= 0) return -1;
                if (sisProp) scanNs += probeNs(c);
                if (availableIdle(c)) {
                    idleCpu = c;
                    break;
                }
            }
        }
        if (hasIdleCore) hasIdleCores[llcId] = false;
        if (sisProp && !hasIdleCore) sisPropAccount(scanNs);
        return idleCpu;
    }

    /**
     * SIS_PROP's scan budget (select_idle_cpu, 5.19): the waking CPU's wake_avg_idle, halved for every jiffy since
     * it last woke from idle, spread over the LLC against its sd_llc's average scan cost:
     * nr = span_weight · avg_idle / (avg_scan_cost + 1), at least 4.
     */
    private int sisPropDepth(SchedDomain llc) {
        int me = thisCpu;
        long now = ctx.jiffies();
        // "If we're busy, the assumption that the last idle period predicts the future is flawed"
        while (wakeStamp[me] < now && wakeAvgIdle[me] != 0) {
            wakeStamp[me]++;
            wakeAvgIdle[me] >>= 1;
        }
        long avgCost = avgScanCost[me] + 1;
        long spanAvg = llc.spanWeight * wakeAvgIdle[me];
        long nr = spanAvg > 4 * avgCost ? spanAvg / avgCost : 4;
        return (int) Math.min(nr, Integer.MAX_VALUE);
    }

    /**
     * The time of a scan that ran to its end (one that spent its budget returns before this, as in 5.19): taken off
     * wake_avg_idle and folded into avg_scan_cost (update_avg, weight 1/8).
     */
    private void sisPropAccount(long scanNs) {
        int me = thisCpu;
        wakeAvgIdle[me] -= Math.min(wakeAvgIdle[me], scanNs);
        avgScanCost[me] += (scanNs - avgScanCost[me]) / 8;
    }

    /**
     * The time idle_cpu() takes on {@code cpu} from the waking CPU: one read of that runqueue's line.
     * Deviation: the scan's time feeds avg_scan_cost but is not charged to the waker, whose fixed wakeup cost covers
     * select_task_rq whichever the scan depth (sis=util charges no scan either).
     */
    private long probeNs(int cpu) { return ctx.costs().transferNs(topo, thisCpu, cpu); }

    /** __update_idle_core: a CPU entering idle marks its LLC as having an idle core if its whole core is idle. */
    public void updateIdleCore(int cpu) {
        if (!smt) return;
        for (int s : topo.coreCpus(topo.coreOf(cpu)))
            if (s != cpu && !availableIdle(s)) return;
        hasIdleCores[sds.llcId(cpu)] = true;
    }

    /**
     * update_idle_cpu_scan (SIS_UTIL) for the LLC of {@code cpu}, from the summed utilisation of the LLC, in the
     * kernel's integer steps: x = sum_util / llc_weight; y = 1024 - min(1024, x²·pct² / (10000·1024));
     * nr_idle_scan = y·llc_weight / 1024.
     */
    public void updateIdleCpuScan(int cpu, double sumUtil) {
        SchedDomain llc = sds.sdLlc(cpu);
        if (llc == null) return;
        long w = llc.spanWeight;
        long x = (long) sumUtil / w;
        long pct = llc.imbalancePct;
        long tmp = Math.min(x * x * pct * pct / (10000L * 1024), 1024);
        nrIdleScan[sds.llcId(cpu)] = (int) ((1024 - tmp) * w / 1024);
    }

    /** Refreshes SIS_UTIL for this CPU's LLC at most once per LLC balance interval. */
    public void maybeUpdateIdleCpuScan(int cpu) {
        SchedDomain llc = sds.sdLlc(cpu);
        if (llc == null) return;
        int id = sds.llcId(cpu);
        long now = ctx.now();
        if (now < nextScanUpdate[id]) return;
        nextScanUpdate[id] = now + llc.minIntervalMs * 1_000_000L;
        // the kernel sums this during the LLC balance pass; linux-wake has none, so its tick pays for the reads
        RqReader rq = ctx.reader(cpu, "sis_util");
        double sum = 0;
        for (int i = llc.span.first(); i >= 0; i = llc.span.nextSetBit(i + 1)) sum += rq.util(i);
        rq.done();
        updateIdleCpuScan(cpu, sum);
    }

    // ------------------------------------------------------------------ slow path

    private static final int HAS_SPARE = 0, FULLY_BUSY = 1, MISFIT = 2, OVERLOADED = 6;

    private final class WakeupStats {
        double load, util, runnable, avgLoad;
        int nrRunning, idleCpus, weight, capacity, maxCapacity, type;
        boolean misfit;
    }

    protected int findIdlestCpu(SchedDomain sd, TaskView p, int cpu, int prev, int sdFlag) {
        if (p.allowedCpus() != null && !sd.span.intersects(p.allowedCpus())) return prev;
        int newCpu = cpu;
        while (sd != null) {
            if ((sd.flags & sdFlag) == 0) {
                sd = sd.child();
                continue;
            }
            SchedGroup group = findIdlestGroup(sd, p, cpu);
            if (group == null) {
                sd = sd.child();
                continue;
            }
            newCpu = findIdlestGroupCpu(group, p, cpu);
            if (newCpu == cpu) {
                sd = sd.child();
                continue;
            }
            cpu = newCpu;
            int weight = sd.spanWeight;
            sd = null;
            for (SchedDomain tmp : sds.of(cpu)) {
                if (weight <= tmp.spanWeight) break;
                if ((tmp.flags & sdFlag) != 0) sd = tmp;
            }
        }
        return newCpu;
    }

    /** Three reusable statistics: the idlest so far, the local group's, and the one being gathered. */
    private final WakeupStats[] statsPool = {new WakeupStats(), new WakeupStats(), new WakeupStats()};
    private final RqSums sums = new RqSums();

    private WakeupStats freeStats(WakeupStats a, WakeupStats b) {
        for (WakeupStats w : statsPool) if (w != a && w != b) return w;
        throw new IllegalStateException("no free wakeup statistics");
    }

    private WakeupStats wakeupStats(SchedDomain sd, SchedGroup g, TaskView p, WakeupStats s) {
        s.load = s.util = s.runnable = s.avgLoad = 0;
        s.nrRunning = s.idleCpus = s.weight = s.capacity = s.maxCapacity = s.type = 0;
        RqReader rq = ctx.selectReader();
        CpuSet span = g.span;
        // update_sg_wakeup_stats: on mixed capacities, misfit unless one CPU of the group fits the task
        boolean asym = sd.has(SchedDomain.SD_ASYM_CPUCAPACITY);
        s.misfit = asym;
        // the group's CPUs the task may run on, read and added up
        rq.sum(g, p.allowedCpus(), sums);
        s.load = sums.load;
        s.util = sums.util;
        s.runnable = sums.runnable;
        s.nrRunning = sums.nrRunning;
        s.idleCpus = sums.idleCpus;
        // group_weight and sgc->capacity are the whole group's, whatever the task may use
        s.weight = g.weight;
        s.capacity = g.capacity;
        s.maxCapacity = sums.maxCapacity;
        if (s.misfit && Capacity.fits(p.utilEst(), s.maxCapacity)) s.misfit = false;
        // cpu_load_without, cpu_util_without, cpu_runnable_without: p's own share leaves the CPU it is on
        int pc = p.cpu();
        if (pc >= 0 && span.get(pc) && p.canRunOn(pc)) {
            s.load = sums.load - rq.load(pc) + Math.max(0, rq.load(pc) - p.loadAvg());
            s.util = sums.util - rq.util(pc) + Math.max(0, rq.util(pc) - p.utilAvg());
            s.runnable = sums.runnable - rq.runnable(pc) + Math.max(0, rq.runnable(pc) - p.runnableAvg());
            if (p.isQueued() || p.isRunning()) s.nrRunning--;
        }
        int pct = sd.imbalancePct;
        if (s.nrRunning > s.weight && (s.capacity * 100.0 < s.util * pct || s.capacity * (double) pct < s.runnable * 100))
            s.type = OVERLOADED;
        else if (s.misfit)
            s.type = MISFIT;
        else if (s.nrRunning < s.weight || (!(s.capacity * (double) pct < s.runnable * 100) && s.capacity * 100.0 > s.util * pct))
            s.type = HAS_SPARE;
        else
            s.type = FULLY_BUSY;
        if (s.type != HAS_SPARE && s.capacity > 0) s.avgLoad = s.load * 1024 / s.capacity;
        return s;
    }

    private SchedGroup findIdlestGroup(SchedDomain sd, TaskView p, int thisCpu) {
        SchedGroup idlest = null, local = null;
        WakeupStats idlestS = null, localS = null;
        for (int gi = 0; gi < sd.nrGroups(); gi++) {
            SchedGroup g = sd.group(gi);
            if (p.allowedCpus() != null && !g.span.intersects(p.allowedCpus())) continue;
            WakeupStats s = wakeupStats(sd, g, p, freeStats(idlestS, localS));
            if (thisCpu == sd.cpu ? sd.groupHoldsCpu(gi) : g.span.get(thisCpu)) {
                local = g;
                localS = s;
                continue;
            }
            if (idlestS == null || pickIdlest(idlestS, s)) {
                idlest = g;
                idlestS = s;
            }
        }
        if (idlest == null) return null;
        if (localS == null) return idlest;
        if (localS.type < idlestS.type) return null;
        if (localS.type > idlestS.type) return idlest;
        if (localS.type == MISFIT) {
            if (localS.maxCapacity >= idlestS.maxCapacity) return null;
        } else if (localS.type == HAS_SPARE) {
            if (sd.has(SchedDomain.SD_NUMA)
                    && numa.forkStaysLocal(sd, local, p, localS.nrRunning, localS.idleCpus, idlestS.idleCpus))
                return null;
            if (localS.idleCpus >= idlestS.idleCpus) return null;
        } else {
            double imbalance = 1024.0 * (sd.imbalancePct - 100) / 100;
            if (sd.has(SchedDomain.SD_NUMA) && idlestS.avgLoad + imbalance >= localS.avgLoad) return null;
            if (idlestS.avgLoad >= localS.avgLoad + imbalance) return null;
            if (100 * localS.avgLoad <= sd.imbalancePct * idlestS.avgLoad) return null;
        }
        return idlest;
    }

    private static boolean pickIdlest(WakeupStats idlest, WakeupStats s) {
        if (s.type < idlest.type) return true;
        if (s.type > idlest.type) return false;
        if (s.type == HAS_SPARE) {
            if (idlest.idleCpus > s.idleCpus) return false;
            if (idlest.idleCpus == s.idleCpus && idlest.util <= s.util) return false;
        } else if (s.type == MISFIT) {
            if (idlest.maxCapacity >= s.maxCapacity) return false;
        } else {
            if (idlest.avgLoad <= s.avgLoad) return false;
        }
        return true;
    }

    private int findIdlestGroupCpu(SchedGroup g, TaskView p, int thisCpu) {
        CpuSet span = g.span;
        if (g.weight == 1) return span.first();
        // the idle CPUs the task may use (availableIdle, a word of CPUs at a time): every CPU idles in C1 here, so
        // the tie goes to the most recently idled
        int shallowest = -1;
        long latestIdle = Long.MIN_VALUE;
        for (int i = span.first(); i >= 0; i = span.nextSetBit(((i >>> 6) + 1) << 6)) {
            int w = i >>> 6;
            for (long idle = span.word(w) & ctx.idleCpusWord(w); idle != 0; idle &= idle - 1) {
                int c = (w << 6) + Long.numberOfTrailingZeros(idle);
                if (!p.canRunOn(c)) continue;
                long since = ctx.idleSince(c);
                if (shallowest < 0 || since > latestIdle) {
                    latestIdle = since;
                    shallowest = c;
                }
            }
        }
        if (shallowest >= 0) return shallowest;
        // none idle: the least loaded
        double minLoad = Double.MAX_VALUE;
        int leastLoaded = thisCpu;
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            if (!p.canRunOn(i)) continue;
            double load = ctx.selectReader().load(i);
            if (load < minLoad) {
                minLoad = load;
                leastLoaded = i;
            }
        }
        return leastLoaded;
    }
}
