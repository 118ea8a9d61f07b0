package org.schedlab.policy.linux;

import org.schedlab.engine.Rng;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedGroup;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code pull}: mainline load balancing on top of the fair class's placement. Periodic balancing per sched
 * domain (sched_balance_domains / sched_balance_rq: group classification, find_busiest group and queue,
 * detach limits, cache-hot and affinity checks, nr_balance_failed, active balancing through the stopper),
 * newidle balancing gated by avg_idle against each domain's max_newidle_lb_cost with NI_RANDOM, and nohz
 * idle balancing (kick conditions, the lowest idle CPU as idle load balancer, the global nohz state).
 * Options: {@code ni_random=on|off}; {@code nohz=global|per-llc}: the global nohz state of mainline, or the
 * distributed tracking of the 19-patch series (per-LLC idle masks and nr_idle_cpus, {@code nohz.nr_doms},
 * find_new_ilb and the ILB walking nohz_shared_list), which is what the published {@code sd_nohz} tables measured.
 * Deviations: no misfit or asym-packing handling; skipped tasks are not rotated to the head of cfs_tasks;
 * blocked-load housekeeping (STATS kicks) is charged but PELT decays of idle CPUs are always exact here.
 */
public class PullPolicy extends LinuxWakePolicy {
    // idle types
    protected static final int CPU_IDLE = 0, CPU_NOT_IDLE = 1, CPU_NEWLY_IDLE = 2;
    // group types, in order of busyness
    static final int HAS_SPARE = 0, FULLY_BUSY = 1, MISFIT = 2, SMT_BALANCE = 3, ASYM = 4, IMBALANCED = 5, OVERLOADED = 6;
    // migration types
    static final int MIGRATE_LOAD = 0, MIGRATE_UTIL = 1, MIGRATE_TASK = 2;
    // nohz kick flags
    static final int NOHZ_BALANCE_KICK = 1, NOHZ_STATS_KICK = 2, NOHZ_NEXT_KICK = 4;
    protected static final int IPI_NOHZ_KICK = 1, IPI_ILB_CONTINUE = 3;

    private static final int SCHED_NR_MIGRATE = 32;
    private static final int MAX_PINNED_INTERVAL_MS = 512;

    /** Balancing state of one CPU's domain at one level (what the kernel keeps in struct sched_domain). */
    protected static final class SdState {
        long lastBalance;           // jiffies
        int balanceIntervalMs;
        int nrBalanceFailed;
        long maxNewidleLbCost;      // ns
        long lastDecayMaxLbCost;    // ns
        int newidleCall = 512, newidleSuccess = 256, newidleRatio = 512;
    }

    protected SdState[][] sdState;
    protected long[] nextBalance;            // jiffies
    protected boolean rdOverloaded;
    protected final Map<SchedGroup, boolean[]> groupImbalance = new IdentityHashMap<>();
    protected long[] activeBalanceUntil;
    protected long maxLoadBalanceIntervalJ;
    protected boolean niRandom = true;
    protected Rng niRng;
    protected long migrationCostNs = 500_000;
    /** sched_balance_running: held by {@link #balanceRunningCpu} until {@link #balanceRunningUntil}. */
    protected long balanceRunningUntil = Long.MIN_VALUE;
    protected int balanceRunningCpu = -1;

    // nohz
    protected CpuSet nohzIdle;
    protected int nohzNrCpus;
    protected boolean nohzHasBlocked, nohzNeedsUpdate;
    protected long nohzNextBalance, nohzNextBlocked;
    protected int[] nohzFlags;
    protected int[] nrBusyCpus;               // per LLC id (first CPU)
    /** nohz=per-llc: the distributed tracking of the 19-patch series (per-LLC idle masks, nohz.nr_doms). */
    protected boolean perLlcNohz;
    protected CpuSet[] llcIdle;               // per LLC id: its tickless idle CPUs
    protected int[] llcIdleCount;             // per LLC id: nr_idle_cpus
    protected int nrDoms;                     // LLCs with at least one tickless idle CPU
    /** nohz_shared_list: LLC ids in the order their shared objects were registered (ascending first CPU). */
    protected int[] nohzSharedList;
    /** Names of each LLC's nohz cache lines, by LLC id (built once, not per idle entry). */
    private String[] nohzIdleLine, nrBusyLine;
    protected int nrCpus;

    @Override public String name() { return "pull"; }

    @Override public void init(SchedContext ctx) {
        super.init(ctx);
        nrCpus = ctx.nrCpus();
        niRandom = onOff("ni_random", "on");
        String nohz = ctx.option("nohz", "global");
        if (!nohz.equals("global") && !nohz.equals("per-llc"))
            throw new org.schedlab.InputError("policy " + name() + ": nohz must be global or per-llc, got '" + nohz + "'");
        perLlcNohz = nohz.equals("per-llc");
        niRng = ctx.rng("ni_random");
        sdState = new SdState[nrCpus][];
        nextBalance = new long[nrCpus];
        activeBalanceUntil = new long[nrCpus];
        nohzFlags = new int[nrCpus];
        nrBusyCpus = new int[nrCpus];
        nohzIdle = new CpuSet(nrCpus);
        llcIdle = new CpuSet[nrCpus];
        llcIdleCount = new int[nrCpus];
        nohzIdleLine = new String[nrCpus];
        nrBusyLine = new String[nrCpus];
        int nrLlcs = 0;
        for (int c = 0; c < nrCpus; c++) {
            int id = sds_llcId(c);
            if (llcIdle[id] == null) {
                llcIdle[id] = new CpuSet(nrCpus);
                nohzIdleLine[id] = "llc.nohz_idle." + id;
                nrBusyLine[id] = "llc.nr_busy_cpus." + id;
                nrLlcs++;
            }
        }
        nohzSharedList = new int[nrLlcs];
        for (int c = 0, k = 0; c < nrCpus; c++) if (sds_llcId(c) == c) nohzSharedList[k++] = c;
        long hz = 1_000_000_000L / ctx.tickNs();
        maxLoadBalanceIntervalJ = Math.max(1, hz * nrCpus / 10);
        for (int c = 0; c < nrCpus; c++) {
            SchedDomain[] sds = ctx.domains().of(c);
            sdState[c] = new SdState[sds.length];
            for (int l = 0; l < sds.length; l++) {
                SdState s = new SdState();
                s.balanceIntervalMs = sds[l].minIntervalMs;
                s.lastBalance = 0;
                sdState[c][l] = s;
            }
            nrBusyCpus[sds_llcId(c)]++;
        }
        // every CPU starts idle with its tick stopped
        for (int c = 0; c < nrCpus; c++) tickStopped(c);
    }

    protected final boolean onOff(String key, String def) {
        String v = ctx.option(key, def);
        if (v.equals("on") || v.equals("true")) return true;
        if (v.equals("off") || v.equals("false")) return false;
        throw new org.schedlab.InputError("policy " + name() + ": " + key + " must be on or off, got '" + v + "'");
    }

    private int sds_llcId(int c) { return ctx.domains().llcId(c); }

    protected long msToJiffies(long ms) {
        long tick = ctx.tickNs();
        return Math.max(1, (ms * 1_000_000L + tick - 1) / tick);
    }

    // =====================================================================================================
    // hooks
    // =====================================================================================================

    @Override public void enqueue(int cpu, TaskView p, int flags) {
        if (ctx.nrRunning(cpu) >= 2) rdOverloaded = true;
    }

    @Override public void tick(int cpu, boolean idle) {
        if (ctx.jiffies() >= nextBalance[cpu]) sched_balance_domains(cpu, cpu, idle ? CPU_IDLE : CPU_NOT_IDLE, "periodic");
        if (!idle) nohzBalancerKick(cpu);
    }

    @Override public void newidle(int cpu) {
        sched_balance_newidle(cpu);
        if (ctx.nrRunning(cpu) == 0) placement.updateIdleCore(cpu);
    }

    /** nohz_balance_enter_idle: the tick stopped on an idle CPU. */
    @Override public void tickStopped(int cpu) {
        if (nohzIdle.get(cpu)) return;
        nohzIdle.set(cpu);
        nohzNrCpus++;
        int id = sds_llcId(cpu);
        nrBusyCpus[id]--;
        llcIdle[id].set(cpu);
        boolean firstOfLlc = llcIdleCount[id]++ == 0;
        if (firstOfLlc) nrDoms++;
        nohzNeedsUpdate = true;
        nohzHasBlocked = true;
        if (ctx.now() > 0) chargeNohzLines(cpu, id, firstOfLlc);
    }

    /** nohz_balance_exit_idle: done lazily at the first busy tick. */
    protected void nohzBalanceExitIdle(int cpu) {
        nohzIdle.clear(cpu);
        nohzNrCpus--;
        int id = sds_llcId(cpu);
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

    @Override public void ipi(int cpu, int code, long arg) {
        if (code == IPI_NOHZ_KICK) {
            int flags = nohzFlags[cpu];
            nohzFlags[cpu] = 0;
            if (ctx.nrRunning(cpu) == 0 && ctx.curr(cpu) == null) nohzIdleBalance(cpu, flags);
        } else if (code == IPI_ILB_CONTINUE) {
            continueIlbWalk(cpu);
        }
    }

    // =====================================================================================================
    // periodic balancing
    // =====================================================================================================

    /** sched_balance_domains for {@code cpu}, performed by {@code acting} (itself, or the ILB on its behalf). */
    protected void sched_balance_domains(int cpu, int acting, int idle, String kind) {
        boolean busy = idle != CPU_IDLE;
        long jiffies = ctx.jiffies();
        long next = jiffies + 60 * (1_000_000_000L / ctx.tickNs());
        boolean continueBalancing = true;
        boolean needDecay = false;
        long maxCost = 0;
        SchedDomain[] sds = ctx.domains().of(cpu);
        for (int l = 0; l < sds.length; l++) {
            SchedDomain sd = sds[l];
            SdState st = sdState[cpu][l];
            needDecay |= updateNewidleCost(st, 0);
            maxCost += st.maxNewidleLbCost;
            if (!continueBalancing) continue;
            long interval = balanceIntervalJ(sd, st, busy);
            if (jiffies >= st.lastBalance + interval) {
                int[] moved = new int[1];
                boolean cont = sched_balance_rq(cpu, acting, l, idle, moved, kind);
                if (!cont) continueBalancing = false;
                if (moved[0] > 0) {
                    idle = ctx.nrRunning(cpu) == 0 ? CPU_IDLE : CPU_NOT_IDLE;
                    busy = idle != CPU_IDLE;
                }
                st.lastBalance = jiffies;
                interval = balanceIntervalJ(sd, st, busy);
            }
            next = Math.min(next, st.lastBalance + interval);
        }
        if (needDecay) ctx.setMaxIdleBalanceCost(cpu, Math.max(migrationCostNs, maxCost));
        nextBalance[cpu] = next;
    }

    protected long balanceIntervalJ(SchedDomain sd, SdState st, boolean busy) {
        long ms = st.balanceIntervalMs;
        if (busy) ms *= sd.busyFactor;
        long j = msToJiffies(ms);
        if (busy) j -= 1;
        return Math.max(1, Math.min(j, maxLoadBalanceIntervalJ));
    }

    /** Decays max_newidle_lb_cost by 253/256 at most once a second; folds in a new cost. Returns true if decayed. */
    protected boolean updateNewidleCost(SdState st, long cost) {
        long now = ctx.now();
        if (cost > st.maxNewidleLbCost) {
            st.maxNewidleLbCost = cost;
            st.lastDecayMaxLbCost = now;
        } else if (now > st.lastDecayMaxLbCost + 1_000_000_000L) {
            st.maxNewidleLbCost = st.maxNewidleLbCost * 253 / 256;
            st.lastDecayMaxLbCost = now;
            return true;
        }
        return false;
    }

    /** The balancing environment of one sched_balance_rq call. */
    protected final class Env {
        SchedDomain sd;
        int level;
        int dst, acting, idle;
        CpuSet cpus;
        long imbalance;
        double imbalanceLoad;
        int migrationType;
        int loopMax, loopCount;
        boolean allPinned, somePinned, dstPinned, activeLb;
        int newDst = -1;
        int srcCpu = -1;
        String kind;
    }

    /** Group statistics (update_sg_lb_stats). */
    protected static final class GroupStats {
        SchedGroup group;
        double load, util, runnable, avgLoad;
        int sumNrRunning, sumHNrRunning, idleCpus, weight, capacity, cores, type;
        boolean overloaded, smtBuilt;
    }

    /**
     * sched_balance_rq: one balancing attempt of {@code cpu}'s domain at {@code level}, moving tasks to
     * {@code cpu}. Returns false when this CPU should stop climbing ("not my job"); the count moved is in moved[0].
     */
    protected boolean sched_balance_rq(int cpu, int acting, int level, int idle, int[] moved, String kind) {
        SchedDomain sd = ctx.domains().of(cpu)[level];
        SdState st = sdState[cpu][level];
        Env env = new Env();
        env.sd = sd;
        env.level = level;
        env.dst = cpu;
        env.acting = acting;
        env.idle = idle;
        env.cpus = sd.span.copy();
        env.kind = kind;
        boolean serialized = false;

        // should_we_balance failing ends the climb (continue_balancing = 0) through out_balanced
        if (!shouldWeBalance(env)) {
            balanced(env, st, true);
            return false;
        }
        long serialStart = 0;
        if (sd.has(SchedDomain.SD_SERIALIZE)) {
            ctx.chargeSharedLine(acting, "sched_balance_running", env.kind);
            // a pass takes the time charged for it: another CPU that tries meanwhile loses the cmpxchg and skips
            if (ctx.now() < balanceRunningUntil && balanceRunningCpu != acting) {
                ctx.count("balance.serialize_lost." + kind, 1);
                return balanced(env, st, true);
            }
            serialized = true;
            serialStart = ctx.chargedNs(acting);
        }
        try {
            return balanceLocked(env, st, cpu, acting, level, idle, moved);
        } finally {
            if (serialized) {
                balanceRunningCpu = acting;
                balanceRunningUntil = ctx.now() + ctx.chargedNs(acting) - serialStart;
            }
        }
    }

    private boolean balanceLocked(Env env, SdState st, int cpu, int acting, int level, int idle, int[] moved) {
        SchedDomain sd = env.sd;
        boolean continueBalancing = true;
        int ldMoved = 0;
        boolean activeLaunched = false;
        int attempts = 0;
        while (true) {
            if (++attempts > 8) break;
            GroupStats[] busiestOut = new GroupStats[1];
            GroupStats local = findBusiestGroup(env, busiestOut);
            GroupStats busiest = busiestOut[0];
            if (busiest == null || local == null) {
                return balanced(env, st, true);
            }
            int src = findBusiestQueue(env, busiest);
            if (src < 0) return balanced(env, st, true);
            env.srcCpu = src;
            env.loopMax = Math.min(SCHED_NR_MIGRATE, ctx.nrRunning(src));
            env.loopCount = 0;
            env.allPinned = true;
            env.somePinned = false;
            env.dstPinned = false;
            int m = 0;
            if (ctx.nrRunning(src) > 1) {
                ctx.chargeRemoteLock(acting, src, env.kind);
                m = detachTasks(env);
                ldMoved += m;
                if (env.dstPinned && env.imbalance > 0 && env.newDst >= 0 && m == 0) {
                    // LBF_DST_PINNED: retarget to the other CPU of dst's group the tasks may run on
                    env.cpus.clear(env.dst);
                    env.dst = env.newDst;
                    env.newDst = -1;
                    env.dstPinned = false;
                    continue;
                }
                if (env.somePinned && env.imbalance > 0 && level + 1 < sdState[cpu].length) {
                    SchedDomain parent = sd.parent();
                    if (parent != null) imbalanceFlag(parent.groups[0])[0] = true;
                }
                if (env.allPinned) {
                    env.cpus.clear(src);
                    // other candidates outside the local group: try again
                    CpuSet rest = env.cpus.copy().andNot(sd.groups[0].span);
                    if (!rest.isEmpty()) continue;
                    // everything pinned
                    return allPinnedExit(env, st);
                }
            } else {
                env.allPinned = false;
            }
            break;
        }
        moved[0] = ldMoved;
        if (ldMoved == 0) {
            if (idle != CPU_NEWLY_IDLE) st.nrBalanceFailed++;
            if (needActiveBalance(env, st)) {
                int src = env.srcCpu;
                TaskView running = src >= 0 ? ctx.curr(src) : null;
                if (running != null && !running.canRunOn(env.dst)) {
                    // out_one_pinned: nothing moved, the interval backs off, the failure count stays
                    if (idle != CPU_NEWLY_IDLE && st.balanceIntervalMs < sd.maxIntervalMs) st.balanceIntervalMs *= 2;
                    return continueBalancing;
                }
                if (running != null && activeBalanceUntil[src] <= ctx.now()) {
                    activeBalanceUntil[src] = ctx.now() + 20_000;
                    ctx.stopperMove(src, env.dst, acting, env.kind);
                    activeLaunched = true;
                }
            }
        } else {
            st.nrBalanceFailed = 0;
        }
        if (!activeLaunched || needActiveBalance(env, st)) st.balanceIntervalMs = sd.minIntervalMs;
        return continueBalancing;
    }

    private boolean balanced(Env env, SdState st, boolean tasksMovable) {
        SchedDomain parent = env.sd.parent();
        if (parent != null && tasksMovable) {
            boolean[] f = groupImbalance.get(parent.groups[0]);
            if (f != null) f[0] = false;
        }
        st.nrBalanceFailed = 0;
        if (env.idle != CPU_NEWLY_IDLE && st.balanceIntervalMs < env.sd.maxIntervalMs) st.balanceIntervalMs *= 2;
        return true;
    }

    private boolean allPinnedExit(Env env, SdState st) {
        if (env.idle != CPU_NEWLY_IDLE && st.balanceIntervalMs < MAX_PINNED_INTERVAL_MS) st.balanceIntervalMs *= 2;
        return true;
    }

    protected boolean[] imbalanceFlag(SchedGroup g) {
        return groupImbalance.computeIfAbsent(g, x -> new boolean[1]);
    }

    /** should_we_balance: only one CPU of the local group balances a domain — the first idle core's CPU. */
    protected boolean shouldWeBalance(Env env) {
        if (env.idle == CPU_NEWLY_IDLE) return ctx.nrRunning(env.dst) == 0 && !ctx.ttwuPending(env.dst);
        SchedGroup local = env.sd.groups[0];
        CpuSet mask = local.balanceMask;
        int idleSmt = -1;
        boolean smtLevel = env.sd.has(SchedDomain.SD_SHARE_CPUCAPACITY);
        for (int c = mask.first(); c >= 0; c = mask.nextSetBit(c + 1)) {
            if (!env.cpus.get(c) || !ctx.idleCpu(c)) continue;
            if (!smtLevel && !coreIdle(c)) {
                if (idleSmt < 0) idleSmt = c;
                continue;
            }
            return c == env.dst;
        }
        if (idleSmt >= 0) return idleSmt == env.dst;
        return local.balanceCpu() == env.dst;
    }

    protected boolean coreIdle(int cpu) {
        CpuSet core = topo().coreSpan(topo().coreOf(cpu));
        for (int s = core.first(); s >= 0; s = core.nextSetBit(s + 1)) if (s != cpu && !ctx.idleCpu(s)) return false;
        return true;
    }

    protected org.schedlab.topology.Topology topo() { return ctx.topology(); }

    // ------------------------------------------------------------------ statistics and decisions

    protected GroupStats groupStats(Env env, SchedGroup g, boolean local) {
        GroupStats s = new GroupStats();
        s.group = g;
        boolean top = env.sd.parent() == null;
        for (int i = g.span.first(); i >= 0; i = g.span.nextSetBit(i + 1)) {
            if (!env.cpus.get(i)) continue;
            s.load += ctx.cpuLoad(i);
            s.util += ctx.cpuUtil(i);
            s.runnable += ctx.cpuRunnable(i);
            int nr = ctx.nrRunning(i);
            s.sumHNrRunning += nr;
            s.sumNrRunning += nr;
            if (nr == 0 && ctx.idleCpu(i)) {
                s.idleCpus++;
                continue;
            }
            if (top && nr > 1) s.overloaded = true;
        }
        s.capacity = g.capacity;
        s.weight = g.weight;
        s.cores = g.cores;
        s.smtBuilt = (g.flags & SchedDomain.SD_SHARE_CPUCAPACITY) != 0;
        int pct = env.sd.imbalancePct;
        boolean[] imb = groupImbalance.get(g);
        if (s.sumNrRunning > s.weight && (s.capacity * 100.0 < s.util * pct || s.capacity * (double) pct < s.runnable * 100))
            s.type = OVERLOADED;
        else if (imb != null && imb[0])
            s.type = IMBALANCED;
        else if (!local && env.idle != CPU_NOT_IDLE && s.smtBuilt && s.sumHNrRunning > 1)
            s.type = SMT_BALANCE;
        else if (s.sumNrRunning < s.weight || (!(s.capacity * (double) pct < s.runnable * 100) && s.capacity * 100.0 > s.util * pct))
            s.type = HAS_SPARE;
        else
            s.type = FULLY_BUSY;
        if (s.type == OVERLOADED) s.avgLoad = s.load * 1024 / s.capacity;
        return s;
    }

    protected double domainAvgLoad;
    protected boolean preferSibling;

    /** update_sd_lb_stats + find_src_group: returns the local group's stats and sets out[0] to the busiest, or null when balanced. */
    protected GroupStats findBusiestGroup(Env env, GroupStats[] out) {
        SchedDomain sd = env.sd;
        ctx.chargeScans(env.acting, env.cpus, env.kind);
        GroupStats local = null, busiest = null;
        double totalLoad = 0, totalCapacity = 0, sumUtil = 0;
        boolean sgOverloaded = false;
        for (int gi = 0; gi < sd.groups.length; gi++) {
            SchedGroup g = sd.groups[gi];
            boolean isLocal = gi == 0;
            GroupStats s = groupStats(env, g, isLocal);
            totalLoad += s.load;
            totalCapacity += s.capacity;
            sumUtil += s.util;
            sgOverloaded |= s.overloaded;
            if (isLocal) {
                local = s;
                continue;
            }
            if (s.sumHNrRunning == 0) continue;
            if (busiest == null || pickBusiest(busiest, s)) busiest = s;
        }
        SchedDomain child = sd.child();
        preferSibling = child != null && child.has(SchedDomain.SD_PREFER_SIBLING);
        domainAvgLoad = totalCapacity > 0 ? totalLoad * 1024 / totalCapacity : 0;
        if (sd.parent() == null) rdOverloaded = sgOverloaded;
        if (env.idle != CPU_NEWLY_IDLE && sd == ctx.domains().sdLlc(env.dst)) placement.updateIdleCpuScan(env.dst, sumUtil);
        out[0] = null;
        if (busiest == null) return local;
        // find_src_group decisions
        if (busiest.type == IMBALANCED || busiest.type == MISFIT || busiest.type == ASYM) {
            if (forceBalance(env, local, busiest)) out[0] = busiest;
            return local;
        }
        if (local.type > busiest.type) return local;
        if (local.type == OVERLOADED) {
            if (local.avgLoad >= busiest.avgLoad || local.avgLoad >= domainAvgLoad
                    || 100 * busiest.avgLoad <= sd.imbalancePct * local.avgLoad)
                return local;
        }
        if (preferSibling && local.type == HAS_SPARE && siblingImbalance(env, local, busiest) > 1) {
            if (forceBalance(env, local, busiest)) out[0] = busiest;
            return local;
        }
        if (busiest.type != OVERLOADED) {
            if (env.idle == CPU_NOT_IDLE) return local;
            if (busiest.type == SMT_BALANCE && (local.smtBuilt != busiest.smtBuilt)) {
                if (forceBalance(env, local, busiest)) out[0] = busiest;
                return local;
            }
            if (busiest.weight > 1 && local.idleCpus <= busiest.idleCpus + 1) return local;
            if (busiest.sumHNrRunning == 1) return local;
        }
        if (forceBalance(env, local, busiest)) out[0] = busiest;
        return local;
    }

    private boolean forceBalance(Env env, GroupStats local, GroupStats busiest) {
        calculateImbalance(env, local, busiest);
        return env.imbalance > 0 || env.imbalanceLoad > 0;
    }

    /** update_sd_pick_busiest: is {@code s} busier than the current pick? */
    protected boolean pickBusiest(GroupStats busiest, GroupStats s) {
        if (s.type > busiest.type) return true;
        if (s.type < busiest.type) return false;
        switch (s.type) {
            case OVERLOADED:
                return s.avgLoad > busiest.avgLoad;
            case IMBALANCED:
                return false;
            case SMT_BALANCE:
                if (s.idleCpus > 0 || busiest.idleCpus > 0) return spareBusier(busiest, s);
                return false;
            case FULLY_BUSY:
                return false;
            case HAS_SPARE:
            default:
                return spareBusier(busiest, s);
        }
    }

    private static boolean spareBusier(GroupStats busiest, GroupStats s) {
        if (s.smtBuilt != busiest.smtBuilt) {
            if (busiest.smtBuilt && !s.smtBuilt) return busiest.sumHNrRunning <= 1;
            return s.sumHNrRunning > 1 && false;
        }
        if (s.idleCpus > busiest.idleCpus) return false;
        if (s.idleCpus == busiest.idleCpus && s.sumNrRunning <= busiest.sumNrRunning) return false;
        return true;
    }

    protected long siblingImbalance(Env env, GroupStats local, GroupStats busiest) {
        if (env.idle == CPU_NOT_IDLE) return 0;
        long ncoresL = local.cores, ncoresB = busiest.cores;
        long imbalance;
        if (ncoresL == ncoresB) {
            imbalance = busiest.sumNrRunning - local.sumNrRunning;
        } else {
            imbalance = ncoresL * busiest.sumNrRunning - ncoresB * local.sumNrRunning;
            imbalance = (2 * imbalance + ncoresL + ncoresB) / (ncoresL + ncoresB);
        }
        if (imbalance <= 1 && local.sumNrRunning == 0 && busiest.sumNrRunning > 1) imbalance = 2;
        return Math.max(0, imbalance);
    }

    /** calculate_imbalance: sets env.migrationType and the amount. */
    protected void calculateImbalance(Env env, GroupStats local, GroupStats busiest) {
        SchedDomain sd = env.sd;
        env.imbalance = 0;
        env.imbalanceLoad = 0;
        if (busiest.type == SMT_BALANCE || busiest.type == IMBALANCED) {
            env.migrationType = MIGRATE_TASK;
            env.imbalance = 1;
            return;
        }
        if (local.type == HAS_SPARE) {
            if (busiest.type > FULLY_BUSY && !sd.has(SchedDomain.SD_SHARE_LLC)) {
                env.migrationType = MIGRATE_UTIL;
                env.imbalanceLoad = Math.max(local.capacity, local.util) - local.util;
                if (env.imbalanceLoad <= 0 && env.idle != CPU_NOT_IDLE) {
                    env.migrationType = MIGRATE_TASK;
                    env.imbalance = 1;
                    env.imbalanceLoad = 0;
                }
                return;
            }
            long amount;
            if (busiest.weight == 1 || preferSibling) {
                amount = siblingImbalance(env, local, busiest);
            } else {
                amount = Math.max(0, local.idleCpus - busiest.idleCpus);
            }
            env.migrationType = MIGRATE_TASK;
            if (sd.has(SchedDomain.SD_NUMA))
                amount = FairPlacement.adjustNumaImbalance((int) amount, local.sumNrRunning + 1, sd.imbNumaNr);
            env.imbalance = amount >> 1;
            if (env.imbalance == 0 && amount > 0 && busiest.weight == 1) env.imbalance = amount;
            return;
        }
        if (local.type < OVERLOADED) {
            local.avgLoad = local.capacity > 0 ? local.load * 1024 / local.capacity : 0;
            if (local.avgLoad >= busiest.avgLoad || local.avgLoad >= domainAvgLoad) return;
        }
        env.migrationType = MIGRATE_LOAD;
        env.imbalanceLoad = Math.min((busiest.avgLoad - domainAvgLoad) * busiest.capacity,
                (domainAvgLoad - local.avgLoad) * local.capacity) / 1024;
        if (env.imbalanceLoad < 0) env.imbalanceLoad = 0;
    }

    /** find_src_rq over the busiest group. */
    protected int findBusiestQueue(Env env, GroupStats g) {
        int best = -1;
        double bestVal = -1;
        int bestCap = 1;
        CpuSet span = g.group.span;
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            if (!env.cpus.get(i) || i == env.dst) continue;
            int nr = ctx.nrRunning(i);
            if (nr == 0) continue;
            switch (env.migrationType) {
                case MIGRATE_LOAD: {
                    double load = ctx.cpuLoad(i);
                    int cap = ctx.capacityOf(i);
                    if (nr == 1 && load > env.imbalanceLoad) continue;
                    if (best < 0 || load * bestCap > bestVal * cap) {
                        best = i;
                        bestVal = load;
                        bestCap = cap;
                    }
                    break;
                }
                case MIGRATE_UTIL: {
                    if (nr <= 1) continue;
                    double util = Math.max(ctx.cpuUtil(i), ctx.cpuRunnable(i));
                    if (util > bestVal) {
                        best = i;
                        bestVal = util;
                    }
                    break;
                }
                default: {
                    if (nr > bestVal) {
                        best = i;
                        bestVal = nr;
                    }
                }
            }
        }
        return best;
    }

    /** detach_tasks + attach: moves tasks from env.srcCpu to env.dst, least recently run first. */
    protected int detachTasks(Env env) {
        int src = env.srcCpu;
        if (ctx.nrRunning(src) <= 1) {
            env.allPinned = false;
            return 0;
        }
        if (env.imbalance <= 0 && env.imbalanceLoad <= 0) return 0;
        SdState st = sdState[env.dst][Math.min(env.level, sdState[env.dst].length - 1)];
        List<TaskView> candidates = new ArrayList<>();
        for (int i = 0; i < ctx.rqTaskCount(src); i++) candidates.add(ctx.rqTask(src, i));
        int moved = 0;
        for (TaskView p : candidates) {
            if (env.idle != CPU_NOT_IDLE && ctx.nrRunning(src) <= 1) break;
            if (++env.loopCount > env.loopMax) break;
            if (!canMigrateTask(env, p, st)) continue;
            double amount;
            switch (env.migrationType) {
                case MIGRATE_LOAD:
                    amount = Math.max(p.loadAvg(), 1);
                    if (((long) amount >> Math.min(st.nrBalanceFailed, 62)) > env.imbalanceLoad) continue;
                    env.imbalanceLoad -= amount;
                    break;
                case MIGRATE_UTIL:
                    amount = p.utilEst();
                    if (((long) amount >> Math.min(st.nrBalanceFailed, 62)) > env.imbalanceLoad) continue;
                    env.imbalanceLoad -= amount;
                    break;
                default:
                    env.imbalance -= 1;
            }
            if (ctx.migrate(p, env.dst, env.acting, env.kind)) moved++;
            if (env.idle == CPU_NEWLY_IDLE) break;   // CONFIG_PREEMPTION: one task per newidle pass
            if (env.imbalance <= 0 && env.imbalanceLoad <= 0) break;
        }
        return moved;
    }

    protected boolean canMigrateTask(Env env, TaskView p, SdState st) {
        if (st.nrBalanceFailed == 0 && ctx.nrRunning(env.dst) > 0 && !ctx.eligible(p)) return false;
        if (!p.canRunOn(env.dst)) {
            env.somePinned = true;
            if (env.idle != CPU_NEWLY_IDLE && !env.dstPinned) {
                CpuSet g = env.sd.groups[0].span;
                for (int c = g.first(); c >= 0; c = g.nextSetBit(c + 1))
                    if (c != env.dst && env.cpus.get(c) && p.canRunOn(c)) {
                        env.dstPinned = true;
                        env.newDst = c;
                        break;
                    }
            }
            return false;
        }
        env.allPinned = false;
        if (p.isRunning()) return false;
        if (env.activeLb) return true;
        boolean hot = taskHot(env, p);
        return !hot || st.nrBalanceFailed > env.sd.cacheNiceTries;
    }

    protected boolean taskHot(Env env, TaskView p) {
        if (env.sd.has(SchedDomain.SD_SHARE_CPUCAPACITY)) return false;
        return ctx.now() - p.lastRanNs() < migrationCostNs;
    }

    /** active_load_balance_cpu_stop: a task it moved resets the failure count of dst's domain spanning src. */
    @Override public void activeBalanceDone(int src, int dst, boolean moved) {
        if (!moved) return;
        SchedDomain[] sds = ctx.domains().of(dst);
        for (int l = 0; l < sds.length; l++) {
            if (sds[l].span.get(src)) {
                sdState[dst][l].nrBalanceFailed = 0;
                return;
            }
        }
    }

    protected boolean needActiveBalance(Env env, SdState st) {
        return env.migrationType == MIGRATE_TASK && st.nrBalanceFailed > env.sd.cacheNiceTries + 2;
    }

    // =====================================================================================================
    // newidle
    // =====================================================================================================

    /** sched_balance_newidle (6.19, with NI_RANDOM unless switched off). */
    protected void sched_balance_newidle(int cpu) {
        SchedDomain[] sds = ctx.domains().of(cpu);
        if (sds.length == 0) return;
        // a task is on its way to this CPU's wakelist: no need to look for one
        if (ctx.ttwuPending(cpu)) return;
        long avgIdle = ctx.avgIdle(cpu);
        if (!rdOverloaded || avgIdle < sdState[cpu][0].maxNewidleLbCost) {
            pullNextBalanceEarlier(cpu, 0);
            return;
        }
        newidleFrom(cpu, 0, 0);
    }

    /** The mainline newidle loop from domain {@code fromLevel} with {@code currCost} already spent. Returns pulled. */
    protected int newidleFrom(int cpu, int fromLevel, long currCost) {
        SchedDomain[] sds = ctx.domains().of(cpu);
        long avgIdle = ctx.avgIdle(cpu);
        int pulled = 0;
        for (int l = fromLevel; l < sds.length; l++) {
            SchedDomain sd = sds[l];
            SdState st = sdState[cpu][l];
            updateNewidleCost(st, 0);
            if (avgIdle < currCost + st.maxNewidleLbCost) break;
            if (sd.has(SchedDomain.SD_BALANCE_NEWIDLE)) {
                int weight = 1;
                if (niRandom) {
                    int d = niRng.nextInt(1024);
                    int ratio = 1 + st.newidleRatio;
                    if (d > ratio) {
                        newidleStats(st, false, 0);
                        continue;
                    }
                    weight = (1024 + ratio / 2) / ratio;
                }
                long before = ctx.chargedNs(cpu);
                int[] moved = new int[1];
                boolean cont = sched_balance_rq(cpu, cpu, l, CPU_NEWLY_IDLE, moved, "newidle");
                long cost = ctx.chargedNs(cpu) - before;
                currCost += cost;
                updateNewidleCost(st, cost);
                if (niRandom) newidleStats(st, moved[0] > 0, weight);
                pulled += moved[0];
                if (moved[0] > 0 || !cont) break;
            }
        }
        ctx.setMaxIdleBalanceCost(cpu, Math.max(ctx.maxIdleBalanceCost(cpu), currCost));
        pullNextBalanceEarlier(cpu, fromLevel);
        return pulled;
    }

    protected void newidleStats(SdState st, boolean success, int weight) {
        st.newidleCall++;
        if (success) st.newidleSuccess += weight;
        if (st.newidleCall >= 1024) {
            st.newidleRatio = Math.min(1023, st.newidleSuccess);
            st.newidleCall /= 2;
            st.newidleSuccess /= 2;
        }
    }

    protected void pullNextBalanceEarlier(int cpu, int fromLevel) {
        SchedDomain[] sds = ctx.domains().of(cpu);
        long hz = 1_000_000_000L / ctx.tickNs();
        long next = ctx.jiffies() + hz;
        for (int l = fromLevel; l < sds.length; l++) {
            SdState st = sdState[cpu][l];
            next = Math.min(next, st.lastBalance + balanceIntervalJ(sds[l], st, false));
        }
        nextBalance[cpu] = Math.min(nextBalance[cpu], next);
    }

    // =====================================================================================================
    // nohz idle balancing
    // =====================================================================================================

    /** nohz_balancer_kick, on every busy tick. */
    protected void nohzBalancerKick(int cpu) {
        if (nohzIdle.get(cpu)) nohzBalanceExitIdle(cpu);
        if (perLlcNohz ? nrDoms == 0 : nohzNrCpus == 0) return;
        long now = ctx.now();
        long jiffies = ctx.jiffies();
        int flags = 0;
        if (nohzHasBlocked && now > nohzNextBlocked) flags = NOHZ_STATS_KICK;
        if (jiffies >= nohzNextBalance) {
            if (ctx.nrRunning(cpu) >= 2 || nrBusyCpus[sds_llcId(cpu)] > 1) flags = NOHZ_BALANCE_KICK | NOHZ_STATS_KICK;
        }
        if (nohzNeedsUpdate) flags |= NOHZ_NEXT_KICK;
        if (flags != 0) kickIlb(cpu, flags);
    }

    protected void kickIlb(int cpu, int flags) {
        if ((flags & NOHZ_BALANCE_KICK) != 0) nohzNextBalance = ctx.jiffies() + 1;
        int ilb = findNewIlb(cpu);
        if (ilb < 0) return;
        if ((nohzFlags[ilb] & flags) == flags) return;
        boolean first = nohzFlags[ilb] == 0;
        ctx.chargeSharedLine(cpu, "nohz_flags." + ilb, "nohz");
        nohzFlags[ilb] |= flags;
        if (first) ctx.sendIpi(cpu, ilb, IPI_NOHZ_KICK, flags, "nohz");
    }

    /**
     * find_new_ilb: the lowest-numbered tickless idle CPU; per-llc: the first idle CPU of the first LLC on
     * nohz_shared_list whose nr_idle_cpus is not zero (each LLC looked at costs a read of its shared line).
     */
    protected int findNewIlb(int cpu) {
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
    protected int[] nohzIdleBalanceOrder(int ilb) {
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
    protected static final class IlbWalk {
        boolean active;
        int flags, pendingFlags, k;
        int[] order;
        long next;
    }

    protected IlbWalk[] ilbWalks;

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
    protected void nohzIdleBalance(int ilb, int flags) {
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
        w.order = nohzIdleBalanceOrder(ilb);
        w.k = 0;
        continueIlbWalk(ilb);
    }

    /** One or more steps of the walk, until one takes time (then it continues when that work is done). */
    protected void continueIlbWalk(int ilb) {
        IlbWalk w = ilbWalk(ilb);
        if (!w.active) return;
        int flags = w.flags;
        while (w.k < w.order.length) {
            int i = w.order[w.k++];
            if (!ctx.idleCpu(i) && i != ilb) continue;
            if (ctx.nrRunning(ilb) > 0) {
                // the ILB got work: stop, and let the next kick finish the job
                nohzHasBlocked = true;
                nohzNeedsUpdate = true;
                finishIlbWalk(ilb, w, true);
                return;
            }
            long before = ctx.chargedNs(ilb);
            if ((flags & NOHZ_STATS_KICK) != 0) ctx.chargeScan(ilb, i, "nohz");
            if ((flags & NOHZ_BALANCE_KICK) != 0 && ctx.jiffies() >= nextBalance[i]) sched_balance_domains(i, ilb, CPU_IDLE, "nohz");
            w.next = Math.min(w.next, nextBalance[i]);
            long spent = ctx.chargedNs(ilb) - before;
            if (spent > 0 && w.k < w.order.length) {
                ctx.callLater(ilb, spent, IPI_ILB_CONTINUE, 0);
                return;
            }
        }
        finishIlbWalk(ilb, w, false);
    }

    private void finishIlbWalk(int ilb, IlbWalk w, boolean aborted) {
        if (!aborted && (w.flags & NOHZ_BALANCE_KICK) != 0) nohzNextBalance = w.next;
        if ((w.flags & NOHZ_STATS_KICK) != 0) nohzNextBlocked = ctx.now() + 32_000_000L;
        w.active = false;
        w.order = null;
        if (w.pendingFlags != 0) {
            int f = w.pendingFlags;
            w.pendingFlags = 0;
            if (ctx.nrRunning(ilb) == 0 && ctx.curr(ilb) == null) nohzIdleBalance(ilb, f);
        }
    }
}
