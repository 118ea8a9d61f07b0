package org.schedlab.kernel;

import org.schedlab.topology.CpuSet;

import java.util.Arrays;

/**
 * CPU time accounting (update_curr's clock): busy, idle and kernel-overhead time per CPU, the running task's
 * progress and vruntime, and the rate at which it progresses under the SMT and memory-bandwidth model.
 * Kernel work (switches, ticks, balancing) occupies a CPU without progress for the running task.
 */
final class CpuTime {
    static final String[] KERNEL_KINDS = {"context_switch", "tick", "idle_exit", "wakeup", "ipi", "fork", "exec", "exit", "migrate_running", "ipc_remote", "tg_load_avg", "ipc_lock_spin"};
    static final int KK_CONTEXT_SWITCH = 0;
    static final int KK_TICK = 1;
    static final int KK_IDLE_EXIT = 2;
    static final int KK_WAKEUP = 3;
    static final int KK_IPI = 4;
    static final int KK_FORK = 5;
    static final int KK_EXEC = 6;
    static final int KK_EXIT = 7;
    static final int KK_MIGRATE_RUNNING = 8;
    static final int KK_IPC_REMOTE = 9;
    static final int KK_TG_LOAD = 10;
    static final int KK_IPC_LOCK_SPIN = 11;

    private final Machine m;
    private final long[] kernelNs = new long[KERNEL_KINDS.length];
    /** Running memory-bound tasks per LLC they run on, and per node holding their memory. */
    private final int[] memOnLlc, memOnNode;
    /** Memory bandwidth of each node, bytes per ns: its package's, in proportion to its CPUs. */
    private final double[] nodeBw;
    /** Running memory-bound tasks whose memory is on another node than their CPU. */
    private int memRemote;
    /** Some LLC spans several nodes (Intel sub-NUMA clustering): re-rating cannot stay within one node. */
    private final boolean llcsSpanNodes;
    private final CpuSet allCpus;
    /** SMT siblings of each CPU, itself excluded. */
    private final int[][] siblings;
    /** Boost: each package's speed factor, its cores, its busy cores and cores with two busy threads now. */
    private final double[] boost;
    private final int[] pkgCores, busyCores, busyPairs;
    /** Per package: busy cores and busy pairs integrated over time (count x ns) since its last boost update. */
    private final long[] busyCoreNs, busyPairNs, boostSince;
    /** Whether each CPU counts as busy in its package's figures. */
    private final boolean[] countedBusy;
    private final boolean boosts;

    CpuTime(Machine m) {
        this.m = m;
        int nrCpus = m.nrCpus;
        siblings = new int[nrCpus][];
        for (int c = 0; c < nrCpus; c++) {
            CpuSet core = m.topo.coreSpan(m.topo.coreOf(c));
            int[] sib = new int[core.cardinality() - 1];
            int k = 0;
            for (int x = core.first(); x >= 0; x = core.nextSetBit(x + 1)) if (x != c) sib[k++] = x;
            siblings[c] = sib;
        }
        memOnLlc = new int[m.topo.nrLlcs()];
        memOnNode = new int[m.topo.nrNodes()];
        nodeBw = new double[m.topo.nrNodes()];
        for (int n = 0; n < nodeBw.length; n++) {
            CpuSet span = m.topo.nodeSpan(n);
            int first = span.first();
            double pkgCpus = first < 0 ? 1 : m.topo.packageSpan(m.topo.packageOf(first)).cardinality();
            nodeBw[n] = m.cfg.memBwPerPackage * span.cardinality() / pkgCpus;
        }
        allCpus = CpuSet.full(nrCpus);
        boolean spans = false;
        for (int c = 0; c < nrCpus && !spans; c++) spans = !m.topo.nodeSpan(m.topo.nodeOf(c)).containsAll(m.topo.llcSpan(m.topo.llcOf(c)));
        llcsSpanNodes = spans;
        int pk = m.topo.nrPackages();
        boost = new double[pk];
        Arrays.fill(boost, 1.0);
        pkgCores = new int[pk];
        for (int k = 0; k < m.topo.nrCores(); k++) pkgCores[m.topo.packageOf(m.topo.coreSpan(k).first())]++;
        busyCores = new int[pk];
        busyPairs = new int[pk];
        busyCoreNs = new long[pk];
        busyPairNs = new long[pk];
        boostSince = new long[pk];
        countedBusy = new boolean[nrCpus];
        boosts = m.cfg.costs.boosts();
    }

    /** Whether packages change speed with their busy cores; if so each needs {@link #onBoost} every interval. */
    boolean boosts() { return boosts; }

    /** Kernel-time counters restart (end of warm-up). */
    void resetKernelNs() { Arrays.fill(kernelNs, 0); }

    /** Kernel time by kind, into the recorder. */
    void publishKernelNs() {
        for (int i = 0; i < kernelNs.length; i++)
            if (kernelNs[i] > 0) m.rec.count("kernel_ns." + KERNEL_KINDS[i], kernelNs[i]);
    }

    /** Brings CPU time accounting and the running task's progress up to now. */
    void account(int c) {
        Cpu cpu = m.cpus[c];
        long from = cpu.lastAccount;
        if (m.now <= from) return;
        long overlap = Math.max(0, Math.min(m.now, cpu.kernelUntil) - Math.max(from, cpu.kernelStart));
        long interval = m.now - from;
        long work = interval - overlap;
        cpu.overheadNs += overlap;
        cpu.lastAccount = m.now;
        Task t = cpu.curr;
        if (t == null) {
            cpu.idleNs += work;
        } else {
            cpu.busyNs += work;
            if (work > 0) {
                if (m.rec.timeline != null) m.rec.timeline.busy(c, m.now - work, m.now);
                t.sumExecRuntime += work;
                if (t.remainingWork > 0) {
                    double done = Math.min(t.remainingWork, work * cpu.rate);
                    // a run on the clock demands what it gets
                    if (Double.isInfinite(t.remainingWork)) m.workDemanded += done = work * cpu.rate;
                    else t.remainingWork -= done;
                    m.workExecuted += done;
                }
                if (m.cfs != null) Cfs.updateCurr(cpu, t, work);
                else if (Eevdf.updateCurr(cpu, t, work, m.sliceNs)) cpu.sliceExpired = true;
            }
        }
    }

    /** Makes CPU c do {@code ns} of kernel work from now on: its running task makes no progress meanwhile. */
    void occupy(int c, long ns) {
        account(c);
        Cpu cpu = m.cpus[c];
        if (cpu.kernelUntil > m.now) {
            cpu.kernelUntil += ns;
        } else {
            cpu.kernelStart = m.now;
            cpu.kernelUntil = m.now + ns;
        }
        cpu.chargedNs += ns;
    }

    /** Charges balancing work of a policy's kind to a CPU, adding to the kind's overhead cell ({@link BalanceCharges}). */
    void chargeBalance(int c, long ns, String kind, long[] overheadCell) {
        if (ns <= 0) return;
        occupy(c, ns);
        overheadCell[0] += ns;
        if (m.sink != null) m.sink.overhead(m.now, c, kind, ns);
    }

    /** Counts kernel work of a fixed kind that a running task did on the clock (a spin), charging nothing. */
    void countKernel(long ns, int kernelKind) {
        if (ns > 0) kernelNs[kernelKind] += ns;
    }

    /** Charges kernel work of a fixed kind (context switch, tick, ...), counted in an array. */
    void chargeKernel(int c, long ns, int kernelKind) {
        if (ns <= 0) return;
        occupy(c, ns);
        kernelNs[kernelKind] += ns;
        if (m.sink != null) m.sink.overhead(m.now, c, "kernel_ns." + KERNEL_KINDS[kernelKind], ns);
    }

    long busyUntil(int c) { return Math.max(m.now, m.cpus[c].kernelUntil); }

    /**
     * The running task's progress per ns: capacity, slowed by a busy SMT sibling and by memory bandwidth: the
     * memory-bound tasks running on its LLC share the LLC's link, those whose memory is on the same node share that
     * node's bandwidth, and each draws at most a core's.
     * Deviation: a task running off its memory's node pays no cross-socket link limit or latency (no figure found).
     */
    void updateRate(int c) {
        Cpu cpu = m.cpus[c];
        double r = cpu.speed / 1024.0 * boost[m.topo.packageOf(c)];
        Task cur = cpu.curr;
        if (cur != null && cur.memoryBound > 0) {
            double demand = m.cfg.memBwPerCore;
            double sLlc = memOnLlc[m.topo.llcOf(c)] * demand / m.cfg.memBwPerLlc;
            double sNode = memOnNode[cur.memNode] * demand / nodeBw[cur.memNode];
            double slow = Math.max(1.0, Math.max(sLlc, sNode));
            double mb = cur.memoryBound;
            r /= (1 - mb) + mb * slow;
        }
        if (m.cfg.smtSpeed != 1.0) {
            for (int s : siblings[c])
                if (siblingRuns(s)) { r *= m.cfg.smtSpeed; break; }
        }
        if (r == cpu.rate) return;
        account(c);
        boolean faster = r > cpu.rate;
        cpu.rate = r;
        // a slower rate only delays completion: the armed event re-arms itself when it fires
        if (faster && cpu.curr != null && cpu.runArmed) m.interp.armCompletion(c);
    }

    /**
     * Whether CPU s runs a task: with boost, from the busy flags (dense, and every change of curr is counted before
     * any re-rating: {@link #siblingsChanged}), else from its curr.
     */
    private boolean siblingRuns(int s) { return boosts ? countedBusy[s] : m.cpus[s].curr != null; }

    /**
     * Keeps the counts of running memory-bound tasks and re-rates every task sharing that bandwidth. A task's memory
     * is placed on the node of the CPU it first runs on (first touch, as a task's own allocations are by default).
     */
    void memoryChanged(int c, Task oldCurr, Task newCurr) {
        boolean o = oldCurr != null && oldCurr.memoryBound > 0;
        boolean n = newCurr != null && newCurr.memoryBound > 0;
        if (o == n && !o) return;
        int llc = m.topo.llcOf(c), node = m.topo.nodeOf(c);
        if (n && newCurr.memNode < 0) newCurr.memNode = node;
        boolean homesHere = true;
        if (o) {
            memOnLlc[llc]--;
            memOnNode[oldCurr.memNode]--;
            if (oldCurr.memNode != node) { memRemote--; homesHere = false; }
        }
        if (n) {
            memOnLlc[llc]++;
            memOnNode[newCurr.memNode]++;
            if (newCurr.memNode != node) { memRemote++; homesHere = false; }
        }
        if (o == n && oldCurr.memNode == newCurr.memNode) return;
        // tasks sharing this LLC run on this node; those sharing a node's memory run there unless some run remote
        CpuSet span = homesHere && memRemote == 0 && !llcsSpanNodes ? m.topo.nodeSpan(node) : allCpus;
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            Task t = m.cpus[i].curr;
            if (i != c && t != null && t.memoryBound > 0) updateRate(i);
        }
    }

    /** CPU c started or stopped running: it and its busy SMT siblings are re-rated. */
    void siblingsChanged(int c) {
        if (boosts) countBusy(c);
        if (m.cfg.smtSpeed == 1.0) {
            updateRate(c);
            return;
        }
        for (int s : siblings[c]) if (siblingRuns(s)) updateRate(s);
        if (m.cpus[c].curr != null) updateRate(c);
    }

    /** The CPUs counted busy are the running ones (checked with the invariants). */
    void check() {
        if (!boosts) return;
        for (int c = 0; c < m.nrCpus; c++)
            if (countedBusy[c] != (m.cpus[c].curr != null)) throw new IllegalStateException("CPU " + c + " busy count mismatch");
    }

    /** Keeps CPU c's package's counts of busy cores and of cores with two busy threads. */
    private void countBusy(int c) {
        boolean busy = m.cpus[c].curr != null;
        if (busy == countedBusy[c]) return;
        int others = 0;
        for (int s : siblings[c]) if (countedBusy[s]) others++;
        int before = others + (countedBusy[c] ? 1 : 0), after = others + (busy ? 1 : 0);
        int p = m.topo.packageOf(c);
        integrateBusy(p);
        busyCores[p] += (after >= 1 ? 1 : 0) - (before >= 1 ? 1 : 0);
        busyPairs[p] += (after >= 2 ? 1 : 0) - (before >= 2 ? 1 : 0);
        countedBusy[c] = busy;
    }

    private void integrateBusy(int p) {
        long dt = m.now - boostSince[p];
        busyCoreNs[p] += busyCores[p] * dt;
        busyPairNs[p] += busyPairs[p] * dt;
        boostSince[p] = m.now;
    }

    /**
     * The package's power management sets its speed for the interval ahead from its busy cores over the one behind:
     * linear from 1 with no core busy to {@code boostAllCores} with every core busy on one thread, less down to
     * {@code boostAllThreads} as cores get their second thread busy. Deviation: one speed for the whole package and
     * for its tasks' work only (kernel charges, PELT and capacity stay at full speed).
     */
    void onBoost(int p) {
        integrateBusy(p);
        long interval = m.cfg.costs.boostIntervalNs;
        double cores = busyCoreNs[p] / (double) (interval * pkgCores[p]);
        double pairs = busyPairNs[p] / (double) (interval * pkgCores[p]);
        busyCoreNs[p] = busyPairNs[p] = 0;
        double all = m.cfg.costs.boostAllCores, smt = m.cfg.costs.boostAllThreads;
        double f = 1 - (1 - all) * cores - (all - smt) * pairs;
        if (f != boost[p]) {
            boost[p] = f;
            CpuSet span = m.topo.packageSpan(p);
            // the running CPUs, as counted (every change of a CPU's curr is counted at once: siblingsChanged)
            for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) if (countedBusy[i]) updateRate(i);
        }
        m.q.schedule(m.now + interval, Machine.EV_BOOST, p, 0);
    }
}
