package org.schedlab.kernel;

import org.schedlab.metrics.Recorder;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.WakeFlags;
import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadException;

import java.util.Arrays;

/**
 * Runs task programs: from the task's pc until it starts a Run, blocks or exits. A Run is consumed at the
 * CPU's current rate and completes by an event armed for its end; other ops take no simulated time. The
 * synchronisation ops are carried out by {@link SyncObjects}. A program that loops without consuming time
 * is reported as a workload error.
 */
final class Interpreter {
    private static final int MAX_ZERO_TIME_OPS = 100_000;

    private final Machine m;
    /** Shared timers: one per id for the whole workload (per-task timers live in the task). */
    private final long[] sharedTimerNext;

    Interpreter(Machine m) {
        this.m = m;
        sharedTimerNext = new long[m.wl.timers];
        Arrays.fill(sharedTimerNext, Long.MIN_VALUE);
    }

    /** Continues the current task once the CPU's kernel work is done. */
    void step(int c) {
        Cpu cpu = m.cpus[c];
        Task t = cpu.curr;
        // a task in (or about to start) a Run needs no step event: its completion can be armed now
        if (t != null && !cpu.needResched) {
            if (t.inRun) {
                armCompletion(c);
                return;
            }
            if (t.pc < t.program.length && t.program[t.pc] instanceof Op.Run && startRun(t, c)) return;
        }
        m.q.schedule(m.time.busyUntil(c), Machine.EV_STEP, c, cpu.genStep);
    }

    /** Starts the Run op at the task's pc; false if it asks for no work (the op is then skipped). */
    boolean startRun(Task t, int c) {
        double w;
        if (t.sectionDrawn) {
            w = t.sectionWork;
            t.sectionDrawn = false;
        } else {
            w = ((Op.Run) t.program[t.pc]).work.sample(t.rng, m.costs);
            if (m.costs.workJitter > 0 && w > 0) w = Math.max(0, w * (1 + m.costs.workJitter * m.jitterRng.nextGaussian()));
            m.workDemanded += w;
            if (t.pendingRefillNs > 0) {
                w += t.pendingRefillNs;
                m.refillDemanded += t.pendingRefillNs;
                t.pendingRefillNs = 0;
            }
        }
        if (t.lockedBuffer >= 0) {
            int b = t.lockedBuffer;
            t.lockedBuffer = -1;
            if (w > 0 && spinsFor(t, c, b, w)) return true;
        }
        if (w <= 0) {
            t.pc++;
            return false;
        }
        t.remainingWork = w;
        t.inRun = true;
        armCompletion(c);
        return true;
    }

    /**
     * Takes locked buffer {@code b}'s mutex for an operation of {@code w}: at once if it is free (the buffer's lines
     * then come over), else the task spins on its CPU until its turn (a Run on the clock; true).
     */
    private boolean spinsFor(Task t, int c, int b, double w) {
        long arrive = m.time.busyUntil(c);
        long start = m.sync.reserveMutex(t, c, b, arrive, Math.max(1, (long) Math.ceil(w / m.cpus[c].rate)));
        if (start <= arrive) {
            m.time.chargeKernel(c, t.sectionLinesNs, CpuTime.KK_IPC_REMOTE);
            return false;
        }
        t.spinBuffer = b;
        t.spinStart = start;
        t.spinSince = arrive;
        t.sectionWork = w;
        t.runWallEnd = start;
        t.remainingWork = 0;
        t.inRun = true;
        armCompletion(c);
        return true;
    }

    /**
     * The spinner's turn has come (its armed end already dropped): it takes the mutex, the buffer's lines come over
     * and its operation runs.
     */
    private void endSpin(Task t, int c) {
        if (m.cpus[c].needResched) {
            // it would have stopped spinning to reschedule (sleepOnMutex, or abandonSpin when switched out)
            m.core.schedule(c);
            return;
        }
        m.time.countKernel(m.now - t.spinSince, CpuTime.KK_IPC_LOCK_SPIN);
        t.spinBuffer = -1;
        t.runWallEnd = -1;
        m.time.chargeKernel(c, t.sectionLinesNs, CpuTime.KK_IPC_REMOTE);
        t.remainingWork = t.sectionWork;
        armCompletion(c);
    }

    /**
     * A spinner whose CPU must reschedule for another task stops spinning and sleeps on the mutex until its holder's
     * unlock wakes it (__mutex_lock_common()'s slow path after mutex_optimistic_spin() fails; __mutex_unlock_slowpath()
     * wakes the first waiter), then queues for the mutex anew. True if it went to sleep; false if nothing holds the
     * mutex beyond now. Deviation: no hand-off to a starving waiter.
     */
    boolean sleepOnMutex(Task t, int c) {
        int b = t.spinBuffer;
        abandonSpin(t);
        int unlock = m.sync.nextUnlock(b);
        if (unlock < 0) return false;
        t.genTimer++;
        m.q.schedule(m.sync.unlockTime(b, unlock), Machine.EV_MUTEX_WAKE, t.pid,
                (t.genTimer << 16) | m.sync.unlockCpu(b, unlock));
        m.core.block(t, c, Core.BLOCK_MUTEX);
        return true;
    }

    /**
     * A spinner switched out gives up its turn (mutex_optimistic_spin() stops when the CPU must reschedule); when it
     * runs again it queues anew for the mutex, with the work it had drawn. Deviation: it waits in a runqueue, not on
     * the mutex's wait list to be woken by the unlock.
     */
    void abandonSpin(Task t) {
        m.sync.cancelMutex(t.spinBuffer, t.spinStart);
        m.time.countKernel(m.now - t.spinSince, CpuTime.KK_IPC_LOCK_SPIN);
        t.lockedBuffer = t.spinBuffer;
        t.spinBuffer = -1;
        t.sectionDrawn = true;
        t.inRun = false;
        t.runWallEnd = -1;
        t.remainingWork = 0;
    }

    /** The CPU's kernel work is done (or a resched is due): the running task continues. */
    void onStep(int c, long gen) {
        Cpu cpu = m.cpus[c];
        if (gen != cpu.genStep || cpu.curr == null) return;
        if (cpu.kernelUntil > m.now) {
            step(c);
            return;
        }
        if (cpu.needResched) {
            m.core.schedule(c);
            return;
        }
        Task t = cpu.curr;
        if (t.inRun) {
            m.time.account(c);
            if (t.runWallEnd >= 0 ? m.now < t.runWallEnd : t.remainingWork > 1e-6) armCompletion(c);
            else completeRun(t, c);
        } else {
            advance(t, c);
        }
    }

    /** Arms the end of the current Run at the CPU's current rate, after its kernel work. */
    void armCompletion(int c) {
        Cpu cpu = m.cpus[c];
        Task t = cpu.curr;
        cpu.genRun++;
        cpu.runArmed = true;
        long start = m.time.busyUntil(c);
        long at;
        if (t.runWallEnd >= 0) at = Math.max(start, t.runWallEnd);
        else at = start + Math.max(1, (long) Math.ceil(t.remainingWork / cpu.rate));
        m.q.schedule(cpu.runSlot, at, Machine.EV_RUN_DONE, c, cpu.genRun);
    }

    /**
     * A Run's armed end: re-armed if work remains (the rate fell or kernel work intervened). Ignored when the task
     * is no longer in a Run: an armed end must never complete the task's next op (a Run that {@link #onStep}
     * completed cancels its armed end in {@link #completeRun}).
     */
    void onRunDone(int c, long gen) {
        Cpu cpu = m.cpus[c];
        if (gen != cpu.genRun || cpu.curr == null || !cpu.curr.inRun) return;
        m.time.account(c);
        Task t = cpu.curr;
        boolean more = cpu.kernelUntil > m.now
                || (t.runWallEnd >= 0 ? m.now < t.runWallEnd : t.remainingWork > 1e-6);
        if (more) {
            armCompletion(c);
            return;
        }
        completeRun(t, c);
    }

    /** The current Run or RunWall op is done: its armed end is dropped and the task moves on to its next op. */
    void completeRun(Task t, int c) {
        m.cpus[c].runArmed = false;
        m.q.cancel(m.cpus[c].runSlot);
        if (t.spinBuffer >= 0) {
            endSpin(t, c);
            return;
        }
        if (t.runWallEnd < 0 && t.remainingWork > 0) {
            m.workExecuted += t.remainingWork;   // rounding residue below a nanosecond
        }
        t.remainingWork = 0;
        t.runWallEnd = -1;
        t.inRun = false;
        t.pc++;
        if (m.cpus[c].needResched) m.core.schedule(c);
        else advance(t, c);
    }

    /** Executes the running task's program from its pc until it starts a run, blocks or exits. */
    void advance(Task t, int c) {
        Cpu cpu = m.cpus[c];
        int guard = 0;
        while (true) {
            if (cpu.curr != t || t.state != Task.State.RUNNING) return;
            if (cpu.needResched) {
                m.core.schedule(c);
                return;
            }
            if (++guard > MAX_ZERO_TIME_OPS)
                throw new WorkloadException(m.wl.name + ": task " + t.comm + " loops without consuming time (at op "
                        + t.pc + ": " + t.program[t.pc] + ")");
            if (t.pc >= t.program.length) {
                exit(t, c);
                return;
            }
            Op op = t.program[t.pc];
            if (op instanceof Op.Run) {
                if (startRun(t, c)) return;
                continue;
            } else if (op instanceof Op.RunWall) {
                long d = ((Op.RunWall) op).duration.sample(t.rng);
                if (d <= 0) {
                    t.pc++;
                    continue;
                }
                t.runWallEnd = m.now + d;
                t.remainingWork = Double.POSITIVE_INFINITY;
                t.inRun = true;
                armCompletion(c);
                return;
            } else if (op instanceof Op.Sleep) {
                long d = ((Op.Sleep) op).duration.sample(t.rng);
                t.pc++;
                if (d <= 0) continue;
                sleepFor(t, c, d);
                return;
            } else if (op instanceof Op.Timer) {
                Op.Timer tm = (Op.Timer) op;
                t.pc++;
                // rt-app's rtapp_timer: t_next starts at the thread's t_first (use-case start + delay), forked or not
                long[] store = tm.shared ? sharedTimerNext : t.timerNext;
                if (store[tm.timer] == Long.MIN_VALUE) store[tm.timer] = m.wl.templates.get(t.templateIndex).startDelayNs;
                store[tm.timer] += tm.periodNs;
                if (m.now < store[tm.timer]) {
                    sleepFor(t, c, store[tm.timer] - m.now);
                    return;
                }
                if (!tm.absolute) store[tm.timer] = m.now;
            } else if (op instanceof Op.Wait) {
                Op.Wait w = (Op.Wait) op;
                t.pc++;
                if (w.sleeps && m.sync.take(w.channel)) {
                    // the unit that is already there ends the sleep as soon as it begins
                    sleepFor(t, c, 0);
                    return;
                }
                if (m.sync.down(t, c, w.channel)) return;
            } else if (op instanceof Op.Signal) {
                t.pc++;
                m.sync.up((Op.Signal) op, c);
            } else if (op instanceof Op.BufferReserve) {
                if (m.sync.reserve(t, c, ((Op.BufferReserve) op).buffer)) return;
                t.pc++;
            } else if (op instanceof Op.BufferRelease) {
                t.pc++;
                m.sync.release(c, ((Op.BufferRelease) op).buffer);
            } else if (op instanceof Op.BufferLock) {
                t.pc++;
                t.lockedBuffer = ((Op.BufferLock) op).buffer;
            } else if (op instanceof Op.Lock) {
                t.pc++;
                if (m.sync.lock(t, c, ((Op.Lock) op).mutex)) return;
            } else if (op instanceof Op.Unlock) {
                t.pc++;
                m.sync.unlock(((Op.Unlock) op).mutex, t, c);
            } else if (op instanceof Op.CondWait) {
                t.pc++;
                m.sync.condWait(t, c, (Op.CondWait) op);
                return;
            } else if (op instanceof Op.CondSignal) {
                t.pc++;
                m.sync.condSignal((Op.CondSignal) op, c);
            } else if (op instanceof Op.Suspend) {
                t.pc++;
                if (t.resumeLatch) {
                    t.resumeLatch = false;
                    continue;
                }
                m.core.block(t, c, Core.BLOCK_SUSPEND);
                return;
            } else if (op instanceof Op.Resume) {
                int target = ((Op.Resume) op).target;
                t.pc++;
                TemplateTasks live = m.liveByTemplate.get(target);
                if (live.isEmpty()) m.templateResumeLatch[target] = true;
                for (Task x = live.first(); x != null; x = x.liveNext) {
                    if (x.state == Task.State.BLOCKED && x.blockedOn == Core.BLOCK_SUSPEND) m.wakeup.tryToWakeUp(x, c, false);
                    else x.resumeLatch = true;
                }
            } else if (op instanceof Op.Barrier) {
                t.pc++;
                if (m.sync.barrier(t, c, ((Op.Barrier) op).barrier)) return;
            } else if (op instanceof Op.Fork) {
                // copy_process: one child at a time; the parent goes on once the fork's kernel work is done
                Op.Fork f = (Op.Fork) op;
                if (f.count <= 0) {
                    t.pc++;
                    continue;
                }
                m.time.chargeKernel(c, m.costs.forkNs, CpuTime.KK_FORK);
                Task child = m.forkExit.createTask(f.template, t);
                m.wakeup.wakeUpNew(child, c);
                if (++t.forked >= f.count) {
                    t.forked = 0;
                    t.pc++;
                }
                if (m.costs.forkNs > 0) {
                    step(c);
                    return;
                }
            } else if (op instanceof Op.WaitChildren) {
                int k = ((Op.WaitChildren) op).count;
                t.pc++;
                if (t.childrenExited >= k) {
                    t.childrenExited -= k;
                    continue;
                }
                t.childrenAwaited = k;
                m.core.block(t, c, Core.BLOCK_CHILDREN);
                return;
            } else if (op instanceof Op.Exec) {
                t.pc++;
                m.time.chargeKernel(c, m.costs.execNs, CpuTime.KK_EXEC);
                int target = m.wakeup.selectCpu(t, c, c, WakeFlags.WF_EXEC);
                if (target != SchedPolicy.DEFER && target != c) {
                    m.core.moveRunning(t, c, target, "exec");
                    return;
                }
            } else if (op instanceof Op.Yield) {
                t.pc++;
                if (cpu.nrRunning > 1) {
                    m.time.account(c);
                    if (m.cfs != null) {
                        // yield_task_fair: clear_buddies, set_skip_buddy
                        Cfs.clearBuddies(cpu, t);
                        cpu.skip = t;
                    } else Eevdf.yieldTask(t);
                    cpu.needResched = true;
                }
            } else if (op instanceof Op.Exit) {
                exit(t, c);
                return;
            } else if (op instanceof Op.LoopBegin) {
                int count = ((Op.LoopBegin) op).count;
                if (count == 0) {
                    t.pc = m.loopEnd[t.templateIndex][t.pc] + 1;
                    continue;
                }
                t.loopLeft[t.pc] = count < 0 ? -1 : count;
                t.pc++;
            } else if (op instanceof Op.LoopEnd) {
                int begin = ((Op.LoopEnd) op).begin;
                int left = t.loopLeft[begin];
                if (left < 0) {
                    t.pc = begin + 1;
                } else if (left > 1) {
                    t.loopLeft[begin] = left - 1;
                    t.pc = begin + 1;
                } else {
                    t.loopLeft[begin] = 0;
                    t.pc++;
                }
            } else if (op instanceof Op.SetAffinity) {
                t.pc++;
                CpuSet s = ((Op.SetAffinity) op).cpus;
                CpuSet fit = new CpuSet(m.nrCpus);
                for (int i = s.first(); i >= 0 && i < m.nrCpus; i = s.nextSetBit(i + 1)) fit.set(i);
                if (fit.isEmpty()) throw new WorkloadException(m.wl.name + ": task " + t.comm + " affinity " + s
                        + " has no CPU of this " + m.nrCpus + "-CPU machine");
                t.allowed = fit.cardinality() == m.nrCpus ? null : fit;
                t.nrCpusAllowed = fit.cardinality();
                t.maxAllowedCapacity = -1;
                if (!t.canRunOn(c)) {
                    int target = m.wakeup.selectCpu(t, c, c, WakeFlags.WF_EXEC);
                    if (target == SchedPolicy.DEFER) target = fit.first();
                    m.core.moveRunning(t, c, target, "affinity");
                    return;
                }
            } else if (op instanceof Op.SetNice) {
                t.pc++;
                m.time.account(c);
                // reweight_entity changes what the signals integrate, not what was last read
                m.load.syncRqPelt(cpu);
                m.load.syncTaskPelt(t);
                Eevdf.removeEntity(cpu, t);
                t.setNice(((Op.SetNice) op).nice);
                Eevdf.addEntity(cpu, t);
            } else if (op instanceof Op.Mark) {
                Op.Mark mk = (Op.Mark) op;
                t.pc++;
                switch (mk.kind) {
                    case STAMP -> m.sync.stamp(mk.channel, m.now);
                    case BEGIN -> t.markStart[mk.metric] = m.now;
                    case BEGIN_AT_STAMP -> t.markStart[mk.metric] = m.sync.stampOf(mk.channel);
                    case END -> {
                        long start = t.markStart[mk.metric];
                        if (m.measuring) {
                            m.rec.markCount[mk.metric]++;
                            if (start >= 0) {
                                long d = m.now - start;
                                if (mk.lessNs > 0) d = d > mk.lessNs ? d - mk.lessNs : 1_000;
                                Recorder.record(m.rec.markLatency.get(mk.metric), d);
                                m.rec.markSumNs[mk.metric] += d;
                                m.rec.markIntervals[mk.metric]++;
                            }
                        }
                        t.markStart[mk.metric] = -1;
                    }
                }
            } else {
                throw new IllegalStateException("unknown op " + op);
            }
        }
    }

    /**
     * do_exit runs in the exiting task's context: its CPU stays busy with the task through the exit work, and the
     * task leaves its runqueue only when that work is done (do_task_dead's final __schedule). A CPU is never idle
     * while it still pays for an exit.
     */
    private void exit(Task t, int c) {
        if (!t.exiting && m.costs.exitNs > 0) {
            t.exiting = true;
            m.time.chargeKernel(c, m.costs.exitNs, CpuTime.KK_EXIT);
            step(c);
            return;
        }
        m.forkExit.exitTask(t, c);
    }

    /** Blocks for {@code d} ns on a per-task timer. */
    void sleepFor(Task t, int c, long d) {
        t.genTimer++;
        t.timerExpiry = m.now + d;
        t.timerCpu = c;
        TimerQueue tq = m.cpus[c].timers;
        while (!tq.isEmpty() && tq.headExpiry() <= m.now) tq.pop();   // fired already
        tq.add(t.timerExpiry, t.pid);
        m.q.schedule(m.now + d, Machine.EV_TIMER, t.pid, t.genTimer);
        m.core.block(t, c, Core.BLOCK_SLEEP);
    }
}
