package org.schedlab.policy.reference;

import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;
import org.schedlab.topology.CpuSet;

import java.util.ArrayList;

/**
 * {@code global}: one machine-wide FIFO queue. A waking task goes to an idle allowed CPU if there is one,
 * otherwise it waits in the queue; a CPU with nothing to run takes the oldest task it may run. Work-conserving
 * by construction: no CPU idles while a task it may run waits. Costs nothing to decide (a reference, not a design).
 */
public final class GlobalQueuePolicy implements SchedPolicy {
    private SchedContext ctx;
    private final ArrayList<TaskView> queue = new ArrayList<>();
    private int head;
    private CpuSet idle;

    @Override public String name() { return "global"; }

    @Override public void init(SchedContext ctx) {
        this.ctx = ctx;
        this.idle = CpuSet.full(ctx.nrCpus());
    }

    @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
        for (int c = idle.first(); c >= 0; c = idle.nextSetBit(c + 1)) {
            if (!ctx.idleCpu(c)) {
                idle.clear(c);
                continue;
            }
            if (p.canRunOn(c)) {
                idle.clear(c);
                return c;
            }
        }
        queue.add(p);
        return DEFER;
    }

    @Override public void running(int cpu, TaskView p) { idle.clear(cpu); }

    @Override public void newidle(int cpu) {
        for (int i = head; i < queue.size(); i++) {
            TaskView p = queue.get(i);
            if (p.canRunOn(cpu)) {
                if (i == head) {
                    queue.set(head++, null);
                } else {
                    queue.remove(i);
                }
                compact();
                ctx.dispatch(p, cpu);
                return;
            }
        }
        idle.set(cpu);
    }

    private void compact() {
        if (head > 1024 && head * 2 > queue.size()) {
            queue.subList(0, head).clear();
            head = 0;
        }
    }
}
