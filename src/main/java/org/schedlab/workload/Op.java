package org.schedlab.workload;

import org.schedlab.topology.CpuSet;

/**
 * One primitive of a task program. Programs are immutable and shared by every task that runs them; per-task
 * state (program counter, loop counters, timers) lives in the task. Synchronisation objects are numbered
 * per workload (see {@link WorkloadSpec}). The set of ops is closed: every kind is one of the final classes below.
 */
public abstract sealed class Op {
    private Op() {}

    /** Consume CPU work, in ns at capacity 1024. */
    public static final class Run extends Op {
        public final Dist work;
        public Run(Dist work) { this.work = work; }
        @Override public String toString() { return "run " + work; }
    }

    /** Stay on the CPU until this much wall time has passed since the op began (rt-app {@code runtime}). */
    public static final class RunWall extends Op {
        public final Dist duration;
        public RunWall(Dist duration) { this.duration = duration; }
        @Override public String toString() { return "runtime " + duration; }
    }

    /** Block for a relative time. */
    public static final class Sleep extends Op {
        public final Dist duration;
        public Sleep(Dist duration) { this.duration = duration; }
        @Override public String toString() { return "sleep " + duration; }
    }

    /**
     * Sleep until the next period boundary of a timer (rt-app {@code timer}): the first use arms the timer at the
     * task's start (workload start plus its template's start delay); each use advances it by the period; if the
     * boundary has already passed the task does not sleep (and, in relative mode, the timer restarts from now).
     * A {@code shared} timer is one object for every task that uses its id, each use advancing it; otherwise each
     * task has its own.
     */
    public static final class Timer extends Op {
        public final int timer;
        public final long periodNs;
        public final boolean absolute, shared;
        public Timer(int timer, long periodNs, boolean absolute) { this(timer, periodNs, absolute, false); }
        public Timer(int timer, long periodNs, boolean absolute, boolean shared) {
            this.timer = timer;
            this.periodNs = periodNs;
            this.absolute = absolute;
            this.shared = shared;
        }
        @Override public String toString() { return "timer#" + timer + " " + periodNs + "ns"; }
    }

    /** Take one unit from a counting channel (pipe, futex, semaphore); block while it is empty. */
    public static final class Wait extends Op {
        public final int channel;
        /**
         * The task goes to sleep even when a unit is already there, and that unit wakes it at once: a sleep that
         * a replayed trace recorded, kept whether or not its wakeup comes first in the replay.
         */
        public final boolean sleeps;
        public Wait(int channel) { this(channel, false); }
        public Wait(int channel, boolean sleeps) { this.channel = channel; this.sleeps = sleeps; }
        @Override public String toString() { return "wait ch" + channel + (sleeps ? " sleeping" : ""); }
    }

    /**
     * Add to a channel: wake one waiter (or all with {@code all}); a unit with no waiter is remembered, a
     * broadcast with no waiter is not. {@code sync} marks the wakeup synchronous (WF_SYNC).
     */
    public static final class Signal extends Op {
        public final int channel;
        public final boolean all, sync;
        /** Wake the waiter onto the signalling CPU (WF_CURRENT_CPU). */
        public final boolean currentCpu;
        public Signal(int channel, boolean all, boolean sync) { this(channel, all, sync, false); }
        public Signal(int channel, boolean all, boolean sync, boolean currentCpu) {
            this.channel = channel;
            this.all = all;
            this.sync = sync;
            this.currentCpu = currentCpu;
        }
        @Override public String toString() {
            return (all ? "broadcast ch" : "signal ch") + channel + (sync ? " sync" : "") + (currentCpu ? " current-cpu" : "");
        }
    }

    /**
     * Take one slot of a bounded buffer (a socket's send-buffer memory, a pipe's pages), blocking while it is
     * full; a blocked task retries when woken, as sock_wait_for_wmem() and pipe_write() loop.
     */
    public static final class BufferReserve extends Op {
        public final int buffer;
        public BufferReserve(int buffer) { this.buffer = buffer; }
        @Override public String toString() { return "reserve b" + buffer; }
    }

    /** Return one slot; at or below the buffer's wake level its blocked writers are woken (synchronously). */
    public static final class BufferRelease extends Op {
        public final int buffer;
        public BufferRelease(int buffer) { this.buffer = buffer; }
        @Override public String toString() { return "release b" + buffer; }
    }

    /**
     * The Run that follows is an operation on a locked buffer ({@link WorkloadSpec#bufferLocked}): it holds the
     * buffer's mutex, after the buffer's lines have come over from the CPU that held it last. While another holds
     * it the task spins on its CPU (mutex_optimistic_spin()), first come first served, giving up its turn if it is
     * switched out.
     */
    public static final class BufferLock extends Op {
        public final int buffer;
        public BufferLock(int buffer) { this.buffer = buffer; }
        @Override public String toString() { return "lock b" + buffer; }
    }

    /** Blocking mutex with FIFO hand-off. */
    public static final class Lock extends Op {
        public final int mutex;
        public Lock(int mutex) { this.mutex = mutex; }
        @Override public String toString() { return "lock m" + mutex; }
    }

    public static final class Unlock extends Op {
        public final int mutex;
        public Unlock(int mutex) { this.mutex = mutex; }
        @Override public String toString() { return "unlock m" + mutex; }
    }

    /** pthread_cond_wait: releases the mutex, blocks until signalled (no memory), re-takes the mutex. */
    public static final class CondWait extends Op {
        public final int cond, mutex;
        public CondWait(int cond, int mutex) { this.cond = cond; this.mutex = mutex; }
        @Override public String toString() { return "condwait c" + cond + " m" + mutex; }
    }

    /** pthread_cond_signal / broadcast: a signal with no waiter is lost. */
    public static final class CondSignal extends Op {
        public final int cond;
        public final boolean all;
        public CondSignal(int cond, boolean all) { this.cond = cond; this.all = all; }
        @Override public String toString() { return (all ? "condbroadcast c" : "condsignal c") + cond; }
    }

    /** Block on this task's own latch until some task resumes it; a resume that came first is remembered. */
    public static final class Suspend extends Op {
        @Override public String toString() { return "suspend"; }
    }

    /** Set the latch of every task started from template {@code target} and wake them if suspended. */
    public static final class Resume extends Op {
        public final int target;
        public Resume(int target) { this.target = target; }
        @Override public String toString() { return "resume t" + target; }
    }

    /** n-party barrier (parties declared in the workload); the last arriver wakes all. */
    public static final class Barrier extends Op {
        public final int barrier;
        public Barrier(int barrier) { this.barrier = barrier; }
        @Override public String toString() { return "barrier b" + barrier; }
    }

    /** Create {@code count} new tasks from template {@code template} of the workload (fork + wake_up_new_task). */
    public static final class Fork extends Op {
        public final int template, count;
        public Fork(int template, int count) { this.template = template; this.count = count; }
        @Override public String toString() { return "fork t" + template + " x" + count; }
    }

    /** Block until {@code count} more children of this task have exited. */
    public static final class WaitChildren extends Op {
        public final int count;
        public WaitChildren(int count) { this.count = count; }
        @Override public String toString() { return "waitchildren " + count; }
    }

    /** exec(): rebalances the task (sched_exec) and charges the exec cost. */
    public static final class Exec extends Op {
        @Override public String toString() { return "exec"; }
    }

    public static final class Yield extends Op {
        @Override public String toString() { return "yield"; }
    }

    public static final class Exit extends Op {
        @Override public String toString() { return "exit"; }
    }

    /** Start of a loop body; {@code count} &lt; 0 loops forever. */
    public static final class LoopBegin extends Op {
        public final int count;
        public LoopBegin(int count) { this.count = count; }
        @Override public String toString() { return "loop " + (count < 0 ? "forever" : count) + " {"; }
    }

    /** End of the loop body begun at {@code begin} (an index into the program). */
    public static final class LoopEnd extends Op {
        public final int begin;
        public LoopEnd(int begin) { this.begin = begin; }
        @Override public String toString() { return "}"; }
    }

    public static final class SetAffinity extends Op {
        public final CpuSet cpus;
        public SetAffinity(CpuSet cpus) { this.cpus = cpus; }
        @Override public String toString() { return "affinity " + cpus; }
    }

    public static final class SetNice extends Op {
        public final int nice;
        public SetNice(int nice) { this.nice = nice; }
        @Override public String toString() { return "nice " + nice; }
    }

    /**
     * A measurement point of metric {@code metric}: an interval begins and a matching end records its length into
     * the metric's histogram and counts one request; an end with no interval begun just counts.
     */
    public static final class Mark extends Op {
        public enum Kind {
            /** The task's interval begins now. */
            BEGIN,
            /** Stamps channel {@code channel} with the time, for the tasks that begin their interval at it. */
            STAMP,
            /** The task's interval begins at channel {@code channel}'s last stamp (a waker's stamp, read on waking). */
            BEGIN_AT_STAMP,
            /** The task's interval ends, {@code lessNs} taken off its length (at least 1 µs is left). */
            END
        }
        public final int metric;
        public final Kind kind;
        /** The stamped channel of {@link Kind#STAMP} and {@link Kind#BEGIN_AT_STAMP}, else -1. */
        public final int channel;
        /** Taken off an {@link Kind#END}'s interval, as schbench takes its spin off the time at the spin's end. */
        public final long lessNs;
        public Mark(int metric, boolean begin) { this(metric, begin ? Kind.BEGIN : Kind.END, -1, 0); }
        public Mark(int metric, Kind kind, int channel, long lessNs) {
            this.metric = metric;
            this.kind = kind;
            this.channel = channel;
            this.lessNs = lessNs;
        }
        @Override public String toString() {
            return switch (kind) {
                case BEGIN -> "mark-begin m" + metric;
                case STAMP -> "mark-stamp m" + metric + " ch" + channel;
                case BEGIN_AT_STAMP -> "mark-begin m" + metric + " at stamp ch" + channel;
                case END -> "mark-end m" + metric + (lessNs > 0 ? " less " + lessNs + "ns" : "");
            };
        }
    }
}
