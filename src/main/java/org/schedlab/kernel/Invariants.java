package org.schedlab.kernel;

/**
 * Consistency of the whole machine after an event (debug mode, {@code --check}): every queued task is on the
 * runqueue it names, in a runnable state and inside its affinity; runqueue weights and counts match their
 * members; machine-wide counts match the per-CPU and per-task state; an idle CPU has queued tasks only while a
 * wakeup IPI for it is on its way; a task spinning for a locked buffer's mutex is running and its turn is booked.
 */
final class Invariants {
    private Invariants() {}

    /** Throws IllegalStateException at the first broken invariant. */
    static void check(Machine m) {
        Cpu[] cpus = m.cpus;
        int queued = 0, busy = 0;
        for (Cpu cpu : cpus) {
            if (cpu.curr != null) {
                busy++;
                if (cpu.curr.cpu != cpu.id || cpu.curr.state != Task.State.RUNNING || !cpu.tasks.contains(cpu.curr))
                    throw new IllegalStateException("CPU " + cpu.id + " curr " + cpu.curr + " inconsistent: " + cpu.curr.state);
            }
            if (cpu.tasks.size() != cpu.nrRunning) throw new IllegalStateException("CPU " + cpu.id + " nr_running mismatch");
            if (m.q.pending(cpu.runSlot) != cpu.runArmed || m.q.pending(cpu.tickSlot) != cpu.tickArmed)
                throw new IllegalStateException("CPU " + cpu.id + " armed run completion or tick without its one event");
            int inTree = 0;
            for (Task t : cpu.tasks) {
                if (cpu.timeline.contains(t) == (t == cpu.curr))
                    throw new IllegalStateException(t + " in CPU " + cpu.id + "'s tree: " + cpu.timeline.contains(t));
                if (cpu.timeline.contains(t)) inTree++;
            }
            if (inTree != cpu.timeline.size()) throw new IllegalStateException("CPU " + cpu.id + " tree holds tasks not queued there");
            long w = 0;
            for (Task t : cpu.tasks) {
                if (t.cpu != cpu.id) throw new IllegalStateException(t + " queued on " + cpu.id + " but says " + t.cpu);
                if (t.state != Task.State.RUNNABLE && t.state != Task.State.RUNNING && !t.delayed)
                    throw new IllegalStateException(t + " on runqueue " + cpu.id + " in state " + t.state);
                if (t.state == Task.State.RUNNING && cpu.curr != t)
                    throw new IllegalStateException(t + " RUNNING on " + cpu.id + " but not current");
                if (!t.canRunOn(cpu.id)) throw new IllegalStateException(t + " queued outside its affinity on " + cpu.id);
                w += t.weight;
            }
            if (((m.idleMask[cpu.id >>> 6] >>> cpu.id) & 1) != (cpu.isIdle() ? 1 : 0))
                throw new IllegalStateException("CPU " + cpu.id + " idle mask mismatch");
            if (w != cpu.loadWeight) throw new IllegalStateException("CPU " + cpu.id + " load weight mismatch");
            queued += cpu.nrRunning - cpu.nrDelayed;
            // a task queued on an idle CPU is there only while the IPI that wakes the CPU for it is on its way, or
            // while the idle task leaves do_idle for it
            if (cpu.curr == null && cpu.nrRunning > cpu.nrDelayed && cpu.ttwuPending == 0 && !cpu.idleExiting)
                throw new IllegalStateException("CPU " + cpu.id + " idle with " + (cpu.nrRunning - cpu.nrDelayed) + " queued and no wakeup on its way");
        }
        if (queued != m.totalQueued || busy != m.nrBusyCpus) throw new IllegalStateException("machine counters mismatch");
        m.counters.check();
        m.groups.check();
        m.time.check();
        int live = 0, held = 0;
        for (Task t : m.tasks) {
            if (t == null) continue;
            live++;
            if (t.state == Task.State.HELD) held++;
            boolean onSomeRq = t.onRq;
            boolean shouldBe = t.state == Task.State.RUNNABLE || t.state == Task.State.RUNNING || t.delayed;
            if (onSomeRq != shouldBe) throw new IllegalStateException(t + " onRq=" + onSomeRq + " state=" + t.state);
            // a spinner runs, in its spin, and its turn on the mutex is still booked
            if (t.spinBuffer >= 0 && (t.state != Task.State.RUNNING || m.cpus[t.cpu].curr != t || !t.inRun
                    || t.runWallEnd != t.spinStart || !m.sync.booked(t.spinBuffer, t.spinStart, t.cpu)))
                throw new IllegalStateException(t + " spins for buffer " + t.spinBuffer + " but is " + t.state);
        }
        if (live != m.liveTasks || held != m.heldTasks) throw new IllegalStateException("task counters mismatch");
    }
}
