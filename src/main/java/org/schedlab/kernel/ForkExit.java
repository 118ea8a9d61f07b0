package org.schedlab.kernel;

import static org.schedlab.policy.DequeueFlags.DEQUEUE_SLEEP;
import org.schedlab.engine.EventQueue;
import org.schedlab.metrics.Recorder;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * Task creation and exit (kernel/fork.c, kernel/exit.c): task instances at their start time, open-loop
 * arrivals, do_exit with the parent's wait for children, and the end of a run when every task has exited.
 */
final class ForkExit {
    private final Machine m;
    private final SchedPolicy policy;
    private final WorkloadSpec wl;
    private final Recorder rec;
    private final EventQueue q;
    private final int nrCpus;
    private final long sliceNs;

    ForkExit(Machine m) {
        this.m = m;
        this.policy = m.policy;
        this.wl = m.wl;
        this.rec = m.rec;
        this.q = m.q;
        this.nrCpus = m.nrCpus;
        this.sliceNs = m.sliceNs;
    }

    /** copy_process: a new task from its template, with its own random stream. */
    Task createTask(int templateIndex, Task parent) {
        TaskTemplate tt = wl.templates.get(templateIndex);
        int pid = m.nextPid++;
        String comm = tt.comm;
        Task t = new Task(pid, comm, tt, templateIndex, m.taskRng.derive(pid), parent, nrCpus, m.now, wl.timers, wl.marks.size());
        t.m = m;
        t.slice = sliceNs;
        if (m.templateResumeLatch[templateIndex]) {
            t.resumeLatch = true;
            m.templateResumeLatch[templateIndex] = false;
        }
        m.tasks.add(t);
        m.liveByTemplate.get(templateIndex).add(t);
        m.liveTasks++;
        if (tt.background) m.liveBackground++;
        rec.tasksCreated++;
        if (m.sink != null) m.sink.taskName(pid, parent != null ? parent.pid : pid, comm);
        return t;
    }

    /** The template's instances start together. */
    void onStart(int templateIndex) {
        TaskTemplate tt = wl.templates.get(templateIndex);
        for (int i = 0; i < tt.instances; i++) {
            Task t = createTask(templateIndex, null);
            m.wakeup.wakeUpNew(t, tt.launchCpu);
        }
    }

    /** An open-loop arrival: a job task woken from a random CPU; the next arrival is drawn. */
    void onArrival() {
        WorkloadSpec.Arrivals a = wl.arrivals;
        Task t = createTask(a.template, null);
        t.isJob = true;
        int from = m.arrivalRng.nextInt(nrCpus);
        m.wakeup.wakeUpNew(t, from);
        q.schedule(m.now + Math.max(1, a.interarrival.sample(m.arrivalRng)), Machine.EV_ARRIVAL, 0, 0);
    }

    /**
     * do_task_dead, once do_exit's work is done (charged by the interpreter in the task's context): the task leaves
     * its runqueue and PELT; a parent waiting for its children may wake.
     */
    void exitTask(Task t, int c) {
        m.core.dequeue(t, DEQUEUE_SLEEP);
        // task_dead_fair: remove_entity_load_avg
        m.load.removeEntityLoadAvg(t);
        t.state = Task.State.EXITED;
        m.liveTasks--;
        if (t.template.background) m.liveBackground--;
        rec.tasksExited++;
        m.liveByTemplate.get(t.templateIndex).remove(t);
        if (t.isJob && m.measuring) {
            rec.jobsCompleted++;
            Recorder.record(rec.responseTime, m.now - t.createdAt);
        }
        Task parent = t.parent;
        if (parent != null && parent.state != Task.State.EXITED) {
            parent.childrenExited++;
            if (parent.childrenAwaited > 0 && parent.childrenExited >= parent.childrenAwaited
                    && parent.state == Task.State.BLOCKED && parent.blockedOn == Core.BLOCK_CHILDREN) {
                parent.childrenExited -= parent.childrenAwaited;
                parent.childrenAwaited = 0;
                m.wakeup.tryToWakeUp(parent, c, false);
            }
        }
        policy.taskDead(t);
        if (m.measuring) {
            m.exitedExec.add(t.sumExecRuntime);
            m.exitedCompeting.add(t.competingNs);
        }
        m.tasks.set(t.pid - 1, null);
        m.core.schedule(c);
        if (wl.endWhenAllExit && m.liveTasks == m.liveBackground && m.heldTasks == 0 && !hasPendingStarts()) {
            m.stopped = true;
            m.allExited = true;
            m.endTime = m.now;
        }
    }

    boolean hasPendingStarts() {
        for (TaskTemplate t : wl.templates) if (t.instances > 0 && t.startDelayNs > m.now) return true;
        return false;
    }
}
