package org.schedlab.policy.linux;

import org.schedlab.policy.IpiVector;
import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.ScanRun;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The push-based idle and newidle balancing of the 2025 RFC.
 * <ul>
 * <li>Each runqueue keeps a list of pushable tasks — queued tasks that were preempted (not fresh wakeups),
 * allowed on more than one CPU — ordered by static priority; a per-LLC overloaded mask marks the CPUs whose
 * list is non-empty.</li>
 * <li>After a context switch that leaves pushable tasks behind, the busy CPU pushes them, one by one, to
 * tickless-idle CPUs ({@code nohz=global}: the first one in numeric order after the pusher in the single
 * global nohz mask, as posted; {@code nohz=per-llc}: the pusher's own LLC first, then up the domain tree
 * through per-level "has idle" bits, as in the distributed-nohz series).</li>
 * <li>Newidle balancing below the first NUMA level is replaced by pulling one task from an overloaded CPU of
 * the local LLC, then of the other LLCs of the node; NUMA levels keep the mainline newidle path.</li>
 * </ul>
 * Options: {@code context=busy|ipi} (the busy CPU moves the task, or IPIs the target which pulls it),
 * {@code pileup=off|claim} (nothing stops two pushers choosing one idle CPU, or a target is claimed first),
 * {@code newidle=intended|as-posted} (the posted patch bails out of the LLC walk while the CPU is still empty,
 * which looks inverted against its commit message).
 */
final class PushBalance {
    static final PolicyOption CONTEXT = PolicyOption.choice("context",
            "who moves a pushed task: the busy CPU, or the idle target after an IPI", "busy", "ipi");
    static final PolicyOption PILEUP = PolicyOption.choice("pileup",
            "two pushers may pick one idle CPU (off), or a target is claimed first", "off", "claim");
    static final PolicyOption NEWIDLE = PolicyOption.choice("newidle",
            "the LLC walk's early exit as the commit message intends, or as the patch posted it", "intended", "as-posted");

    private final SchedContext ctx;
    private final LoadBalance lb;
    private final NewidleBalance mainline;
    private final NohzBalance nohz;
    private final IpiVector pushPullVector;
    private final boolean ipiContext, claim, newidleAsPosted;
    /** Pushable tasks per CPU, highest priority (lowest nice) first, FIFO within a priority. */
    private final List<TaskView>[] pushable;
    private boolean[] inPushable;
    /** Per-LLC overloaded masks, indexed by LLC id (first CPU). */
    private final CpuSet[] overloaded;
    private final long[] claimedUntil;
    /** Names of the per-LLC overloaded-mask cache lines, by LLC id. */
    private final String[] overloadedLine;
    private final List<TaskView> pendingPulls = new ArrayList<>();

    @SuppressWarnings("unchecked")
    PushBalance(SchedContext ctx, LoadBalance lb, NewidleBalance mainline, NohzBalance nohz) {
        this.ctx = ctx;
        this.lb = lb;
        this.mainline = mainline;
        this.nohz = nohz;
        ipiContext = ctx.option(CONTEXT).equals("ipi");
        claim = ctx.option(PILEUP).equals("claim");
        newidleAsPosted = ctx.option(NEWIDLE).equals("as-posted");
        pushPullVector = ctx.registerIpi("push_pull", this::onPushPull);
        int n = ctx.nrCpus();
        pushable = new List[n];
        for (int c = 0; c < n; c++) pushable[c] = new ArrayList<>();
        inPushable = new boolean[1 << 16];
        overloaded = new CpuSet[n];
        claimedUntil = new long[n];
        overloadedLine = new String[n];
        for (int c = 0; c < n; c++) {
            int id = ctx.domains().llcId(c);
            if (overloaded[id] == null) {
                overloaded[id] = new CpuSet(n);
                overloadedLine[id] = "llc.overloaded_mask." + id;
            }
        }
    }

    private int llc(int cpu) { return ctx.domains().llcId(cpu); }

    // =====================================================================================================
    // pushable lists and overloaded masks
    // =====================================================================================================

    private boolean isPushable(TaskView p) { return p.isQueued() && p.nrCpusAllowed() > 1; }

    private boolean marked(TaskView p) {
        int pid = p.pid();
        if (pid >= inPushable.length) inPushable = Arrays.copyOf(inPushable, Math.max(pid + 1, inPushable.length * 2));
        return inPushable[pid];
    }

    private void setMarked(TaskView p, boolean v) {
        marked(p);
        inPushable[p.pid()] = v;
    }

    void addPushable(int cpu, TaskView p) {
        if (marked(p) || !isPushable(p)) return;
        List<TaskView> l = pushable[cpu];
        int i = l.size();
        while (i > 0 && l.get(i - 1).nice() > p.nice()) i--;
        l.add(i, p);
        setMarked(p, true);
        if (l.size() == 1) {
            overloaded[llc(cpu)].set(cpu);
            ctx.chargeSharedLine(cpu, overloadedLine[llc(cpu)], "push");
        }
    }

    /**
     * fair_remove_pushable_task, called on every dequeue and every set_next_task: as posted, whenever the list is
     * empty afterwards it clears this CPU's bit in the LLC's overloaded mask with an atomic bit operation, which
     * takes the shared line even when the bit was already clear.
     */
    void removePushable(int cpu, TaskView p) {
        List<TaskView> l = pushable[cpu];
        if (marked(p)) {
            setMarked(p, false);
            l.remove(p);
        }
        if (l.isEmpty()) {
            overloaded[llc(cpu)].clear(cpu);
            ctx.chargeSharedLine(cpu, overloadedLine[llc(cpu)], "push");
        }
    }

    void stopping(int cpu, TaskView p, boolean runnable) {
        if (runnable) addPushable(cpu, p);
    }

    void running(int cpu, TaskView p) {
        removePushable(cpu, p);
    }

    void dequeue(int cpu, TaskView p) {
        removePushable(cpu, p);
    }

    void taskDead(TaskView p) {
        if (marked(p)) setMarked(p, false);
    }

    // =====================================================================================================
    // the push
    // =====================================================================================================

    void balanceCallback(int cpu) {
        if (ctx.curr(cpu) == null) return;
        int guard = 0;
        while (!pushable[cpu].isEmpty() && guard++ < 64) {
            if (!pushFairTask(cpu)) break;
        }
    }

    /** push_fair_task: pops the first pushable task and moves it to a tickless-idle CPU. */
    boolean pushFairTask(int b) {
        TaskView p = pushable[b].get(0);
        removePushable(b, p);
        int target = nohz.perLlcNohz ? findTargetPerLlc(b, p) : findTargetGlobal(b, p);
        if (target < 0) {
            addPushable(b, p);
            return false;
        }
        ctx.count("push.pushes", 1);
        if (claim) claimedUntil[target] = ctx.now() + 50_000;
        if (ipiContext) {
            // the idle target pulls the task itself once the IPI arrives
            pendingPulls.add(p);
            ctx.sendIpi(b, target, pushPullVector, p.pid(), "push");
            return true;
        }
        // migrate() takes the target's lock (once) and enqueues there with the wakeup-preemption check
        return ctx.migrate(p, target, b, "push");
    }

    private boolean candidate(int t, TaskView p) {
        if (!p.canRunOn(t) || !ctx.idleCpu(t)) return false;
        return !claim || claimedUntil[t] <= ctx.now();
    }

    /** As posted: the global nohz mask, from the pusher's successor in numeric order, any LLC or socket. */
    int findTargetGlobal(int b, TaskView p) {
        if (nohz.nohzIdle.isEmpty()) return -1;
        ScanRun scans = ctx.scanRun(b, "push");
        scans.scan(nohz.nohzIdle.first());
        int t = nohz.nohzIdle.nextSetBitWrap(b + 1), found = -1;
        for (int k = 0, n = nohz.nohzIdle.cardinality(); k < n; k++, t = nohz.nohzIdle.nextSetBitWrap(t + 1)) {
            scans.scan(t);
            if (candidate(t, p)) {
                found = t;
                break;
            }
        }
        scans.done();
        return found;
    }

    /** Per-LLC idle masks: own LLC first, then each larger domain's other LLCs that report tickless CPUs. */
    int findTargetPerLlc(int b, TaskView p) {
        ScanRun scans = ctx.scanRun(b, "push");
        int t = findTargetPerLlc(b, p, scans);
        scans.done();
        return t;
    }

    private int findTargetPerLlc(int b, TaskView p, ScanRun scans) {
        int own = llc(b);
        scans.scan(b);
        int t = scanLlcIdle(b, own, p);
        if (t >= 0) return t;
        SchedDomain[] sds = ctx.domains().of(b);
        SchedDomain llcSd = ctx.domains().sdLlc(b);
        int start = 0;
        if (llcSd != null) while (start < sds.length && sds[start] != llcSd) start++;
        for (int l = start + 1; l < sds.length; l++) {
            SchedDomain sd = sds[l];
            // one "has idle" bit per level, then the groups below it
            scans.scan(sd.group(sd.nrGroups() > 1 ? 1 : 0).span.first());
            for (int g = 1; g < sd.nrGroups(); g++) {
                CpuSet span = sd.group(g).span;
                for (int c = span.first(); c >= 0; c = span.nextSetBit(c + 1)) {
                    if (ctx.domains().llcId(c) != c) continue;
                    if (nohz.llcIdleCount[c] == 0) continue;
                    scans.scan(c);
                    t = scanLlcIdle(b, c, p);
                    if (t >= 0) return t;
                }
            }
        }
        return -1;
    }

    private int scanLlcIdle(int b, int llcId, TaskView p) {
        CpuSet m = nohz.llcIdle[llcId];
        if (m.isEmpty()) return -1;
        int t = m.nextSetBitWrap(b + 1);
        for (int k = 0, n = m.cardinality(); k < n; k++, t = m.nextSetBitWrap(t + 1))
            if (candidate(t, p)) return t;
        return -1;
    }

    /** context=ipi: the idle target pulls the task it was sent. */
    private void onPushPull(int cpu, long arg) {
        for (int i = 0; i < pendingPulls.size(); i++) {
            TaskView p = pendingPulls.get(i);
            if (p.pid() != (int) arg) continue;
            pendingPulls.remove(i);
            if (p.isQueued() && p.cpu() != cpu && ctx.idleCpu(cpu)) ctx.migrate(p, cpu, cpu, "push");
            return;
        }
    }

    // =====================================================================================================
    // reworked newidle
    // =====================================================================================================

    /** The reworked newidle balance, as posted. */
    void sched_balance_newidle(int cpu) {
        if (!lb.rdOverloaded) {
            lb.pullNextBalanceEarlier(cpu, 0);
            return;
        }
        long before = ctx.chargedNs(cpu);
        SchedDomain[] sds = ctx.domains().of(cpu);
        SchedDomain sd = ctx.domains().sdLlc(cpu);
        int level = 0;
        if (sd != null) while (level < sds.length && sds[level] != sd) level++;
        else {
            sd = sds.length > 0 ? sds[0] : null;
        }
        boolean stop = false;
        int pulled = 0;
        RqReader rq = null;
        CpuSet cpus = sd != null ? sd.span.copy() : null;
        while (sd != null && !sd.has(SchedDomain.SD_NUMA) && !stop) {
            // lets cache-hot tasks move: the side effect persists into periodic balancing
            lb.sdState[cpu][level].nrBalanceFailed = sd.cacheNiceTries + 1;
            for (int c = cpus.nextSetBitWrap(cpu); c >= 0 && !stop; c = nextLlcCpu(cpus, c, cpu)) {
                int id = ctx.domains().llcId(c);
                CpuSet mask = overloaded[id];
                ctx.chargeScan(cpu, id, "newidle");
                if (!mask.isEmpty()) {
                    int o = mask.nextSetBitWrap(cpu + 1);
                    for (int k = 0, n = mask.cardinality(); k < n; k++, o = mask.nextSetBitWrap(o + 1)) {
                        if (bailOut(cpu)) {
                            stop = true;
                            break;
                        }
                        if (o == cpu || pushable[o].isEmpty()) continue;
                        if (rq == null) rq = ctx.reader(cpu, "newidle");
                        rq.lock(o);
                        if (pushable[o].isEmpty()) continue;
                        if (detachOneTask(rq, o, cpu)) {
                            pulled++;
                            stop = true;
                            break;
                        }
                    }
                }
                cpus.andNot(ctx.topology().llcSpan(ctx.topology().llcOf(c)));
                if (cpus.isEmpty()) break;
            }
            if (stop || bailOut(cpu)) {
                stop = true;
                break;
            }
            SchedDomain parent = sd.parent();
            if (parent == null || parent.has(SchedDomain.SD_NUMA)) break;
            cpus = parent.span.copy().andNot(sd.span);
            sd = parent;
            level++;
        }
        if (rq != null) rq.done();
        long cost = ctx.chargedNs(cpu) - before;
        if (pulled == 0 && !stop) {
            SchedDomain numa = ctx.domains().sdNuma(cpu);
            if (numa != null && ctx.avgIdle(cpu) >= cost) mainline.newidleFrom(cpu, numa.level, cost);
            else lb.pullNextBalanceEarlier(cpu, 0);
        }
    }

    /**
     * The early exit of sched_newidle_pull_overloaded (continue_balancing = 0, and the NUMA levels are skipped).
     * sched_newidle_continue_balance is true while this CPU is still empty with no wakeup pending; as posted the
     * exit fires on true (so an empty CPU gives up at the first overloaded CPU, and after each level); as intended
     * by the commit message it fires once the CPU got work.
     */
    private boolean bailOut(int cpu) {
        boolean stillEmpty = ctx.nrRunning(cpu) == 0 && !ctx.ttwuPending(cpu);
        return newidleAsPosted == stillEmpty;
    }

    /** The next CPU of {@code cpus} after c in wrap order from {@code start}, or -1 once all are visited. */
    private static int nextLlcCpu(CpuSet cpus, int c, int start) {
        if (cpus.isEmpty()) return -1;
        return cpus.nextSetBitWrap(c + 1);
    }

    /** detach_one_task: the least recently run task of {@code src} that may move to {@code dst}. */
    private boolean detachOneTask(RqReader rq, int src, int dst) {
        for (int i = 0; i < rq.taskCount(src); i++) {
            TaskView p = rq.task(src, i);
            if (p.isRunning() || !p.canRunOn(dst)) continue;
            return ctx.migrate(p, dst, dst, "newidle");
        }
        return false;
    }
}
