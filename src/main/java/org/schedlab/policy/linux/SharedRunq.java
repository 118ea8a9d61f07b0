package org.schedlab.policy.linux;

import org.schedlab.policy.PolicyOption;
import org.schedlab.policy.SchedContext;
import org.schedlab.policy.TaskView;
import org.schedlab.policy.linux.LoadBalance.SdState;
import org.schedlab.topology.SchedDomain;

import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * SHARED_RUNQ as posted in v3 (David Vernet, 20230809221218.163894-1-void@manifault.com, never merged). Each LLC
 * has ceil(llc_size / shard) FIFO shards, each a list and a raw spinlock on one cache line; CPU c uses shard
 * (c >> 1) % nr_shards of its LLC (shared_runq_shard_idx). Every fair task that is queued but not running sits in
 * its runqueue's shard: __enqueue_entity pushes it (a wakeup, a migration, or the running task put back) unless it
 * is pinned to one CPU, __dequeue_entity removes it (picked to run, or dequeued), each under the shard lock. A CPU
 * about to go idle first pops the head of its own shard, then of the LLC's other shards, taking a task only if it
 * may run there (shared_runq_pick_next_task), and only then runs the mainline newidle path.
 * {@code idle_check=on} is the "shared_runq_idle_check" kernel of K Prateek Nayak's tables
 * (258c9412-445a-04f5-dd0d-1f6699a257b6@amd.com): the avg_idle check comes before peeking. Every shard lock
 * acquisition is charged as a write of the shard's cache line.
 */
final class SharedRunq {
    static final PolicyOption SHARD = PolicyOption.positive("shard", "CPUs per shared-runqueue shard (SHARED_RUNQ_SHARD_SZ)", 6);
    static final PolicyOption IDLE_CHECK = PolicyOption.onOff("idle_check",
            "check avg_idle before peeking into the shards (shared_runq_idle_check, 258c9412-...@amd.com)", false);

    private final SchedContext ctx;
    private final LoadBalance lb;
    private final NewidleBalance mainline;
    private final boolean idleCheck;
    /** The shards, indexed by shard id; a CPU's shards are {@code firstShard[cpu] .. + nrShards[cpu]}. */
    private final ArrayDeque<TaskView>[] shards;
    private final String[] shardLine;
    private final int[] shardOf, firstShard, nrShards;
    /** The shard a queued task is listed in (its shared_runq_node is on that list). */
    private final Map<TaskView, Integer> listedIn = new IdentityHashMap<>();

    @SuppressWarnings("unchecked")
    SharedRunq(SchedContext ctx, LoadBalance lb, NewidleBalance mainline) {
        this.ctx = ctx;
        this.lb = lb;
        this.mainline = mainline;
        this.idleCheck = IDLE_CHECK.isOn(ctx.option(IDLE_CHECK));
        int shardSize = Integer.parseInt(ctx.option(SHARD));
        int n = ctx.nrCpus();
        shardOf = new int[n];
        firstShard = new int[n];
        nrShards = new int[n];
        int[] llcFirst = new int[n];
        java.util.Arrays.fill(llcFirst, -1);
        int total = 0;
        for (int c = 0; c < n; c++) {
            int llc = ctx.domains().llcId(c);
            int count = (ctx.domains().llcSize(c) + shardSize - 1) / shardSize;
            if (llcFirst[llc] < 0) {
                llcFirst[llc] = total;
                total += count;
            }
            firstShard[c] = llcFirst[llc];
            nrShards[c] = count;
            shardOf[c] = firstShard[c] + (c >> 1) % count;
        }
        shards = new ArrayDeque[total];
        shardLine = new String[total];
        for (int s = 0; s < total; s++) {
            shards[s] = new ArrayDeque<>();
            shardLine[s] = "shared_runq." + s;
        }
    }

    /** The index of {@code cpu}'s shard within its LLC. */
    int shardIndex(int cpu) { return shardOf[cpu] - firstShard[cpu]; }

    /** __enqueue_entity: a queued task enters its runqueue's shard, unless pinned to one CPU. */
    void enqueue(int cpu, TaskView p) {
        push(cpu, p);
    }

    /** put_prev_entity of a task still runnable: it is queued again, so it enters the shard again. */
    void stopping(int cpu, TaskView p, boolean runnable) {
        if (runnable) push(cpu, p);
    }

    /** set_next_entity: the task runs, so __dequeue_entity takes it off its shard. */
    void running(int cpu, TaskView p) {
        remove(cpu, p);
    }

    /**
     * dequeue_entity of a queued task (it sleeps or moves): off its shard. Deviation: the lock is charged to the
     * task's CPU even when another CPU's balancing moves it (the hook does not name the acting CPU).
     */
    void dequeue(int cpu, TaskView p) {
        remove(cpu, p);
    }

    private void push(int cpu, TaskView p) {
        if (p.nrCpusAllowed() == 1 || listedIn.containsKey(p)) return;
        int s = shardOf[cpu];
        ctx.chargeSharedLine(cpu, shardLine[s], "shared_runq");
        shards[s].addLast(p);
        listedIn.put(p, s);
    }

    /** shared_runq_dequeue_task: only a task still on a list takes the lock. */
    private void remove(int cpu, TaskView p) {
        Integer s = listedIn.remove(p);
        if (s == null) return;
        ctx.chargeSharedLine(cpu, shardLine[s], "shared_runq");
        shards[s].remove(p);
    }

    /**
     * newidle_balance with SHARED_RUNQ as the 27 Sep 2023 kernels ran it (258c9412-...@amd.com): "the current
     * vanilla flow from your v3" with the peek's cost accounted. v3's gate domain is sd_llc->parent ("Skip <= LLC
     * domains" sets sd before the rd->overload / avg_idle check), so the gate compares avg_idle with the cost of a
     * newidle pass above the LLC; the peek is timed, starts curr_cost and is folded into the gate domain's
     * max_newidle_lb_cost, as 31aeb639-...@amd.com (30 Aug 2023) folds it into its gate domain. v3 meant to skip the
     * domains up to the LLC, but its loop (for_each_domain) still starts at the CPU's lowest domain (fixed in
     * 20230831104508.7619-3-kprateek.nayak@amd.com, which also moved the gate to sd_llc; in the 27 Sep kernels only
     * "without any other changes"). {@code idle_check=on} moves the avg_idle half of the gate before the peek and
     * leaves rd->overload below it.
     * Deviation: v3 peeks before idle_stamp is set; here the peek's time counts as idle, as mainline's balancing does.
     */
    void sched_balance_newidle(int cpu) {
        // a wakeup on its way: 6.5's newidle_balance returns before anything else
        if (ctx.ttwuPending(cpu)) return;
        SchedDomain llc = ctx.domains().sdLlc(cpu);
        SchedDomain above = llc == null ? null : llc.parent();
        SdState gate = above == null ? null : lb.sdState[cpu][above.level];
        if (idleCheck && gate != null && ctx.avgIdle(cpu) < gate.maxNewidleLbCost) {
            lb.pullNextBalanceEarlier(cpu, 0);
            return;
        }
        long before = ctx.chargedNs(cpu);
        boolean pulled = pickNextTask(cpu);
        long peek = ctx.chargedNs(cpu) - before;
        if (gate != null) lb.updateNewidleCost(gate, peek);
        // the peek's time counts in max_idle_balance_cost whichever way the pass ends
        ctx.setMaxIdleBalanceCost(cpu, Math.max(ctx.maxIdleBalanceCost(cpu), peek));
        if (pulled) return;
        if (!lb.rdOverloaded || !idleCheck && gate != null && ctx.avgIdle(cpu) < gate.maxNewidleLbCost) {
            lb.pullNextBalanceEarlier(cpu, 0);
            return;
        }
        ctx.updateBlockedAverages(cpu);
        mainline.newidleFrom(cpu, 0, peek);
    }

    /**
     * shared_runq_pick_next_task: from its own shard on, the head of the first non-empty shard, taken only if it
     * may run here (shared_runq_pop_task), then moved here if still queued (move_queued_task).
     * Deviation: the lockless list_empty() check of each shard is not charged.
     */
    private boolean pickNextTask(int cpu) {
        int first = firstShard[cpu], count = nrShards[cpu];
        int start = shardOf[cpu] - first;
        TaskView p = null;
        for (int i = 0; i < count && p == null; i++) {
            int s = first + (start + i) % count;
            ArrayDeque<TaskView> list = shards[s];
            if (list.isEmpty()) continue;
            ctx.chargeSharedLine(cpu, shardLine[s], "newidle");
            TaskView head = list.peekFirst();
            if (head.canRunOn(cpu)) {
                list.pollFirst();
                listedIn.remove(head);
                p = head;
            }
        }
        if (p == null) return false;
        return p.isQueued() && !p.isRunning() && p.cpu() != cpu && ctx.migrate(p, cpu, cpu, "newidle");
    }
}
