package org.schedlab.kernel;


/**
 * The periodic tick (sched_tick), its stop on entering idle (tick_nohz_idle_stop_tick, when no timer of the CPU
 * is due within a tick, as the idle governors decide) and restart, and the exit from idle. The tick is aligned to
 * jiffies.
 */
final class TickIdle {
    private final Machine m;

    TickIdle(Machine m) {
        this.m = m;
    }

    /** Arms the next tick at the next jiffy boundary. */
    void armTick(int c) {
        Cpu cpu = m.cpus[c];
        cpu.tickArmed = true;
        cpu.genTick++;
        long next = (m.now / m.tickNs + 1) * m.tickNs;
        m.q.schedule(cpu.tickSlot, next, Machine.EV_TICK, c, cpu.genTick);
    }

    /** tick_nohz_restart_sched_tick: the CPU leaves nohz idle. */
    void restartTick(int c) {
        Cpu cpu = m.cpus[c];
        cpu.tickStopped = false;
        armTick(c);
        m.policy.tickRestarted(c);
    }

    /**
     * do_idle → menu_select: the tick stops unless the expected idle time is shorter than a tick. The expectation
     * is the menu governor's: the typical interval of the last 8 idle periods when they form a pattern
     * (get_typical_interval), and, when that is above 15 µs, at most the time to this CPU's next timer.
     * Deviation: the per-bucket correction factor of the timer prediction is taken as 1.
     */
    void enterIdle(int c) {
        Cpu cpu = m.cpus[c];
        cpu.inIdleTask = true;
        if (cpu.tickStopped) return;
        long predicted = typicalIntervalUs(cpu);
        predicted = predicted == Long.MAX_VALUE ? Long.MAX_VALUE : predicted * 1000;
        if (predicted > RESIDENCY_THRESHOLD_NS) predicted = Math.min(predicted, nextTimer(cpu) - m.now);
        if (predicted >= m.tickNs) stopTick(c);
    }

    private static final long RESIDENCY_THRESHOLD_NS = 15_000;

    /** menu_update_intervals: one idle period ended. */
    void recordIdleInterval(Cpu cpu, long ns) {
        cpu.idleIntervalsUs[cpu.idleIntervalPtr] = Math.min(ns / 1000, 0xffffffffL - 1);
        cpu.idleIntervalPtr = (cpu.idleIntervalPtr + 1) & 7;
    }

    /**
     * get_typical_interval: the average of the last 8 idle periods if their spread is small (stddev ≤ 20 µs or
     * below a sixth of the average, with at least 6 samples), discarding the farthest outlier at a time;
     * Long.MAX_VALUE when there is no pattern.
     */
    static long typicalIntervalUs(Cpu cpu) {
        long[] iv = cpu.idleIntervalsUs;
        long minThresh = -1, maxThresh = 0xffffffffL;
        while (true) {
            long max = 0, min = 0xffffffffL, avg = 0, variance = 0;
            int divisor = 0;
            for (long v : iv) {
                if (v <= minThresh || v >= maxThresh) continue;
                divisor++;
                avg += v;
                variance += v * v;
                if (v > max) max = v;
                if (v < min) min = v;
            }
            if (max == 0) return Long.MAX_VALUE;
            avg /= divisor;
            variance /= divisor;
            long avgSq = avg * avg;
            variance -= avgSq;
            if (variance <= Long.MAX_VALUE / 36 && ((avgSq > variance * 36 && divisor * 4 >= 8 * 3) || variance <= 400))
                return avg;
            if (divisor * 4 <= 8 * 3) return Long.MAX_VALUE;
            if (avg - min > max - avg) minThresh = min;
            else maxThresh = max;
        }
    }

    /** The earliest armed sleep timer of the CPU (Long.MAX_VALUE when none), dropping cancelled ones. */
    private long nextTimer(Cpu cpu) {
        TimerQueue tq = cpu.timers;
        while (!tq.isEmpty()) {
            int pid = tq.headPid();
            Task t = pid - 1 < m.tasks.size() ? m.tasks.get(pid - 1) : null;
            if (t != null && t.timerExpiry == tq.headExpiry() && t.timerCpu == cpu.id && t.timerExpiry > m.now)
                return t.timerExpiry;
            tq.pop();
        }
        return Long.MAX_VALUE;
    }

    /** The tick stops; the policy hears of it (nohz.idle_cpus_mask). */
    void stopTick(int c) {
        Cpu cpu = m.cpus[c];
        cpu.tickStopped = true;
        cpu.tickArmed = false;
        cpu.genTick++;
        m.q.cancel(cpu.tickSlot);
        m.policy.tickStopped(c);
    }

    /** sched_tick: charges the tick, updates PELT of a running task, preempts an expired slice and calls the policy's balance tick. */
    void onTick(int c, long gen) {
        Cpu cpu = m.cpus[c];
        if (gen != cpu.genTick) return;
        cpu.tickArmed = false;
        m.rqLines.changed(c);
        m.time.account(c);
        m.time.chargeKernel(c, m.costs.tickNs, CpuTime.KK_TICK);
        Task curr = cpu.curr;
        if (curr != null) {
            // entity_tick: update_load_avg of the running entity (an idle CPU's tick updates nothing)
            m.load.updateLoadAvg(cpu, curr);
            if (m.tg != null) {
                // entity_tick: update_load_avg(UPDATE_TG), update_cfs_group
                m.tg.updateLoadAvg(cpu, false, 0);
                m.tg.updateCfsGroup(cpu);
            }
            m.load.updateMisfitStatus(curr, cpu);
            if (m.cfs != null) {
                // entity_tick: check_preempt_tick
                if (m.cfg.slice && cpu.nrRunning > 1 && m.cfs.tickPreempts(cpu, curr)) cpu.needResched = true;
            } else if (m.cfg.slice && cpu.sliceExpired && cpu.nrRunning > 1) cpu.needResched = true;
            cpu.sliceExpired = false;
            m.groups.refresh(cpu);
        }
        m.policy.tick(c, curr == null);
        if (cpu.curr == null && cpu.nrRunning == 0) {
            if (!cpu.tickStopped) stopTick(c);
        } else {
            armTick(c);
        }
        if (cpu.needResched) m.core.schedule(c);
    }

    /**
     * A task became runnable on an idle CPU: it leaves the idle state (the exit latency), and do_idle, seeing
     * need_resched, ends its loop (tick_nohz_idle_exit, flush_smp_call_function_queue) before schedule_idle picks;
     * the task stays queued and unpicked for that idle switch ({@link Cpu#idleExiting}).
     */
    void kickIdle(int c) {
        Cpu cpu = m.cpus[c];
        if (cpu.curr != null || cpu.newidle || cpu.idleExiting) return;
        m.time.chargeKernel(c, m.costs.idleExitNs, CpuTime.KK_IDLE_EXIT);
        if (m.costs.idleSwitchNs <= 0 || !cpu.inIdleTask) {
            m.core.schedule(c);
            return;
        }
        m.time.chargeKernel(c, m.costs.idleSwitchNs, CpuTime.KK_CONTEXT_SWITCH);
        cpu.idleExiting = true;
        cpu.idleExitFrom = m.now;
        m.q.schedule(cpu.idleExitSlot, m.time.busyUntil(c), Machine.EV_IDLE_EXIT, c, 0);
    }

    /** schedule_idle at the end of do_idle: the idle switch was paid in {@link #kickIdle}. */
    void onIdleExit(int c) {
        Cpu cpu = m.cpus[c];
        cpu.idleExiting = false;
        m.core.schedule(c);
        cpu.idleExitFrom = -1;
    }
}
