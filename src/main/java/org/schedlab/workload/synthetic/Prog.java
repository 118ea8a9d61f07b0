package org.schedlab.workload.synthetic;

import org.schedlab.cost.Syscall;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** Builds a task program op by op; {@link #loop}/{@link #end} pairs nest and are resolved to op indices. */
final class Prog {
    private final List<Op> ops = new ArrayList<>();
    private final ArrayDeque<Integer> open = new ArrayDeque<>();

    Prog run(Dist work) { ops.add(new Op.Run(work)); return this; }

    Prog run(long ns) { return run(Dist.constant(ns)); }

    /** Appends {@code op} itself, so that many programs can share one (ops keep no state). */
    Prog run(Op.Run op) { ops.add(op); return this; }

    /** Busy for {@code d} of wall time, whatever CPU time the task gets meanwhile (a spin on the clock). */
    Prog runWall(Dist d) { ops.add(new Op.RunWall(d)); return this; }

    Prog sleep(Dist d) { ops.add(new Op.Sleep(d)); return this; }

    Prog waitCh(int ch) { ops.add(new Op.Wait(ch)); return this; }

    /** Adds one unit to {@code ch}, waking one waiter; {@code sync}: the waker is about to block (WF_SYNC). */
    Prog signal(int ch, boolean sync) { ops.add(new Op.Signal(ch, false, sync)); return this; }

    /** Takes a slot of buffer {@code b}, blocking (and retrying) while it is full. */
    Prog reserve(int b) { ops.add(new Op.BufferReserve(b)); return this; }

    /** Returns a slot of buffer {@code b}, waking its writers at or below its wake level. */
    Prog release(int b) { ops.add(new Op.BufferRelease(b)); return this; }
    Prog locked(int b) { ops.add(new Op.BufferLock(b)); return this; }

    Prog lock(int m) { ops.add(new Op.Lock(m)); return this; }

    Prog unlock(int m) { ops.add(new Op.Unlock(m)); return this; }

    Prog barrier(int b) { ops.add(new Op.Barrier(b)); return this; }

    Prog fork(int template, int count) { ops.add(new Op.Fork(template, count)); return this; }

    Prog waitChildren(int count) { ops.add(new Op.WaitChildren(count)); return this; }

    Prog exec() { ops.add(new Op.Exec()); return this; }

    Prog exit() { ops.add(new Op.Exit()); return this; }

    /** A forked process ({@code process}) starts with the cost profile's process-start work; a thread does not. */
    Prog start(boolean process) {
        if (process) run(Dist.syscall(Syscall.PROCESS_START, 0));
        return this;
    }

    /**
     * Exits; a forked process ({@code process}) first does the cost profile's process-exit work, its shared part
     * holding mutex {@code siblings} (one per parent: the locks its children's exit_mmap() share).
     */
    Prog exit(boolean process, int siblings) {
        if (process) run(Dist.syscall(Syscall.PROCESS_EXIT, 0)).lock(siblings)
                .run(Dist.syscall(Syscall.PROCESS_EXIT_SHARED, 0)).unlock(siblings);
        return exit();
    }

    Prog begin(int mark) { ops.add(new Op.Mark(mark, true)); return this; }

    /** Ends the task's interval for {@code mark} (or just counts one if none was begun). */
    Prog end(int mark) { ops.add(new Op.Mark(mark, false)); return this; }

    /** Stamps channel {@code ch} with the time: another task's {@link #beginAtStamp} starts its interval at it. */
    Prog stamp(int mark, int ch) { ops.add(new Op.Mark(mark, Op.Mark.Kind.STAMP, ch, 0)); return this; }

    /** Begins the task's interval of {@code mark} at channel {@code ch}'s last stamp. */
    Prog beginAtStamp(int mark, int ch) { ops.add(new Op.Mark(mark, Op.Mark.Kind.BEGIN_AT_STAMP, ch, 0)); return this; }

    /** Ends the task's interval of {@code mark} with {@code lessNs} taken off its length. */
    Prog endLess(int mark, long lessNs) { ops.add(new Op.Mark(mark, Op.Mark.Kind.END, -1, lessNs)); return this; }

    /** Opens a loop of {@code count} iterations (&lt; 0: forever, 0: skipped). */
    Prog loop(int count) {
        open.push(ops.size());
        ops.add(new Op.LoopBegin(count));
        return this;
    }

    Prog endLoop() {
        if (open.isEmpty()) throw new IllegalStateException("no loop to close");
        ops.add(new Op.LoopEnd(open.pop()));
        return this;
    }

    Op[] build() {
        if (!open.isEmpty()) throw new IllegalStateException(open.size() + " loop(s) left open");
        return ops.toArray(new Op[0]);
    }
}
