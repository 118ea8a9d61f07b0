package org.schedlab.kernel;

import static org.schedlab.policy.DequeueFlags.DEQUEUE_MIGRATE;
import static org.schedlab.policy.DequeueFlags.DEQUEUE_SLEEP;
import static org.schedlab.policy.EnqueueFlags.ENQUEUE_INITIAL;
import static org.schedlab.policy.EnqueueFlags.ENQUEUE_MIGRATED;
import static org.schedlab.policy.EnqueueFlags.ENQUEUE_WAKEUP;
import org.schedlab.metrics.Recorder;

/**
 * The core of the fair class on each CPU (kernel/sched/core.c and fair.c): enqueue and dequeue with the
 * policy's hooks, __schedule with newidle balance, the context switch, blocking, and moving a running task
 * through the stopper. Keeps nr_running, the machine-wide queued and busy counts and the EEVDF sums in step.
 */
final class Core {
    private final Machine m;

    Core(Machine m) {
        this.m = m;
    }

    /** enqueue_task_fair + activate: places the entity and adds it to the runqueue. */
    void enqueue(Task t, int c, int flags) {
        Cpu cpu = m.cpus[c];
        m.rqLines.changed(c);
        m.load.enqueueLoadAvg(t, cpu);
        if (m.cfs != null) placeCfs(t, c, flags);
        else Eevdf.placeEntity(cpu, t, (flags & ENQUEUE_INITIAL) != 0, m.sliceNs);
        Eevdf.addEntity(cpu, t);
        m.load.utilEstEnqueue(t, cpu);
        t.onRq = true;
        cpu.tasks.add(t);
        cpu.timeline.insert(t);
        cpu.nrRunning++;
        m.idleChanged(cpu);
        m.totalQueued++;
        m.counters.queued(c, 1);
        t.cpu = c;
        t.state = Task.State.RUNNABLE;
        if (t.runnableSince < 0) t.runnableSince = m.now;
        t.startCompeting(m.now);
        if (m.sink != null) m.sink.nrRunning(m.now, c, cpu.nrRunning);
        m.groups.refresh(cpu);
        if (m.tg != null) m.tg.updateCfsGroup(cpu);
        m.policy.enqueue(c, t, flags);
    }

    /** enqueue_entity's update_curr, renormalisation and place_entity under CFS. */
    private void placeCfs(Task t, int c, int flags) {
        Cpu cpu = m.cpus[c];
        m.time.account(c);
        Cfs.updateMinVruntime(cpu);
        boolean initial = (flags & ENQUEUE_INITIAL) != 0;
        Cpu from = !initial && t.cpu >= 0 ? m.cpus[t.cpu] : null;
        if (t.cfsRelative) {
            t.vruntime = t.cfsRelVruntime + cpu.minVruntime;
            t.cfsRelative = false;
            from = null;
        }
        Task parent = initial ? t.parent : null;
        Cpu parentRq = parent != null && parent.state == Task.State.RUNNING && parent.cpu >= 0 ? m.cpus[parent.cpu] : null;
        m.cfs.place(cpu, from, t, initial, (flags & ENQUEUE_WAKEUP) != 0, parentRq, parent);
    }

    /** dequeue_task_fair: removes the entity, saving its lag (sleep) or relative deadline (migration). */
    void dequeue(Task t, int flags) {
        Cpu cpu = m.cpus[t.cpu];
        m.rqLines.changed(t.cpu);
        m.time.account(t.cpu);
        m.load.dequeueLoadAvg(t, cpu, (flags & DEQUEUE_MIGRATE) != 0);
        if (m.cfs != null) {
            // dequeue_entity: a task leaving for another runqueue keeps its vruntime relative to this min_vruntime
            Cfs.clearBuddies(cpu, t);
            if ((flags & DEQUEUE_MIGRATE) != 0) {
                t.cfsRelVruntime = t.vruntime - cpu.minVruntime;
                t.cfsRelative = true;
            }
        } else {
            Eevdf.updateEntityLag(cpu, t, m.sliceNs, m.tickNs);
            if ((flags & DEQUEUE_MIGRATE) != 0) t.relDeadline = t.deadline - t.vruntime;
        }
        Eevdf.removeEntity(cpu, t);
        m.load.utilEstDequeue(t, cpu, (flags & DEQUEUE_SLEEP) != 0);
        t.onRq = false;
        cpu.timeline.remove(t);
        cpu.tasks.remove(t);
        cpu.nrRunning--;
        m.idleChanged(cpu);
        if (m.cfs != null) Cfs.updateMinVruntime(cpu);
        m.totalQueued--;
        m.counters.queued(t.cpu, -1);
        if ((flags & DEQUEUE_MIGRATE) == 0) t.stopCompeting(m.now);
        if (m.sink != null) m.sink.nrRunning(m.now, t.cpu, cpu.nrRunning);
        m.groups.refresh(cpu);
        if (m.tg != null) m.tg.updateCfsGroup(cpu);
        m.policy.dequeue(t.cpu, t, flags);
    }


    /** __schedule on CPU c: picks the next task (running newidle balance first if the runqueue is empty),
     *  puts back a preempted one and switches. */
    void schedule(int c) {
        Cpu cpu = m.cpus[c];
        // an idle CPU on its way out picks at the end of do_idle (TickIdle.onIdleExit)
        if (cpu.idleExiting) return;
        m.time.account(c);
        Task prev = cpu.curr;
        if (cpu.needResched && prev != null && prev.spinBuffer >= 0 && cpu.nrRunning > 1 && m.interp.sleepOnMutex(prev, c))
            return;
        cpu.needResched = false;
        Task next = pickNext(cpu);
        if (next != null && next == prev) {
            // no set_next_task: nothing queues a balance callback when prev stays
            switchTo(c, prev, prev, false);
            return;
        }
        if (prev != null && prev.state == Task.State.RUNNING) {
            m.load.syncTaskPelt(prev);
            prev.state = Task.State.RUNNABLE;
            prev.runnableSince = m.now;
            m.policy.stopping(c, prev, true);
        }
        if (next == null) {
            cpu.newidle = true;
            if (prev != null) switchTo(c, prev, null, true);
            m.load.updateMisfitStatus(null, cpu);
            // sched_balance_newidle: idle_stamp before balancing, so its time counts as idle; none with a wakeup pending
            if (cpu.ttwuPending == 0) cpu.idleStamp = m.now;
            m.policy.newidle(c);
            cpu.newidle = false;
            cpu.needResched = false;
            if (cpu.nrRunning > 0) {
                // a pulled task, or one enqueued meanwhile: "pretend we pulled a task"
                cpu.idleStamp = -1;
                switchTo(c, null, pickNext(cpu), false);
            } else {
                if (cpu.idleSince < 0) cpu.idleSince = m.now;
                m.tick.enterIdle(c);
            }
        } else {
            switchTo(c, prev, next, false);
        }
        // set_next_task_fair queues the balance callback: only a switch to another task runs it
        if (cpu.curr != null && cpu.curr != prev) m.policy.balanceCallback(c);
    }

    /** pick_next_entity: a delayed sleeper that comes up is dequeued for good (its positive lag dropped). */
    Task pickNext(Cpu cpu) {
        if (m.cfs != null) return m.cfs.pick(cpu);
        while (cpu.nrRunning > 0) {
            Task next = Eevdf.pickEevdf(cpu, true);
            if (next == null || !next.delayed) return next;
            finishDelayedDequeue(next);
        }
        return null;
    }

    /** A delayed sleeper leaves the runqueue for good (finish_delayed_dequeue_entity). */
    void finishDelayedDequeue(Task t) {
        Cpu cpu = m.cpus[t.cpu];
        m.load.syncRqPelt(cpu);
        t.delayed = false;
        cpu.nrDelayed--;
        m.totalQueued++;   // dequeue() takes it off the count again
        m.counters.queued(t.cpu, 1);
        dequeue(t, DEQUEUE_SLEEP);
        if (t.vlag > 0) t.vlag = 0;
    }

    /**
     * context_switch: idle accounting (avg_idle from idle_stamp, as in ttwu_do_activate), switch cost, PELT
     * and SMT/memory re-rating, protection of the new slice (set_protect_slice).
     */
    void switchTo(int c, Task prev, Task next, boolean transientIdle) {
        Cpu cpu = m.cpus[c];
        if (prev != next) m.rqLines.changed(c);
        // put_prev_entity of a prev still queued, set_next_entity of next: update_load_avg
        if (prev != next && (next != null || prev != null && prev.onRq)) m.load.updateCfsRqLoadAvg(cpu);
        else m.load.syncRqPelt(cpu);
        cpu.genStep++;
        cpu.genRun++;
        cpu.runArmed = false;
        m.q.cancel(cpu.runSlot);
        if (prev == next) {
            if (next != null) {
                next.state = Task.State.RUNNING;
                m.interp.step(c);
            }
            return;
        }
        if (prev != null) {
            prev.lastRanCpu = c;
            prev.lastStopped = m.now;
            if (prev.spinBuffer >= 0) m.interp.abandonSpin(prev);
        }
        // set_next_entity takes next out of the tree
        if (next != null) cpu.timeline.remove(next);
        boolean wasIdle = cpu.curr == null;
        if (next == null) {
            if (cpu.curr != null) {
                m.nrBusyCpus--;
                m.counters.busy(c, -1);
            }
            m.time.memoryChanged(c, cpu.curr, null);
            cpu.curr = null;
            m.idleChanged(cpu);
            putPrev(cpu, prev);
            m.groups.refresh(cpu);
            if (cpu.idleSince < 0) cpu.idleSince = m.now;
            if (m.sink != null) m.sink.switchTo(m.now, c, 0, "swapper");
            m.time.siblingsChanged(c);
            if (!transientIdle) m.tick.enterIdle(c);
            return;
        }
        if (cpu.curr == null) {
            m.nrBusyCpus++;
            m.counters.busy(c, 1);
        }
        if (wasIdle && cpu.idleSince >= 0) {
            if (cpu.inIdleTask) m.tick.recordIdleInterval(cpu, (cpu.idleExitFrom >= 0 ? cpu.idleExitFrom : m.now) - cpu.idleSince);
            cpu.idleSince = -1;
        }
        // leaving the idle task costs less than a switch between two tasks (no prev to put back)
        // (an idle exit charged its idle switch when it began: TickIdle.kickIdle)
        if (cpu.idleExitFrom < 0)
            m.time.chargeKernel(c, cpu.inIdleTask ? m.costs.idleSwitchNs : m.costs.contextSwitchNs, CpuTime.KK_CONTEXT_SWITCH);
        // context_switch() -> switch_mm_irqs_off(): only when the loaded address space is not next's
        if (next.mm >= 0 && next.mm != cpu.loadedMm) m.time.chargeKernel(c, m.costs.mmSwitchNs, CpuTime.KK_CONTEXT_SWITCH);
        cpu.loadedMm = next.mm;
        cpu.inIdleTask = false;
        m.load.syncTaskPelt(next);
        m.time.memoryChanged(c, cpu.curr, next);
        cpu.curr = next;
        m.idleChanged(cpu);
        putPrev(cpu, prev);
        next.state = Task.State.RUNNING;
        next.execStart = m.now;
        // the task starts once the CPU is through idle exit and the switch itself
        long start = m.time.busyUntil(c);
        if (next.runnableSince >= 0 && m.measuring) Recorder.record(m.rec.runqueueWait, start - next.runnableSince);
        next.runnableSince = -1;
        if (next.wakingSince >= 0) {
            if (m.measuring) Recorder.record(m.rec.wakeupLatency, start - next.wakingSince);
            next.wakingSince = -1;
        }
        Eevdf.setProtectSlice(next, m.sliceNs);
        next.prevSumExecRuntime = next.sumExecRuntime;
        cpu.tasks.moveToHead(next);
        m.rec.contextSwitches++;
        if (m.sink != null) m.sink.switchTo(m.now, c, next.pid, next.comm);
        if (cpu.tickStopped) m.tick.restartTick(c);
        else if (!cpu.tickArmed) m.tick.armTick(c);
        m.time.siblingsChanged(c);
        m.load.updateMisfitStatus(next, cpu);
        m.groups.refresh(cpu);
        m.policy.running(c, next);
        m.interp.step(c);
    }

    /** put_prev_entity: a prev still queued here goes back into the tree. */
    static void putPrev(Cpu cpu, Task prev) {
        if (prev != null && prev.onRq && cpu.tasks.contains(prev)) cpu.timeline.insert(prev);
    }

    static final int BLOCK_SLEEP = 1, BLOCK_CHANNEL = 2, BLOCK_MUTEX = 3, BLOCK_COND = 4, BLOCK_SUSPEND = 5,
            BLOCK_BARRIER = 6, BLOCK_CHILDREN = 7;

    /** The running task blocks: it leaves the runqueue and the CPU reschedules. */
    void block(Task t, int c, int reason) {
        Cpu cpu = m.cpus[c];
        m.time.account(c);
        if (m.cfg.delayDequeue && cpu.nrRunning > 1 && !Eevdf.eligible(cpu, t)) {
            // DELAY_DEQUEUE: an ineligible sleeper stays queued, competing, until it is picked or woken
            m.load.updateLoadAvg(cpu, t);
            t.delayed = true;
            cpu.nrDelayed++;
            m.totalQueued--;
            m.counters.queued(c, -1);
            t.stopCompeting(m.now);
            m.groups.refresh(cpu);
        } else {
            dequeue(t, DEQUEUE_SLEEP);
        }
        t.state = Task.State.BLOCKED;
        t.blockedOn = reason;
        t.cpu = c;
        m.policy.stopping(c, t, false);
        schedule(c);
    }

    /** Moves the running task to another CPU through the stopper (sched_exec, affinity change). */
    void moveRunning(Task t, int c, int target, String kind) {
        m.time.chargeKernel(c, m.costs.contextSwitchNs, CpuTime.KK_MIGRATE_RUNNING);
        m.time.account(c);
        m.load.syncTaskPelt(t);
        t.state = Task.State.RUNNABLE;
        m.policy.stopping(c, t, true);
        dequeue(t, DEQUEUE_MIGRATE);
        m.wakeup.noteMigration(t, target, kind);
        enqueue(t, target, ENQUEUE_MIGRATED);
        schedule(c);
        m.wakeup.checkPreempt(target, t, 0, c);
    }
}
