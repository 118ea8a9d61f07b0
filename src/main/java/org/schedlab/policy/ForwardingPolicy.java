package org.schedlab.policy;

import java.util.List;

/**
 * A policy that hands every hook to another one: extend it to observe or change a few hooks of an existing
 * policy (a probe, an extra pass) without reaching into its state. Overriding methods should call {@code super}
 * unless they mean to replace the delegate's behaviour.
 */
public abstract class ForwardingPolicy implements SchedPolicy {
    protected final SchedPolicy delegate;
    protected SchedContext ctx;

    protected ForwardingPolicy(SchedPolicy delegate) { this.delegate = delegate; }

    @Override public String name() { return delegate.name(); }
    @Override public List<PolicyOption> options() { return delegate.options(); }

    @Override public void init(SchedContext ctx) {
        this.ctx = ctx;
        delegate.init(ctx);
    }

    @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
        return delegate.selectTaskRq(p, prevCpu, wakerCpu, wakeFlags);
    }

    @Override public void enqueue(int cpu, TaskView p, int flags) { delegate.enqueue(cpu, p, flags); }
    @Override public void dequeue(int cpu, TaskView p, int flags) { delegate.dequeue(cpu, p, flags); }
    @Override public void running(int cpu, TaskView p) { delegate.running(cpu, p); }
    @Override public void stopping(int cpu, TaskView p, boolean runnable) { delegate.stopping(cpu, p, runnable); }
    @Override public void tick(int cpu, boolean idle) { delegate.tick(cpu, idle); }
    @Override public void newidle(int cpu) { delegate.newidle(cpu); }
    @Override public void balanceCallback(int cpu) { delegate.balanceCallback(cpu); }
    @Override public void activeBalanceDone(int src, int dst, boolean moved) { delegate.activeBalanceDone(src, dst, moved); }
    @Override public void tickStopped(int cpu) { delegate.tickStopped(cpu); }
    @Override public void tickRestarted(int cpu) { delegate.tickRestarted(cpu); }
    @Override public void taskDead(TaskView p) { delegate.taskDead(p); }
}
