package org.schedlab.kernel;

import static org.schedlab.policy.DequeueFlags.DEQUEUE_MIGRATE;
import static org.schedlab.policy.EnqueueFlags.ENQUEUE_INITIAL;
import static org.schedlab.policy.EnqueueFlags.ENQUEUE_MIGRATED;
import static org.schedlab.policy.EnqueueFlags.ENQUEUE_WAKEUP;
import org.schedlab.cost.CostModel;
import org.schedlab.engine.Rng;
import org.schedlab.policy.EnqueueFlags;
import org.schedlab.policy.IpiHandler;
import org.schedlab.policy.IpiVector;
import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.RqReader;
import org.schedlab.policy.RqSums;
import org.schedlab.policy.ScanRun;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.policy.WakeFlags;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomains;
import org.schedlab.topology.SchedGroup;
import org.schedlab.topology.Topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The machine as a policy sees it ({@link SchedContext}): runqueue and PELT reads, charges for balancing
 * work, migration between runqueues (detach_task / attach_task, the lock flight of a remote move), the
 * stopper for active balance, and IPIs or delayed calls back into the policy.
 */
final class Context implements SchedContext {
    private final Machine m;
    private final Map<String, Rng> rngs = new HashMap<>();
    /** Arguments of pending stopper and IPI events. */
    private final EventArgs args = new EventArgs();
    /** Scratch words of one group read (the word indices, the words), and the count it read. */
    private final int[] scratchIdx;
    private final long[] scratch;
    private final long[] readCount = new long[1];

    Context(Machine m) {
        this.m = m;
        this.charges = new BalanceCharges(m.rec, m.time);
        this.scratch = new long[m.rqLines.words()];
        this.scratchIdx = new int[m.rqLines.words()];
    }

    @Override public long now() { return m.now; }
    @Override public long jiffies() { return m.now / m.tickNs; }
    @Override public long tickNs() { return m.tickNs; }
    @Override public Topology topology() { return m.topo; }
    @Override public SchedDomains domains() { return m.sds; }
    @Override public int nrCpus() { return m.nrCpus; }
    @Override public CostModel costs() { return m.costs; }
    @Override public Rng rng(String name) { return rngs.computeIfAbsent(name, n -> Rng.stream(m.cfg.seed, "policy." + n)); }
    @Override public String option(PolicyOption o) {
        if (!declared(o)) throw new IllegalStateException("policy " + m.policy.name() + " reads option '" + o.key() + "' it does not declare");
        return m.policyOptions.getOrDefault(o.key(), o.defaultValue());
    }

    private boolean declared(PolicyOption o) {
        for (PolicyOption d : m.policy.options()) if (d == o) return true;
        return false;
    }
    @Override public int nrRunning(int c) { return m.cpus[c].nrRunning; }
    @Override public TaskView curr(int c) { return m.cpus[c].curr; }
    /** {@link Cpu#isIdle}, from the machine's bitmap of it: no read of the CPU's runqueue. */
    @Override public boolean idleCpu(int c) { return (m.idleMask[c >>> 6] & (1L << c)) != 0; }
    @Override public long idleCpusWord(int word) { return word < m.idleMask.length ? m.idleMask[word] : 0; }
    @Override public boolean ttwuPending(int c) { return m.cpus[c].ttwuPending > 0; }
    @Override public boolean tickStopped(int c) { return m.cpus[c].tickStopped; }

    @Override public RqReader reader(int acting, String kind) { return new Reader(acting, kind, true); }

    @Override public RqReader selectReader() {
        if (!inSelect) throw new IllegalStateException("selectReader() outside select_task_rq");
        return selectReader;
    }

    /** Set by the wakeup path around select_task_rq. */
    boolean inSelect;
    private final Reader selectReader = new Reader(-1, "select", false);

    /** The runqueues-read bitmap of a finished pass ({@link RqReader#done}), cleared, for the next pass to take. */
    private long[] spareRead;

    /** One CPU's pass over runqueues: the first read of each runqueue is charged, later ones are free. */
    private final class Reader implements RqReader {
        private final int acting;
        private final String kind;
        private final boolean charged;
        /** The runqueues read so far; null once the pass is done. */
        private long[] read;
        /** Counter and overhead cells of this pass's kind, fetched at the first charge. */
        private BalanceCharges.Kind cells;

        Reader(int acting, String kind, boolean charged) {
            this.acting = acting;
            this.kind = kind;
            this.charged = charged;
            if (!charged) {
                read = null;
            } else if (spareRead != null) {
                read = spareRead;
                spareRead = null;
            } else {
                read = new long[(m.nrCpus + 63) >>> 6];
            }
        }

        @Override public void done() {
            if (!charged || read == null) return;
            java.util.Arrays.fill(read, 0);
            spareRead = read;
            read = null;
        }

        private long[] read() {
            if (read == null) throw new IllegalStateException("runqueue reader of " + kind + " used after done()");
            return read;
        }

        private void touch(int c) {
            if (!charged) return;
            long[] read = read();
            long bit = 1L << c;
            if ((read[c >>> 6] & bit) != 0) return;
            read[c >>> 6] |= bit;
            if (cells == null) cells = cells(kind);
            cells.count(BalanceCharges.SCANS, 1);
            cells.charge(acting, scanNs(acting, c));
        }

        @Override public int actingCpu() { return acting; }

        @Override public long load(int c) {
            touch(c);
            return m.cpus[c].loadAvg;
        }

        @Override public long util(int c) {
            touch(c);
            return LoadTracking.cpuUtilCfs(m.cpus[c]);
        }

        @Override public long runnable(int c) {
            touch(c);
            return m.cpus[c].runnableAvg;
        }

        @Override public void sum(SchedGroup g, CpuSet within, RqSums out) {
            int id = g.id;
            if (charged) touchGroup(id, g, within);
            if (within == null || m.groups.inside(id, within)) m.groups.read(id, out);
            else m.groups.readEach(g, within, out);
        }

        /** Every CPU of the group in {@code within} read, charged as {@link #touch} would charge them one by one. */
        private void touchGroup(int id, SchedGroup g, CpuSet within) {
            if (m.sink != null) {
                // a trace shows each read's charge
                for (int i = g.span.first(); i >= 0; i = g.span.nextSetBit(i + 1)) if (within == null || within.get(i)) touch(i);
                return;
            }
            long[] read = read();
            long[] span = m.groups.spanWords(id);
            int[] idx = m.groups.spanWordIdx(id);
            int k = 0;
            for (int j = 0; j < idx.length; j++) {
                int w = idx[j];
                long mask = span[j] & ~read[w];
                if (within != null) mask &= within.word(w);
                if (mask == 0) continue;
                read[w] |= mask;
                scratchIdx[k] = w;
                scratch[k++] = mask;
            }
            if (k == 0) return;
            long ns = m.rqLines.readAll(acting, scratchIdx, scratch, k, readCount);
            if (cells == null) cells = cells(kind);
            cells.count(BalanceCharges.SCANS, readCount[0]);
            cells.charge(acting, ns);
        }

        @Override public int taskCount(int c) {
            touch(c);
            return m.cpus[c].tasks.size();
        }

        @Override public TaskView task(int c, int i) {
            touch(c);
            return m.cpus[c].tasks.get(i);
        }

        @Override public void lock(int c) {
            if (charged) {
                read()[c >>> 6] |= 1L << c;
                chargeRemoteLock(acting, c, kind);
            }
        }
    }

    @Override public boolean eligible(TaskView p) {
        Task t = (Task) p;
        if (!t.onRq) return true;
        Cpu cpu = m.cpus[t.cpu];
        m.time.account(t.cpu);
        return Eevdf.eligible(cpu, t);
    }

    @Override public int capacityOf(int c) { return m.cpus[c].capacity; }
    @Override public long misfitTaskLoad(int c) { return m.cpus[c].misfitTaskLoad; }
    @Override public boolean updateBlockedAverages(int c) { return m.load.updateBlockedAverages(m.cpus[c]); }
    @Override public boolean hasBlockedLoad(int c) { return m.cpus[c].hasBlockedLoad; }
    @Override public void setHasBlockedLoad(int c) { m.cpus[c].hasBlockedLoad = true; }
    @Override public long lastBlockedLoadUpdateTick(int c) { return m.cpus[c].lastBlockedLoadUpdateTick; }
    @Override public long avgIdle(int c) { return m.cpus[c].avgIdle; }
    @Override public long idleSince(int c) { return m.cpus[c].curr == null ? m.cpus[c].idleSince : -1; }
    @Override public int heldTasks() { return m.heldTasks; }
    @Override public long chargedNs(int c) { return m.cpus[c].chargedNs; }
    @Override public long busyUntil(int c) { return m.time.busyUntil(c); }
    @Override public long maxIdleBalanceCost(int c) { return m.cpus[c].maxIdleBalanceCost; }
    @Override public void setMaxIdleBalanceCost(int c, long ns) { m.cpus[c].maxIdleBalanceCost = ns; }

    private final BalanceCharges charges;

    private BalanceCharges.Kind cells(String kind) { return charges.of(kind); }

    /** Reading one runqueue's statistics: a transfer of its lines, or a cache hit if unchanged since the last read. */
    private long scanNs(int acting, int target) {
        if (acting == target) return m.costs.statGatherNs(m.topo, acting, target);
        return m.rqLines.scan(acting, target) ? m.costs.cachedLineNs : m.costs.statGatherNs(m.topo, acting, target);
    }

    @Override public boolean migrate(TaskView pv, int dst, int acting, String kind) {
        Task p = (Task) pv;
        if (p.state != Task.State.RUNNABLE || !p.canRunOn(dst) || p.cpu == dst) return false;
        int src = p.cpu;
        BalanceCharges.Kind k = cells(kind);
        k.charge(acting, m.costs.remoteLockNs(m.topo, acting, src) + m.costs.remoteLockNs(m.topo, acting, dst) + m.costs.detachAttachNs);
        k.count(BalanceCharges.LOCKS, (acting != src ? 1 : 0) + (acting != dst ? 1 : 0));
        k.count(BalanceCharges.MIGRATIONS, 1);
        m.core.dequeue(p, DEQUEUE_MIGRATE);
        m.wakeup.noteMigration(p, dst, kind);
        long flight = acting == dst ? 0 : m.costs.remoteLockNs(m.topo, acting, dst);
        if (flight <= 0) {
            attachMigrated(p, dst, acting);
        } else {
            // the task reaches dst only once the mover holds dst's lock: two movers can pick one idle CPU
            m.load.syncTaskPelt(p);
            p.state = Task.State.WAKING;
            m.q.schedule(m.now + flight, Machine.EV_ATTACH, dst, ((long) acting << 32) | p.pid);
        }
        return true;
    }

    /** A remote move's lock flight is over: the task reaches its new runqueue. */
    void onAttach(int dst, long packed) {
        int pid = (int) (packed & 0xffffffffL);
        int acting = (int) (packed >>> 32);
        Task p = m.tasks.get(pid - 1);
        if (p == null || p.state != Task.State.WAKING) return;
        attachMigrated(p, dst, acting);
    }

    /** resched_curr on an idle remote CPU that does not poll: the resched IPI wakes it (smp_send_reschedule). */
    void reschedIdle(int from, int c) {
        // resched_curr: the idle task on its way out already has need_resched set
        if (m.cpus[c].idleExiting) return;
        if (m.costs.ipiLatencyNs <= 0) {
            m.tick.kickIdle(c);
            return;
        }
        m.time.chargeKernel(from, m.costs.ipiSendNs, CpuTime.KK_IPI);
        m.cpus[c].ttwuPending++;
        m.idleChanged(m.cpus[c]);
        m.groups.refresh(m.cpus[c]);
        m.q.schedule(m.now + m.costs.ipiLatencyNs, Machine.EV_IPI, c, args.put(-1, 0));
    }

    /** attach_task and wakeup_preempt on the destination; an idle destination is kicked (by IPI when remote). */
    void attachMigrated(Task p, int dst, int acting) {
        m.core.enqueue(p, dst, ENQUEUE_MIGRATED);
        Cpu d = m.cpus[dst];
        if (d.curr == null) {
            if (dst == acting || d.newidle) {
                d.needResched = true;
            } else {
                reschedIdle(acting, dst);
            }
        } else if (m.cfg.slice) {
            m.time.account(dst);
            if (m.wakeup.preempts(d, p)) m.wakeup.reschedCpu(dst, acting);
        }
    }

    @Override public void stopperMove(int src, int dst, int acting, String kind) {
        BalanceCharges.Kind k = cells(kind);
        k.charge(acting, m.costs.ipiSendNs);
        k.count(BalanceCharges.ACTIVE, 1);
        m.q.schedule(m.now + m.costs.ipiLatencyNs, Machine.EV_STOPPER, src, args.put(dst, kindId(kind)));
    }

    private final List<String> kinds = new ArrayList<>();
    private final Map<String, Integer> kindIds = new HashMap<>();

    /** A small number for a charge kind, to carry it in an event. */
    int kindId(String kind) {
        Integer i = kindIds.get(kind);
        if (i != null) return i;
        kinds.add(kind);
        kindIds.put(kind, kinds.size() - 1);
        return kinds.size() - 1;
    }

    /** active_load_balance_cpu_stop: the stopper preempts the source's running task and pushes one task to dst. */
    void onStopper(int src, long packed) {
        int slot = (int) packed;
        int dst = (int) args.x(slot);
        String kind = kinds.get((int) args.y(slot));
        args.release(slot);
        Cpu cpu = m.cpus[src];
        cells(kind).charge(src, m.costs.contextSwitchNs);
        m.time.account(src);
        Task running = cpu.curr;
        if (running != null && running.state == Task.State.RUNNING) {
            // the stopper preempts the running task, which becomes an ordinary queued task (put_prev_entity)
            m.load.updateLoadAvg(cpu, running);
            running.state = Task.State.RUNNABLE;
            running.runnableSince = m.now;
            running.lastRanCpu = src;
            running.lastStopped = m.now;
            m.policy.stopping(src, running, true);
            m.time.memoryChanged(src, running, null);
            cpu.curr = null;
            m.idleChanged(cpu);
            Core.putPrev(cpu, running);
            m.groups.refresh(cpu);
            m.nrBusyCpus--;
            m.counters.busy(src, -1);
            cpu.idleSince = -1;
            cpu.genStep++;
            cpu.genRun++;
            cpu.runArmed = false;
            m.q.cancel(cpu.runSlot);
            m.time.siblingsChanged(src);
        }
        boolean moved = false;
        for (int i = 0; i < cpu.tasks.size(); i++) {
            Task p = cpu.tasks.get(i);
            if (p.state == Task.State.RUNNABLE && p.canRunOn(dst)) {
                moved = migrate(p, dst, src, kind);
                break;
            }
        }
        m.policy.activeBalanceDone(src, dst, moved);
        if (cpu.curr == null) m.core.schedule(src);
    }

    /** The policy's IPI handlers, by vector id (ids are indexes; -1 is the kernel's own resched IPI). */
    private final List<IpiHandler> ipiHandlers = new ArrayList<>();
    private final List<IpiVector> ipiVectors = new ArrayList<>();

    @Override public IpiVector registerIpi(String name, IpiHandler handler) {
        IpiVector v = new IpiVector(ipiHandlers.size(), name);
        ipiHandlers.add(handler);
        ipiVectors.add(v);
        return v;
    }

    private int vectorId(IpiVector v) {
        int id = v.id();
        if (id < 0 || id >= ipiVectors.size() || ipiVectors.get(id) != v)
            throw new IllegalStateException("IPI vector '" + v + "' was not registered with this machine");
        return id;
    }

    @Override public void sendIpi(int fromCpu, int target, IpiVector v, long arg, String kind) {
        int code = vectorId(v);
        BalanceCharges.Kind k = cells(kind);
        k.charge(fromCpu, m.costs.ipiSendNs);
        k.count(BalanceCharges.IPIS, 1);
        m.q.schedule(m.now + m.costs.ipiLatencyNs, Machine.EV_IPI, target, args.put(code, arg));
    }

    @Override public void callLater(int cpu, long delayNs, IpiVector v, long arg) {
        m.q.schedule(m.now + Math.max(0, delayNs), Machine.EV_IPI, cpu, args.put(vectorId(v), arg) | (1L << 40));
    }

    /** An IPI or delayed call reaches CPU c: a resched kick, or the policy's handler. */
    void onIpi(int c, long packed) {
        boolean timer = (packed & (1L << 40)) != 0;
        int slot = (int) (packed & 0xffffffffL);
        int code = (int) args.x(slot);
        long arg = args.y(slot);
        args.release(slot);
        Cpu cpu = m.cpus[c];
        if (code == -1) {
            // resched IPI for a task migrated onto an idle CPU
            cpu.ttwuPending--;
            m.idleChanged(cpu);
            m.groups.refresh(cpu);
            if (cpu.curr == null && cpu.nrRunning > 0) m.tick.kickIdle(c);
            return;
        }
        if (!timer && cpu.curr == null && !cpu.newidle) m.time.chargeKernel(c, m.costs.idleExitNs, CpuTime.KK_IDLE_EXIT);
        ipiHandlers.get(code).handle(c, arg);
        if (cpu.needResched || (cpu.curr == null && cpu.nrRunning > 0)) m.core.schedule(c);
    }

    @Override public void charge(int cpu, long ns, String kind) { cells(kind).charge(cpu, ns); }

    @Override public void chargeScan(int acting, int target, String kind) {
        BalanceCharges.Kind k = cells(kind);
        k.count(BalanceCharges.SCANS, 1);
        k.charge(acting, scanNs(acting, target));
    }

    /** A finished scan run, for the next one to take. */
    private Scans spareScans;

    @Override public ScanRun scanRun(int acting, String kind) {
        Scans s = spareScans != null ? spareScans : new Scans();
        spareScans = null;
        s.acting = acting;
        s.kind = kind;
        s.count = 0;
        s.ns = 0;
        return s;
    }

    /**
     * Scans added up: the reads are recorded one by one ({@link #scanNs}), the time charged once at the end, which
     * leaves the CPU as busy as charges one by one would (they only add up while the event lasts). A trace gets
     * each read's charge.
     */
    private final class Scans implements ScanRun {
        int acting;
        String kind;
        int count;
        long ns;

        @Override public void scan(int target) {
            if (m.sink != null) {
                chargeScan(acting, target, kind);
                return;
            }
            count++;
            long one = scanNs(acting, target);
            if (one > 0) ns += one;
        }

        @Override public void done() {
            if (count > 0) {
                BalanceCharges.Kind k = cells(kind);
                k.count(BalanceCharges.SCANS, count);
                k.charge(acting, ns);
            }
            count = 0;
            ns = 0;
            spareScans = this;
        }
    }

    @Override public void chargeRemoteLock(int acting, int target, String kind) {
        BalanceCharges.Kind k = cells(kind);
        k.count(BalanceCharges.LOCKS, 1);
        k.charge(acting, m.costs.remoteLockNs(m.topo, acting, target));
    }

    @Override public void chargeSharedLine(int acting, String line, String kind) {
        BalanceCharges.Kind k = cells(kind);
        k.count(BalanceCharges.LINES, 1);
        k.charge(acting, m.lines.update(line, acting, m.now));
    }

    @Override public void dispatch(TaskView pv, int c) {
        Task p = (Task) pv;
        if (p.state != Task.State.HELD) throw new IllegalStateException(p + " is not held by the policy");
        if (!p.canRunOn(c)) throw new IllegalStateException("policy dispatched " + p + " to disallowed CPU " + c);
        m.heldTasks--;
        m.load.migrateTaskRqFair(p, c);
        p.state = Task.State.WAKING;
        int flags = p.execStart == 0 && p.sumExecRuntime == 0 ? WakeFlags.WF_FORK : WakeFlags.WF_TTWU;
        m.wakeup.noteMigration(p, c, "dispatch");
        m.core.enqueue(p, c, flags == WakeFlags.WF_FORK ? EnqueueFlags.ENQUEUE_INITIAL : EnqueueFlags.ENQUEUE_WAKEUP);
        m.wakeup.checkPreempt(c, p, flags, c);
    }

    @Override public void resched(int c) {
        m.cpus[c].needResched = true;
    }

    @Override public void count(String name, long delta) { m.rec.count(name, delta); }
}
