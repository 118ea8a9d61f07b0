package org.schedlab.policy.linux;

import org.schedlab.policy.Capacity;
import org.schedlab.policy.RqSums;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.linux.LbEnv.GroupStats;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedGroup;

import static org.schedlab.policy.linux.LbEnv.*;
import static org.schedlab.policy.linux.LbEnv.GroupStats.*;

/**
 * The decisions of one balancing attempt (fair.c): update_sg_lb_stats and group_classify, update_sd_pick_busiest,
 * sched_balance_find_src_group with calculate_imbalance, and sched_balance_find_src_rq. Statistics are read through
 * the pass's {@link org.schedlab.policy.RqReader}, which charges the balancing CPU for every runqueue it reads.
 * Misfit groups on SD_ASYM_CPUCAPACITY domains (group_misfit_task, migrate_misfit).
 * Asym packing (group_asym_packing) on SD_ASYM_PACKING domains with the ITMT priorities.
 * Deviations: no misfit from reduced capacity (no RT/IRQ pressure is modelled);
 * no energy-aware checks (no perf domains).
 */
final class FindBusiest {
    private final SchedContext ctx;
    private final LoadBalance lb;
    private final FairPlacement placement;
    private final RqSums sums = new RqSums();

    FindBusiest(SchedContext ctx, LoadBalance lb, FairPlacement placement) {
        this.ctx = ctx;
        this.lb = lb;
        this.placement = placement;
    }

    /**
     * Three reusable statistics: the local group's, the busiest so far, and the one being gathered. Those
     * {@link #findBusiestGroup} returns stay valid until its next call.
     */
    private final GroupStats[] statsPool = {new GroupStats(), new GroupStats(), new GroupStats()};

    private GroupStats freeStats(GroupStats a, GroupStats b) {
        for (GroupStats s : statsPool) if (s != a && s != b) return s.clear();
        throw new IllegalStateException("no free group statistics");
    }

    /** update_sg_lb_stats into {@code s}, a cleared statistics. */
    GroupStats groupStats(LbEnv env, SchedGroup g, boolean local, GroupStats s) {
        s.group = g;
        boolean top = env.sd.parent() == null;
        boolean asymCpuCap = env.sd.has(SchedDomain.SD_ASYM_CPUCAPACITY);
        // the group's CPUs in env.cpus, read and added up (a group of the domain lies inside its span)
        env.rq.sum(g, env.cpusWholeSpan && env.sd.groupsInsideSpan() ? null : env.cpus, sums);
        s.maxCapacity = sums.maxCapacity;
        s.load = sums.load;
        s.util = sums.util;
        s.runnable = sums.runnable;
        s.sumHNrRunning = sums.nrRunning;
        s.sumNrRunning = sums.nrRunning;
        s.idleCpus = sums.idleCpus;
        if (top && sums.overloadedCpus > 0) s.overloaded = true;
        // a misfit task on a smaller CPU than it needs (the overload flag counts only at the root)
        if (!local && asymCpuCap && sums.misfitTaskLoad > 0) {
            s.misfitTaskLoad = sums.misfitTaskLoad;
            s.overloaded = true;
        }
        s.capacity = g.capacity;
        s.weight = g.weight;
        s.cores = g.cores;
        s.smtBuilt = (g.flags & SchedDomain.SD_SHARE_CPUCAPACITY) != 0;
        // an idle balancer of higher ITMT priority than the group's preferred CPU packs its tasks (sched_group_asym)
        if (!local && env.idle != CPU_NOT_IDLE && s.sumHNrRunning > 0 && groupAsym(env, s, g)) s.asymPacking = true;
        int pct = env.sd.imbalancePct;
        if (s.sumNrRunning > s.weight && (s.capacity * 100.0 < s.util * pct || s.capacity * (double) pct < s.runnable * 100))
            s.type = OVERLOADED;
        else if (lb.groupImbalanced(g))
            s.type = IMBALANCED;
        else if (s.asymPacking)
            s.type = ASYM;
        else if (!local && env.idle != CPU_NOT_IDLE && s.smtBuilt && s.sumHNrRunning > 1)
            s.type = SMT_BALANCE;
        else if (s.misfitTaskLoad > 0)
            s.type = MISFIT;
        else if (s.sumNrRunning < s.weight || (!(s.capacity * (double) pct < s.runnable * 100) && s.capacity * 100.0 > s.util * pct))
            s.type = HAS_SPARE;
        else
            s.type = FULLY_BUSY;
        if (s.type == OVERLOADED) s.avgLoad = s.load * 1024 / s.capacity;
        return s;
    }

    /** sched_group_asym: CPU priorities do not apply to an SMT core with more than one busy sibling. */
    private boolean groupAsym(LbEnv env, GroupStats s, SchedGroup g) {
        if ((g.flags & SchedDomain.SD_SHARE_CPUCAPACITY) != 0 && s.weight - s.idleCpus != 1) return false;
        return lb.schedAsym(env.sd, env.dst, g.asymPreferCpu);
    }

    private double domainAvgLoad;
    private boolean preferSibling;

    /** update_sd_lb_stats + find_src_group: returns the local group's stats and sets out[0] to the busiest, or null when balanced. */
    GroupStats findBusiestGroup(LbEnv env, GroupStats[] out) {
        SchedDomain sd = env.sd;
        // a retry (LBF_DST_PINNED, LBF_ALL_PINNED) is a new pass
        if (env.rq != null) env.rq.done();
        env.rq = ctx.reader(env.acting, env.kind);
        GroupStats local = null, busiest = null;
        double totalLoad = 0, totalCapacity = 0, sumUtil = 0;
        boolean sgOverloaded = false;
        for (int gi = 0; gi < sd.nrGroups(); gi++) {
            SchedGroup g = sd.group(gi);
            boolean isLocal = gi == 0;
            GroupStats s = groupStats(env, g, isLocal, freeStats(local, busiest));
            totalLoad += s.load;
            totalCapacity += s.capacity;
            sumUtil += s.util;
            sgOverloaded |= s.overloaded;
            if (isLocal) {
                local = s;
                continue;
            }
            if (s.sumHNrRunning == 0) continue;
            if (misfitBeyondHelp(env, local, s)) continue;
            if (busiest == null || pickBusiest(busiest, s)) busiest = s;
        }
        SchedDomain child = sd.child();
        preferSibling = child != null && child.has(SchedDomain.SD_PREFER_SIBLING);
        domainAvgLoad = totalCapacity > 0 ? totalLoad * 1024 / totalCapacity : 0;
        if (sd.parent() == null) lb.rdOverloaded = sgOverloaded;
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

    private boolean forceBalance(LbEnv env, GroupStats local, GroupStats busiest) {
        calculateImbalance(env, local, busiest);
        return env.imbalance > 0 || env.imbalanceLoad > 0;
    }

    /** update_sd_pick_busiest: a misfit group this CPU cannot help (not bigger, or not spare itself) is skipped. */
    private boolean misfitBeyondHelp(LbEnv env, GroupStats local, GroupStats s) {
        return env.sd.has(SchedDomain.SD_ASYM_CPUCAPACITY) && s.type == MISFIT
                && (!Capacity.greater(ctx.capacityOf(env.dst), s.maxCapacity) || local.type != HAS_SPARE);
    }

    /** update_sd_pick_busiest: is {@code s} busier than the current pick? */
    boolean pickBusiest(GroupStats busiest, GroupStats s) {
        if (s.type > busiest.type) return true;
        if (s.type < busiest.type) return false;
        switch (s.type) {
            case OVERLOADED:
                return s.avgLoad > busiest.avgLoad;
            case IMBALANCED:
                return false;
            case MISFIT:
                return s.misfitTaskLoad > busiest.misfitTaskLoad;
            case ASYM:
                // move the work of the least preferred CPU first
                return lb.asymPrefer(busiest.group.asymPreferCpu, s.group.asymPreferCpu);
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

    long siblingImbalance(LbEnv env, GroupStats local, GroupStats busiest) {
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
    void calculateImbalance(LbEnv env, GroupStats local, GroupStats busiest) {
        SchedDomain sd = env.sd;
        env.imbalance = 0;
        env.imbalanceLoad = 0;
        if (busiest.type == MISFIT) {
            // only ASYM_CPUCAPACITY domains classify groups as misfit here (no reduced-capacity tracking)
            env.migrationType = MIGRATE_MISFIT;
            env.imbalance = 1;
            return;
        }
        if (busiest.type == ASYM) {
            // pack every task of the group onto the preferred CPUs
            env.migrationType = MIGRATE_TASK;
            env.imbalance = busiest.sumHNrRunning;
            return;
        }
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
            NumaImbalance numa = placement.numa;
            boolean numaLegacy = sd.has(SchedDomain.SD_NUMA) && !numa.consistent();
            if (busiest.weight == 1 || preferSibling) {
                // before cb29a5c19d2d the task difference was simply halved (nr_diff >> 1)
                amount = numaLegacy ? Math.max(0, busiest.sumNrRunning - local.sumNrRunning) : siblingImbalance(env, local, busiest);
            } else {
                amount = Math.max(0, local.idleCpus - busiest.idleCpus);
            }
            env.migrationType = MIGRATE_TASK;
            int numaLimit = sd.has(SchedDomain.SD_NUMA) ? numa.limit(sd, local.weight) : 0;
            if (numaLegacy) {
                // calculate_imbalance before cb29a5c19d2d: halve, then adjust_numa_imbalance
                env.imbalance = NumaImbalance.adjust((int) (amount >> 1), local.sumNrRunning + 1, numaLimit);
                return;
            }
            if (sd.has(SchedDomain.SD_NUMA)) amount = NumaImbalance.adjust((int) amount, local.sumNrRunning + 1, numaLimit);
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
    int findBusiestQueue(LbEnv env, GroupStats g) {
        int best = -1;
        double bestVal = -1;
        int bestCap = 1;
        CpuSet span = g.group.span;
        boolean asymCpuCap = env.sd.has(SchedDomain.SD_ASYM_CPUCAPACITY);
        for (int i = span.first(); i >= 0; i = span.nextSetBit(i + 1)) {
            if (!env.cpus.get(i) || i == env.dst) continue;
            int nr = ctx.nrRunning(i);
            if (nr == 0) continue;
            // never pick a lone task that would then be actively balanced from a big CPU to a smaller one
            if (asymCpuCap && nr == 1 && !Capacity.greater(ctx.capacityOf(env.dst), ctx.capacityOf(i))) continue;
            // a lone task on a CPU preferred to the balancer stays
            if (nr == 1 && lb.schedAsym(env.sd, i, env.dst)) continue;
            switch (env.migrationType) {
                case MIGRATE_LOAD: {
                    double load = env.rq.load(i);
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
                    double util = Math.max(env.rq.util(i), env.rq.runnable(i));
                    if (util > bestVal) {
                        best = i;
                        bestVal = util;
                    }
                    break;
                }
                case MIGRATE_MISFIT: {
                    if (ctx.misfitTaskLoad(i) > bestVal) {
                        best = i;
                        bestVal = ctx.misfitTaskLoad(i);
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
}
