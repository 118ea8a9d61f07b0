package org.schedlab.kernel;

import static org.schedlab.policy.EnqueueFlags.ENQUEUE_INITIAL;
import static org.schedlab.policy.EnqueueFlags.ENQUEUE_WAKEUP;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.WakeFlags;

/**
 * The wakeup path (try_to_wake_up): select_task_rq through the policy, the remote wakeup list with its IPI
 * (ttwu_queue_wakelist), activation and the wakeup preemption check, ttwu_runnable for delayed sleepers,
 * wake_up_new_task for forks, and the cache-refill cost of a migration. A deferred task is held by the
 * policy until it dispatches it.
 */
final class Wakeup {
    private final Machine m;

    Wakeup(Machine m) {
        this.m = m;
    }

    /** Wakeup preemption check (check_preempt_wakeup_fair) after {@code p} was enqueued on {@code c}. */
    void checkPreempt(int c, Task p, int wakeFlags, int fromCpu) {
        Cpu cpu = m.cpus[c];
        Task curr = cpu.curr;
        if (curr == null) {
            if (cpu.newidle) cpu.needResched = true;
            else if (fromCpu >= 0 && fromCpu != c) m.ctx.reschedIdle(fromCpu, c);
            else m.tick.kickIdle(c);
            return;
        }
        // CFS (5.19) checks forks too and does nothing once a reschedule is pending; EEVDF never preempts for a fork
        if (!m.cfg.slice || (m.cfs != null ? cpu.needResched : (wakeFlags & WakeFlags.WF_FORK) != 0)) return;
        m.time.account(c);
        if (preempts(cpu, p)) reschedCpu(c, fromCpu);
    }

    /**
     * Whether {@code p}, just queued on the busy {@code cpu} (accounted up to now), preempts its running task:
     * check_preempt_wakeup under CFS, else p becoming the EEVDF pick.
     */
    boolean preempts(Cpu cpu, Task p) {
        if (m.cfs != null) return !cpu.needResched && m.cfs.wakeupPreempts(cpu, cpu.curr, p);
        return Eevdf.pickEevdf(cpu, true) == p;
    }

    /** resched_curr: a remote CPU learns of it by IPI. */
    void reschedCpu(int c, int fromCpu) {
        Cpu cpu = m.cpus[c];
        if (cpu.needResched) return;
        cpu.needResched = true;
        if (c != fromCpu) {
            if (fromCpu >= 0) m.time.chargeKernel(fromCpu, m.costs.ipiSendNs, CpuTime.KK_IPI);
            m.q.schedule(m.now + m.costs.ipiLatencyNs, Machine.EV_RESCHED, c, 0);
        }
    }

    /** try_to_wake_up from the context of {@code wakerCpu} (-1: an interrupt on the task's previous CPU). */
    void tryToWakeUp(Task p, int wakerCpu, boolean sync) { tryToWakeUp(p, wakerCpu, sync, false); }

    void tryToWakeUp(Task p, int wakerCpu, boolean sync, boolean currentCpu) {
        if (p.state != Task.State.BLOCKED) return;
        if (p.delayed) {
            requeueDelayed(p, wakerCpu, sync);
            return;
        }
        m.load.syncTaskPelt(p);
        p.state = Task.State.WAKING;
        p.wakingSince = m.now;
        p.genTimer++;
        p.timerExpiry = -1;
        m.rec.wakeups++;
        int from = wakerCpu >= 0 ? wakerCpu : p.cpu;
        Task waker = wakerCpu >= 0 ? m.cpus[wakerCpu].curr : null;
        if (waker != null) recordWakee(waker, p);
        boolean fromTask = waker != null;
        if (wakerCpu >= 0) m.time.chargeKernel(wakerCpu, m.costs.wakeupCallNs, CpuTime.KK_WAKEUP);
        int flags = WakeFlags.WF_TTWU | (sync ? WakeFlags.WF_SYNC : 0) | (currentCpu && wakerCpu >= 0 ? WakeFlags.WF_CURRENT_CPU : 0);
        int target = selectCpu(p, p.cpu, from, flags);
        if (target == SchedPolicy.DEFER) {
            p.state = Task.State.HELD;
            p.runnableSince = m.now;
            p.startCompeting(m.now);
            m.heldTasks++;
            return;
        }
        if (fromTask && m.measuring) {
            if (m.sds.cpusShareCache(from, target)) m.counters.wakeupsSameLlc++;
            else m.counters.wakeupsCrossLlc++;
        }
        wakeOnto(p, target, from, flags, "wakeup");
    }

    /** ttwu_runnable: a delayed task is still on its runqueue; it just becomes runnable there again. */
    void requeueDelayed(Task p, int wakerCpu, boolean sync) {
        int c = p.cpu;
        Cpu cpu = m.cpus[c];
        m.time.account(c);
        // requeue_delayed_entity: update_load_avg
        m.load.updateLoadAvg(cpu, p);
        p.delayed = false;
        cpu.nrDelayed--;
        m.totalQueued++;
        m.counters.queued(c, 1);
        p.startCompeting(m.now);
        p.state = Task.State.RUNNABLE;
        p.runnableSince = m.now;
        p.wakingSince = m.now;
        p.genTimer++;
        p.timerExpiry = -1;
        m.rec.wakeups++;
        if (wakerCpu >= 0) {
            Task waker = m.cpus[wakerCpu].curr;
            if (waker != null) recordWakee(waker, p);
            m.time.chargeKernel(wakerCpu, m.costs.wakeupCallNs + (wakerCpu != c ? m.costs.remoteLockNs(m.topo, wakerCpu, c) : 0), CpuTime.KK_WAKEUP);
        }
        m.rec.count("wakeups.delayed_requeue", 1);
        m.groups.refresh(cpu);
        int flags = WakeFlags.WF_TTWU | (sync ? WakeFlags.WF_SYNC : 0);
        m.policy.enqueue(c, p, ENQUEUE_WAKEUP);
        checkPreempt(c, p, flags, wakerCpu >= 0 ? wakerCpu : c);
    }

    /** select_task_rq through the policy; a CPU outside the task's affinity is a policy bug. */
    int selectCpu(Task p, int prev, int from, int flags) {
        m.ctx.inSelect = true;
        int target;
        try {
            target = m.policy.selectTaskRq(p, prev, from, flags);
        } finally {
            m.ctx.inSelect = false;
        }
        if (target == SchedPolicy.DEFER) return target;
        if (target < 0 || target >= m.nrCpus || !p.canRunOn(target))
            throw new IllegalStateException("policy " + m.policy.name() + " chose CPU " + target + " for " + p
                    + " allowed on " + (p.allowed == null ? "all" : p.allowed.toString()));
        return target;
    }

    /**
     * ttwu_queue: remote targets that do not share the cache (or sit idle) get the task through the wakelist and an
     * IPI (ttwu_queue_wakelist).
     */
    void wakeOnto(Task p, int target, int from, int flags, String kind) {
        noteMigration(p, target, kind);
        // set_task_cpu -> migrate_task_rq_fair
        m.load.migrateTaskRqFair(p, target);
        if (m.cfs != null && p.cpu >= 0 && p.cpu != target && !p.cfsRelative) {
            p.cfsRelVruntime = p.vruntime - m.cpus[p.cpu].minVruntime;
            p.cfsRelative = true;
        }
        Cpu tc = m.cpus[target];
        // wake_up_new_task enqueues on the chosen runqueue under its lock: no wakelist IPI for a fork
        boolean remote = (flags & WakeFlags.WF_FORK) == 0 && from != target
                && (!m.sds.cpusShareCache(from, target) || (tc.curr == null && tc.nrRunning == 0 && !tc.newidle));
        if (remote && m.costs.ipiLatencyNs > 0) {
            tc.ttwuPending++;
            m.idleChanged(tc);
            m.groups.refresh(tc);
            m.time.chargeKernel(from, m.costs.ipiSendNs, CpuTime.KK_IPI);
            m.q.schedule(m.now + m.costs.ipiLatencyNs, Machine.EV_WAKE_ARRIVE, target, ((long) flags << 32) | p.pid);
            return;
        }
        if (from != target) m.time.chargeKernel(from, m.costs.remoteLockNs(m.topo, from, target), CpuTime.KK_WAKEUP);
        activate(p, target, flags, from);
    }

    /** sched_ttwu_pending: the IPI for a queued wakeup arrives at the target. */
    void onWakeArrive(int c, long packed) {
        int pid = (int) (packed & 0xffffffffL);
        int flags = (int) (packed >>> 32);
        m.cpus[c].ttwuPending--;
        m.idleChanged(m.cpus[c]);
        m.groups.refresh(m.cpus[c]);
        Task p = m.tasks.get(pid - 1);
        if (p == null || p.state != Task.State.WAKING) return;
        activate(p, c, flags, c);
        if (m.cpus[c].needResched) m.core.schedule(c);
    }

    /**
     * ttwu_do_activate: enqueue, then wakeup_preempt; a wakeup (not a fork: wake_up_new_task) then samples
     * avg_idle from the runqueue's idle_stamp, capped at twice max_idle_balance_cost.
     */
    void activate(Task p, int c, int wakeFlags, int fromCpu) {
        boolean fork = (wakeFlags & WakeFlags.WF_FORK) != 0;
        m.core.enqueue(p, c, fork ? ENQUEUE_INITIAL : ENQUEUE_WAKEUP);
        Cpu cpu = m.cpus[c];
        if (!fork && cpu.idleStamp >= 0) {
            long avg = cpu.avgIdle + (m.now - cpu.idleStamp - cpu.avgIdle) / 8;
            cpu.avgIdle = Math.min(avg, 2 * cpu.maxIdleBalanceCost);
            cpu.idleStamp = -1;
        }
        checkPreempt(c, p, wakeFlags, fromCpu);
    }

    /** record_wakee: wakee_flips, halved every second. */
    void recordWakee(Task waker, Task wakee) {
        if (m.now - waker.wakeeFlipDecayTs > 1_000_000_000L) {
            waker.wakeeFlips >>= 1;
            waker.wakeeFlipDecayTs = m.now;
        }
        if (waker.lastWakee != wakee) {
            waker.lastWakee = wakee;
            waker.wakeeFlips++;
        }
    }

    /** A task lands on another CPU than it last ran on: it owes the cache refill of its working set. */
    void noteMigration(Task p, int target, String kind) {
        int from = p.lastRanCpu >= 0 ? p.lastRanCpu : -1;
        if (from < 0 || from == target) return;
        long refill = m.costs.refillNs(m.topo, from, target, p.workingSet);
        if (m.measuring) m.rec.migration(m.sds.migrationLevel(from, target), refill);
        if (refill > 0) {
            p.pendingRefillNs += refill;
        }
        p.lastRanCpu = target;
        if (m.sink != null) m.sink.migrate(m.now, p.pid, p.comm, from, target, kind);
    }

    /** wake_up_new_task: place with fork balancing and enqueue. */
    void wakeUpNew(Task t, int parentCpu) {
        t.state = Task.State.WAKING;
        t.wakingSince = m.now;
        int target = selectCpu(t, parentCpu, parentCpu, WakeFlags.WF_FORK);
        if (target == SchedPolicy.DEFER) {
            t.state = Task.State.HELD;
            t.runnableSince = m.now;
            t.startCompeting(m.now);
            m.heldTasks++;
            return;
        }
        t.lastRanCpu = target;
        t.cpu = target;
        if (m.sink != null) m.sink.wakeupNew(m.now, t.pid, t.comm, target);
        m.load.postInitEntityUtilAvg(t, m.cpus[target]);
        wakeOnto(t, target, parentCpu, WakeFlags.WF_FORK, "fork");
    }

    /** A sleep's hrtimer fires: the task wakes from interrupt context on its CPU. */
    /** A mutex's unlock wakes its sleeping waiter from the unlocker's CPU: {@code b} is the waiter's sleep, then the CPU. */
    void onMutexWake(int pid, long b) {
        Task t = pid - 1 < m.tasks.size() ? m.tasks.get(pid - 1) : null;
        if (t == null || t.genTimer != (b >>> 16) || t.state != Task.State.BLOCKED) return;
        tryToWakeUp(t, (int) (b & 0xFFFF), false);
    }

    void onTimer(int pid, long gen) {
        Task t = pid - 1 < m.tasks.size() ? m.tasks.get(pid - 1) : null;
        if (t == null || t.genTimer != gen || t.state != Task.State.BLOCKED) return;
        t.timerExpiry = -1;
        tryToWakeUp(t, -1, false);
    }
}
