package org.schedlab.policy.linux;

import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.SchedPolicy;
import org.schedlab.policy.TaskView;

import java.util.List;

import static org.schedlab.policy.linux.LbEnv.CPU_IDLE;
import static org.schedlab.policy.linux.LbEnv.CPU_NOT_IDLE;

/**
 * The fair class's balancing, assembled from its parts: placement ({@link FairPlacement}) always; then, for the
 * balancing policies, periodic balancing ({@link LoadBalance}), nohz idle balancing ({@link NohzBalance}) and a
 * newidle strategy — mainline's ({@link NewidleBalance}), the push RFC's ({@link PushBalance}) or the shared
 * runqueue's ({@link SharedRunq}).
 * <ul>
 * <li>{@code linux-wake}: placement only — no periodic, newidle or nohz balancing; the blocked-load housekeeping
 * stays (nohz STATS kicks, nohz_newidle_balance). Deviation: SIS_UTIL's scan depth is refreshed at the LLC balance
 * interval from the tick, since no balance pass runs to refresh it.
 * Deviation: with no next_balance, an idle CPU's tick updates its blocked averages every time (the balancing
 * softirq's CPU_IDLE interval at the lowest level is about a tick).</li>
 * <li>{@code pull}: mainline.</li>
 * <li>{@code push}: mainline periodic and nohz balancing, plus pushing from busy CPUs and the reworked newidle.</li>
 * <li>{@code shared-runq}: mainline plus the shared runqueue shards (SHARED_RUNQ v3).</li>
 * </ul>
 * The balancing variants take the placement options ({@code sis}, {@code numa_imb}, {@code numa_consistent},
 * {@code numa_affinity_cap}), {@code ni_random} and {@code newidle_cost}, so each mainline variant can sit under
 * {@code push} or {@code shared-runq}; {@code linux-wake} takes none (mainline placement), so a policy wrapping it
 * declares only its own.
 */
public final class FairPolicy implements SchedPolicy {
    private enum Variant { LINUX_WAKE, PULL, PUSH, SHARED_RUNQ }

    private final String name;
    private final Variant variant;
    private final List<PolicyOption> options;
    private final FairPlacement placement = new FairPlacement();
    private SchedContext ctx;
    private LoadBalance lb;
    private NewidleBalance mainlineNewidle;
    private NohzBalance nohz;
    private PushBalance push;
    private SharedRunq sharedRunq;

    private FairPolicy(String name, Variant variant, List<PolicyOption> options) {
        this.name = name;
        this.variant = variant;
        this.options = options;
    }

    public static FairPolicy linuxWake() { return new FairPolicy("linux-wake", Variant.LINUX_WAKE, List.of()); }

    public static FairPolicy pull() {
        return new FairPolicy("pull", Variant.PULL, withPlacement(NewidleBalance.NI_RANDOM, NewidleBalance.NEWIDLE_COST,
                NohzBalance.NOHZ));
    }

    public static FairPolicy push() {
        return new FairPolicy("push", Variant.PUSH, withPlacement(NohzBalance.NOHZ, PushBalance.CONTEXT, PushBalance.PILEUP,
                PushBalance.NEWIDLE, NewidleBalance.NI_RANDOM, NewidleBalance.NEWIDLE_COST));
    }

    public static FairPolicy sharedRunq() {
        return new FairPolicy("shared-runq", Variant.SHARED_RUNQ, withPlacement(SharedRunq.SHARD, SharedRunq.IDLE_CHECK,
                NewidleBalance.NI_RANDOM, NewidleBalance.NEWIDLE_COST, NohzBalance.NOHZ));
    }

    /** {@code own} followed by the placement options every variant takes (sis, numa_*). */
    private static List<PolicyOption> withPlacement(PolicyOption... own) {
        List<PolicyOption> l = new java.util.ArrayList<>(List.of(own));
        l.addAll(FairPlacement.options());
        return List.copyOf(l);
    }

    @Override public String name() { return name; }

    @Override public List<PolicyOption> options() { return options; }

    @Override public void init(SchedContext ctx) {
        this.ctx = ctx;
        placement.init(ctx, variant != Variant.LINUX_WAKE);
        if (variant == Variant.LINUX_WAKE) {
            nohz = new NohzBalance(ctx, null, false);
            return;
        }
        lb = new LoadBalance(ctx, placement);
        mainlineNewidle = new NewidleBalance(ctx, lb);
        nohz = new NohzBalance(ctx, lb, ctx.option(NohzBalance.NOHZ).equals("per-llc"));
        if (variant == Variant.PUSH) push = new PushBalance(ctx, lb, mainlineNewidle, nohz);
        if (variant == Variant.SHARED_RUNQ) sharedRunq = new SharedRunq(ctx, lb, mainlineNewidle);
    }

    @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
        return placement.selectTaskRq(p, prevCpu, wakerCpu, wakeFlags);
    }

    @Override public void enqueue(int cpu, TaskView p, int flags) {
        if (lb == null) return;
        if (ctx.nrRunning(cpu) >= 2) lb.rdOverloaded = true;
        if (sharedRunq != null) sharedRunq.enqueue(cpu, p);
    }

    @Override public void dequeue(int cpu, TaskView p, int flags) {
        if (push != null) push.dequeue(cpu, p);
        if (sharedRunq != null) sharedRunq.dequeue(cpu, p);
    }

    @Override public void running(int cpu, TaskView p) {
        placement.running(cpu);
        if (push != null) push.running(cpu, p);
        if (sharedRunq != null) sharedRunq.running(cpu, p);
    }

    @Override public void stopping(int cpu, TaskView p, boolean runnable) {
        if (push != null) push.stopping(cpu, p, runnable);
        if (sharedRunq != null) sharedRunq.stopping(cpu, p, runnable);
    }

    /**
     * scheduler_tick: sched_balance_trigger (the balancing softirq when due: blocked averages, then periodic
     * balancing) and nohz_balancer_kick on a busy tick.
     */
    @Override public void tick(int cpu, boolean idle) {
        if (lb == null) {
            // the balancing softirq without balancing: an idle CPU's blocked averages, nohz STATS kicks
            if (idle) ctx.updateBlockedAverages(cpu);
            else nohz.balancerKick(cpu);
            placement.maybeUpdateIdleCpuScan(cpu);
            return;
        }
        if (ctx.jiffies() >= lb.nextBalance[cpu]) {
            // sched_balance_softirq: this CPU's blocked averages, then its domains
            ctx.updateBlockedAverages(cpu);
            lb.sched_balance_domains(cpu, cpu, idle ? CPU_IDLE : CPU_NOT_IDLE, "periodic");
        }
        if (!idle) nohz.balancerKick(cpu);
    }

    @Override public void newidle(int cpu) {
        if (lb != null) {
            if (push != null) push.sched_balance_newidle(cpu);
            else if (sharedRunq != null) sharedRunq.sched_balance_newidle(cpu);
            else mainlineNewidle.sched_balance_newidle(cpu);
        }
        if (ctx.nrRunning(cpu) == 0) {
            placement.updateIdleCore(cpu);
            placement.enteringIdle(cpu);
            // sched_balance_newidle's exit without a task (a wakeup on its way returns before it)
            if (!ctx.ttwuPending(cpu)) nohz.newidleBalance(cpu);
        }
    }

    @Override public void balanceCallback(int cpu) {
        if (push != null) push.balanceCallback(cpu);
    }

    @Override public void activeBalanceDone(int src, int dst, boolean moved) {
        if (lb != null) lb.activeBalanceDone(src, dst, moved);
    }

    @Override public void tickStopped(int cpu) {
        if (nohz != null) nohz.enterIdle(cpu);
    }

    @Override public void taskDead(TaskView p) {
        if (push != null) push.taskDead(p);
    }
}
