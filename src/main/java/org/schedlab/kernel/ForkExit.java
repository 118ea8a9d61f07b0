package org.schedlab.kernel;

import static org.schedlab.policy.DequeueFlags.DEQUEUE_SLEEP;
import org.schedlab.metrics.Recorder;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * Task creation and exit (kernel/fork.c, kernel/exit.c): task instances at their start time, open-loop
 * arrivals, do_exit with the parent's wait for children, and the end of a run when every task has exited.
 */
final class ForkExit {
    private final Machine m;

    ForkExit(Machine m) {
        this.m = m;
    }

    /** copy_process: a new task from its template, with its own random stream. */
    Task createTask(int templateIndex, Task parent) {
        TaskTemplate tt = m.wl.templates.get(templateIndex);
        int pid = m.nextPid++;
        String comm = tt.comm;
        Task t = new Task(pid, comm, tt, templateIndex, m.taskRng.derive(pid), parent, m.nrCpus, m.now, m.wl.timers, m.wl.marks.size());
        t.m = m;
        t.slice = m.sliceNs;
        if (m.templateResumeLatch[templateIndex]) {
            t.resumeLatch = true;
            m.templateResumeLatch[templateIndex] = false;
        }
        m.tasks.add(t);
        m.liveByTemplate.get(templateIndex).add(t);
        m.liveTasks++;
        if (tt.background) m.liveBackground++;
        m.rec.tasksCreated++;
        if (m.sink != null) m.sink.taskName(pid, parent != null ? parent.pid : pid, comm);
        return t;
    }

    /** The template's instances start together. */
    void onStart(int templateIndex) {
        TaskTemplate tt = m.wl.templates.get(templateIndex);
        for (int i = 0; i < tt.instances; i++) {
            Task t = createTask(templateIndex, null);
            m.wakeup.wakeUpNew(t, tt.launchCpu);
        }
    }

    /** An open-loop arrival: a job task woken from a random CPU; the next arrival is drawn. */
    void onArrival() {
        WorkloadSpec.Arrivals a = m.wl.arrivals;
        Task t = createTask(a.template, null);
        t.isJob = true;
        int from = m.arrivalRng.nextInt(m.nrCpus);
        m.wakeup.wakeUpNew(t, from);
        m.q.schedule(m.now + Math.max(1, a.interarrival.sample(m.arrivalRng)), Machine.EV_ARRIVAL, 0, 0);
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
        m.rec.tasksExited++;
        m.liveByTemplate.get(t.templateIndex).remove(t);
        if (t.isJob && m.measuring) {
            m.rec.jobsCompleted++;
            Recorder.record(m.rec.responseTime, m.now - t.createdAt);
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
        m.policy.taskDead(t);
        if (m.measuring) {
            m.exitedExec.add(t.sumExecRuntime);
            m.exitedCompeting.add(t.competingNs);
        }
        m.tasks.set(t.pid - 1, null);
        m.core.schedule(c);
        if (m.wl.endWhenAllExit && m.liveTasks == m.liveBackground && m.heldTasks == 0 && !hasPendingStarts()) {
            m.stopped = true;
            m.allExited = true;
            m.endTime = m.now;
        }
    }

    boolean hasPendingStarts() {
        for (TaskTemplate t : m.wl.templates) if (t.instances > 0 && t.startDelayNs > m.now) return true;
        return false;
    }
}
