package org.schedlab.policy.linux;

import org.schedlab.policy.RqReader;
import org.schedlab.topology.CpuSet;
import org.schedlab.topology.SchedDomain;
import org.schedlab.topology.SchedGroup;

/** The environment of one sched_balance_rq call ({@code struct lb_env}). */
final class LbEnv {
    // idle types
    static final int CPU_IDLE = 0, CPU_NOT_IDLE = 1, CPU_NEWLY_IDLE = 2;
    // migration types
    static final int MIGRATE_LOAD = 0, MIGRATE_UTIL = 1, MIGRATE_TASK = 2, MIGRATE_MISFIT = 3;

    SchedDomain sd;
    int level;
    int dst, acting, idle;
    /** env->cpus: the domain's span until a CPU is taken out ({@link #dropCpu}), shared with it until then. */
    CpuSet cpus;
    /** {@link #cpus} is still the whole domain span. */
    boolean cpusWholeSpan;

    /** Takes {@code cpu} out of env->cpus (__cpumask_clear_cpu), copying the domain's span first. */
    void dropCpu(int cpu) {
        if (cpusWholeSpan) {
            cpus = cpus.copy();
            cpusWholeSpan = false;
        }
        cpus.clear(cpu);
    }
    long imbalance;
    double imbalanceLoad;
    int migrationType;
    int loopMax, loopCount;
    boolean allPinned, somePinned, dstPinned, activeLb;
    int newDst = -1;
    int srcCpu = -1;
    String kind;
    /** The current statistics pass (update_sd_lb_stats and what follows from it). */
    RqReader rq;

    /** Back to the state of a new one, for the next attempt. */
    LbEnv clear() {
        sd = null;
        level = dst = acting = idle = 0;
        cpus = null;
        cpusWholeSpan = false;
        imbalance = 0;
        imbalanceLoad = 0;
        migrationType = 0;
        loopMax = loopCount = 0;
        allPinned = somePinned = dstPinned = activeLb = false;
        newDst = -1;
        srcCpu = -1;
        kind = null;
        rq = null;
        return this;
    }

    /** Group statistics (struct sg_lb_stats). */
    static final class GroupStats {
        // group types, in order of busyness
        static final int HAS_SPARE = 0, FULLY_BUSY = 1, MISFIT = 2, SMT_BALANCE = 3, ASYM = 4, IMBALANCED = 5, OVERLOADED = 6;

        SchedGroup group;
        double load, util, runnable, avgLoad, misfitTaskLoad;
        int maxCapacity;
        int sumNrRunning, sumHNrRunning, idleCpus, weight, capacity, cores, type;
        boolean overloaded, smtBuilt, asymPacking;

        /** Back to the state of a new one, for reuse. */
        GroupStats clear() {
            group = null;
            load = util = runnable = avgLoad = misfitTaskLoad = 0;
            maxCapacity = 0;
            sumNrRunning = sumHNrRunning = idleCpus = weight = capacity = cores = type = 0;
            overloaded = smtBuilt = asymPacking = false;
            return this;
        }
    }
}
