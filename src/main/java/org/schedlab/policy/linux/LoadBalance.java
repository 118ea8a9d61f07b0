package org.schedlab.policy.linux;

import org.schedlab.engine.Rng;
import org.schedlab.policy.Capacity;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.policy.linux.LbEnv.GroupStats;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedGroup;

import java.util.ArrayList;
import java.util.List;

import static org.schedlab.policy.linux.LbEnv.*;

/**
 * Mainline load balancing between runqueues (fair.c, 6.19): the periodic pass over a CPU's domains
 * (sched_balance_domains), one attempt at one level (sched_balance_rq: should_we_balance, the serialising
 * sched_balance_running of SD_SERIALIZE levels, detach limits, cache-hot and affinity checks, LBF_DST_PINNED and
 * LBF_ALL_PINNED retries, nr_balance_failed, interval backoff, active balancing through the stopper) and the
 * per-domain state the kernel keeps in struct sched_domain. Newidle and nohz balancing drive it from outside.
 * Misfit tasks move through migrate_misfit (a task that does not fit its CPU) and always through the stopper
 * when running; asym packing moves tasks to idle CPUs of higher ITMT priority (actively when running).
 * Deviation: skipped tasks are not rotated to the head of cfs_tasks.
 */
final class LoadBalance {
    private static final int SCHED_NR_MIGRATE = 32;
    private static final int MAX_PINNED_INTERVAL_MS = 512;

    /** Balancing state of one CPU's domain at one level (what the kernel keeps in struct sched_domain). */
    static final class SdState {
        long lastBalance;           // jiffies
        int balanceIntervalMs;
        int nrBalanceFailed;
        long maxNewidleLbCost;      // ns
        long lastDecayMaxLbCost;    // ns
        int newidleCall = 512, newidleSuccess = 256, newidleRatio = 512;
    }

    private final SchedContext ctx;
    private final FindBusiest find;
    final SdState[][] sdState;
    final long[] nextBalance;            // jiffies
    /** The root domain's overloaded flag (rd->overloaded). */
    boolean rdOverloaded;
    /** sgc->imbalance of each group, by {@link SchedGroup#id}; grown when a group is first flagged. */
    private boolean[] groupImbalance = new boolean[0];

    boolean groupImbalanced(SchedGroup g) { return g.id < groupImbalance.length && groupImbalance[g.id]; }

    private void setGroupImbalance(SchedGroup g, boolean imbalanced) {
        if (g.id >= groupImbalance.length) {
            if (!imbalanced) return;
            groupImbalance = java.util.Arrays.copyOf(groupImbalance, Math.max(g.id + 1, 2 * groupImbalance.length));
        }
        groupImbalance[g.id] = imbalanced;
    }
    private final long[] activeBalanceUntil;
    private final long maxLoadBalanceIntervalJ;
    /** sysctl_sched_migration_cost. */
    final long migrationCostNs = 500_000;
    /** newidle_cost=bump (155213a2aed4, reverted by d206fbad9328): failed newidle passes inflate the cost, capped. */
    boolean newidleCostBump;
    /** sched_balance_running: held by {@link #balanceRunningCpu} from {@link #balanceRunningFrom} until {@link #balanceRunningUntil}. */
    long balanceRunningFrom = Long.MIN_VALUE, balanceRunningUntil = Long.MIN_VALUE;
    private int balanceRunningCpu = -1;
    /** Where {@link FindBusiest#findBusiestGroup} puts the busiest group's statistics. */
    private final GroupStats[] busiestOut = new GroupStats[1];
    /** Orders CPUs that reach sched_balance_running at the same instant. */
    private final Rng serializeRng;

    LoadBalance(SchedContext ctx, FairPlacement placement) {
        this.ctx = ctx;
        this.find = new FindBusiest(ctx, this, placement);
        this.serializeRng = ctx.rng("sched_balance_running");
        int nrCpus = ctx.nrCpus();
        sdState = new SdState[nrCpus][];
        nextBalance = new long[nrCpus];
        activeBalanceUntil = new long[nrCpus];
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
        }
    }

    long msToJiffies(long ms) {
        long tick = ctx.tickNs();
        return Math.max(1, (ms * 1_000_000L + tick - 1) / tick);
    }

    /** sched_balance_domains for {@code cpu}, performed by {@code acting} (itself, or the ILB on its behalf). */
    void sched_balance_domains(int cpu, int acting, int idle, String kind) {
        boolean busy = idle != CPU_IDLE;
        long jiffies = ctx.jiffies();
        long next = jiffies + 60 * (1_000_000_000L / ctx.tickNs());
        boolean continueBalancing = true;
        boolean needDecay = false;
        long maxCost = 0;
        SchedDomain[] sds = ctx.domains().of(cpu);
        int[] moved = new int[1];
        for (int l = 0; l < sds.length; l++) {
            SchedDomain sd = sds[l];
            SdState st = sdState[cpu][l];
            needDecay |= updateNewidleCost(st, 0);
            maxCost += st.maxNewidleLbCost;
            if (!continueBalancing) continue;
            long interval = balanceIntervalJ(sd, st, busy);
            if (jiffies >= st.lastBalance + interval) {
                moved[0] = 0;
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

    long balanceIntervalJ(SchedDomain sd, SdState st, boolean busy) {
        long ms = st.balanceIntervalMs;
        if (busy) ms *= sd.busyFactor;
        long j = msToJiffies(ms);
        if (busy) j -= 1;
        return Math.max(1, Math.min(j, maxLoadBalanceIntervalJ));
    }

    /**
     * update_newidle_cost: decays max_newidle_lb_cost by 253/256 at most once a second; folds in a new cost.
     * Returns true if decayed. With the 155213a2aed4 bump ({@link #newidleCostBump}) the maximum is capped at
     * sysctl_sched_migration_cost + 200 ns.
     */
    boolean updateNewidleCost(SdState st, long cost) {
        long now = ctx.now();
        if (cost > st.maxNewidleLbCost) {
            st.maxNewidleLbCost = newidleCostBump ? Math.min(cost, migrationCostNs + 200) : cost;
            st.lastDecayMaxLbCost = now;
        } else if (now > st.lastDecayMaxLbCost + 1_000_000_000L) {
            st.maxNewidleLbCost = st.maxNewidleLbCost * 253 / 256;
            st.lastDecayMaxLbCost = now;
            return true;
        }
        return false;
    }

    /**
     * sched_balance_rq: one balancing attempt of {@code cpu}'s domain at {@code level}, moving tasks to
     * {@code cpu}. Returns false when this CPU should stop climbing ("not my job"); the count moved is in moved[0].
     */
    boolean sched_balance_rq(int cpu, int acting, int level, int idle, int[] moved, String kind) {
        LbEnv env = spareEnv != null ? spareEnv.clear() : new LbEnv();
        spareEnv = null;
        try {
            return sched_balance_rq(env, cpu, acting, level, idle, moved, kind);
        } finally {
            spareEnv = env;
        }
    }

    /** The lb_env of a finished attempt, for the next one (an attempt's env does not outlive it). */
    private LbEnv spareEnv;

    private boolean sched_balance_rq(LbEnv env, int cpu, int acting, int level, int idle, int[] moved, String kind) {
        SchedDomain sd = ctx.domains().of(cpu)[level];
        SdState st = sdState[cpu][level];
        env.sd = sd;
        env.level = level;
        env.dst = cpu;
        env.acting = acting;
        env.idle = idle;
        env.cpus = sd.span;
        env.cpusWholeSpan = true;
        env.kind = kind;
        boolean serialized = false;

        // should_we_balance failing ends the climb (continue_balancing = 0) through out_balanced
        if (!shouldWeBalance(env)) {
            balanced(env, st, true);
            return false;
        }
        long attempt = 0;
        if (sd.has(SchedDomain.SD_SERIALIZE)) {
            // the acting CPU reaches the cmpxchg once through the kernel work charged to it before (its tick, lower
            // levels); it loses if another CPU's pass holds sched_balance_running at that moment (out_balanced)
            attempt = ctx.busyUntil(acting);
            ctx.chargeSharedLine(acting, "sched_balance_running", env.kind);
            boolean held = balanceRunningCpu != acting && attempt < balanceRunningUntil;
            // Deviation: CPUs are handled one at a time, so one that reached the cmpxchg before the holder's pass began, or at the same instant (aligned ticks, equal work before it; who was first is drawn from the run's random stream), and is handled after it runs its pass as well, instead of the holder losing.
            if (held && (attempt < balanceRunningFrom || attempt == balanceRunningFrom && serializeRng.nextDouble() < 0.5))
                held = false;
            if (held) {
                ctx.count("balance.serialize_lost." + kind, 1);
                return balanced(env, st, true);
            }
            serialized = true;
        }
        try {
            return balanceLocked(env, st, cpu, acting, level, idle, moved);
        } finally {
            if (env.rq != null) env.rq.done();
            if (serialized) {
                balanceRunningCpu = acting;
                balanceRunningFrom = attempt;
                balanceRunningUntil = ctx.busyUntil(acting);
            }
        }
    }

    private boolean balanceLocked(LbEnv env, SdState st, int cpu, int acting, int level, int idle, int[] moved) {
        SchedDomain sd = env.sd;
        boolean continueBalancing = true;
        int ldMoved = 0;
        boolean activeLaunched = false;
        int attempts = 0;
        while (true) {
            if (++attempts > 8) break;
            GroupStats local = find.findBusiestGroup(env, busiestOut);
            GroupStats busiest = busiestOut[0];
            if (busiest == null || local == null) {
                return balanced(env, st, true);
            }
            int src = find.findBusiestQueue(env, busiest);
            if (src < 0) return balanced(env, st, true);
            env.srcCpu = src;
            env.loopMax = Math.min(SCHED_NR_MIGRATE, ctx.nrRunning(src));
            env.loopCount = 0;
            env.allPinned = true;
            env.somePinned = false;
            env.dstPinned = false;
            int m = 0;
            if (ctx.nrRunning(src) > 1) {
                env.rq.lock(src);
                m = detachTasks(env);
                ldMoved += m;
                if (env.dstPinned && env.imbalance > 0 && env.newDst >= 0 && m == 0) {
                    // LBF_DST_PINNED: retarget to the other CPU of dst's group the tasks may run on
                    env.dropCpu(env.dst);
                    env.dst = env.newDst;
                    env.newDst = -1;
                    env.dstPinned = false;
                    continue;
                }
                if (env.somePinned && env.imbalance > 0 && level + 1 < sdState[cpu].length) {
                    SchedDomain parent = sd.parent();
                    if (parent != null) setGroupImbalance(parent.localGroup(), true);
                }
                if (env.allPinned) {
                    env.dropCpu(src);
                    // other candidates outside the local group: try again
                    CpuSet rest = env.cpus.copy().andNot(sd.localGroup().span);
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
            // newidle and misfit failures do not count (they say nothing about load or util imbalance)
            if (idle != CPU_NEWLY_IDLE && env.migrationType != MIGRATE_MISFIT) st.nrBalanceFailed++;
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

    private boolean balanced(LbEnv env, SdState st, boolean tasksMovable) {
        SchedDomain parent = env.sd.parent();
        if (parent != null && tasksMovable) setGroupImbalance(parent.localGroup(), false);
        st.nrBalanceFailed = 0;
        if (env.idle != CPU_NEWLY_IDLE && st.balanceIntervalMs < env.sd.maxIntervalMs) st.balanceIntervalMs *= 2;
        return true;
    }

    private boolean allPinnedExit(LbEnv env, SdState st) {
        if (env.idle != CPU_NEWLY_IDLE && st.balanceIntervalMs < MAX_PINNED_INTERVAL_MS) st.balanceIntervalMs *= 2;
        return true;
    }

    /** should_we_balance: only one CPU of the local group balances a domain — the first idle core's CPU. */
    boolean shouldWeBalance(LbEnv env) {
        if (env.idle == CPU_NEWLY_IDLE) return ctx.nrRunning(env.dst) == 0 && !ctx.ttwuPending(env.dst);
        SchedGroup local = env.sd.localGroup();
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

    boolean coreIdle(int cpu) {
        CpuSet core = ctx.topology().coreSpan(ctx.topology().coreOf(cpu));
        for (int s = core.first(); s >= 0; s = core.nextSetBit(s + 1)) if (s != cpu && !ctx.idleCpu(s)) return false;
        return true;
    }

    /** detach_tasks + attach: moves tasks from env.srcCpu to env.dst, least recently run first. */
    int detachTasks(LbEnv env) {
        int src = env.srcCpu;
        if (ctx.nrRunning(src) <= 1) {
            env.allPinned = false;
            return 0;
        }
        if (env.imbalance <= 0 && env.imbalanceLoad <= 0) return 0;
        SdState st = sdState[env.dst][Math.min(env.level, sdState[env.dst].length - 1)];
        List<TaskView> candidates = new ArrayList<>();
        for (int i = 0; i < env.rq.taskCount(src); i++) candidates.add(env.rq.task(src, i));
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
                case MIGRATE_MISFIT:
                    // only a task that does not fit where it is
                    if (Capacity.fits(p.utilEst(), ctx.capacityOf(src))) continue;
                    env.imbalance = 0;
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

    boolean canMigrateTask(LbEnv env, TaskView p, SdState st) {
        if (st.nrBalanceFailed == 0 && ctx.nrRunning(env.dst) > 0 && !ctx.eligible(p)) return false;
        if (!p.canRunOn(env.dst)) {
            env.somePinned = true;
            if (env.idle != CPU_NEWLY_IDLE && !env.dstPinned) {
                CpuSet g = env.sd.localGroup().span;
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

    boolean taskHot(LbEnv env, TaskView p) {
        if (env.sd.has(SchedDomain.SD_SHARE_CPUCAPACITY)) return false;
        return ctx.now() - p.lastRanNs() < migrationCostNs;
    }

    /** active_load_balance_cpu_stop: a task it moved resets the failure count of dst's domain spanning src. */
    void activeBalanceDone(int src, int dst, boolean moved) {
        if (!moved) return;
        SchedDomain[] sds = ctx.domains().of(dst);
        for (int l = 0; l < sds.length; l++) {
            if (sds[l].span.get(src)) {
                sdState[dst][l].nrBalanceFailed = 0;
                return;
            }
        }
    }

    boolean needActiveBalance(LbEnv env, SdState st) {
        if (asymActiveBalance(env)) return true;
        if (env.migrationType == MIGRATE_MISFIT) return true;
        return env.migrationType == MIGRATE_TASK && st.nrBalanceFailed > env.sd.cacheNiceTries + 2;
    }

    /**
     * sched_use_asym_prio: ITMT priorities count in this domain for {@code cpu} — between SMT siblings always,
     * between cores only when the whole core of {@code cpu} is idle.
     */
    boolean useAsymPrio(SchedDomain sd, int cpu) {
        if (!sd.has(SchedDomain.SD_ASYM_PACKING)) return false;
        if (ctx.topology().smt() < 2) return true;
        return sd.has(SchedDomain.SD_SHARE_CPUCAPACITY) || coreIdle(cpu);
    }

    /** sched_asym_prefer: {@code a} has the higher ITMT priority. */
    boolean asymPrefer(int a, int b) { return ctx.topology().asymPriority(a) > ctx.topology().asymPriority(b); }

    /** sched_asym: {@code dst} may pull from {@code src} for asym packing. */
    boolean schedAsym(SchedDomain sd, int dst, int src) { return useAsymPrio(sd, dst) && asymPrefer(dst, src); }

    /** asym_active_balance: an idle preferred CPU takes the running task of a less preferred one. */
    private boolean asymActiveBalance(LbEnv env) {
        return env.idle != CPU_NOT_IDLE && env.srcCpu >= 0 && useAsymPrio(env.sd, env.dst)
                && (asymPrefer(env.dst, env.srcCpu) || !useAsymPrio(env.sd, env.srcCpu));
    }

    void pullNextBalanceEarlier(int cpu, int fromLevel) {
        SchedDomain[] sds = ctx.domains().of(cpu);
        long hz = 1_000_000_000L / ctx.tickNs();
        long next = ctx.jiffies() + hz;
        for (int l = fromLevel; l < sds.length; l++) {
            SdState st = sdState[cpu][l];
            next = Math.min(next, st.lastBalance + balanceIntervalJ(sds[l], st, false));
        }
        nextBalance[cpu] = Math.min(nextBalance[cpu], next);
    }
}
