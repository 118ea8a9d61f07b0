package org.schedlab.policy;

import org.junit.jupiter.api.Test;
import org.schedlab.InputError;
import org.schedlab.cost.CostModel;
import org.schedlab.kernel.Machine;
import org.schedlab.kernel.MachineConfig;
import org.schedlab.policy.linux.FairPolicy;
import org.schedlab.topology.Synthetic;
import org.schedlab.topology.Topology;
import org.schedlab.workload.Workloads;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the policy API guarantees a policy author: charged reads, validated options, private IPI vectors. */
class PolicyApiTest {
    /** A machine on two packages, run for a moment, whose context a test drives by hand. */
    private static Machine machine(SchedPolicy policy, Map<String, String> options) {
        Topology t = Synthetic.parse("synthetic:packages=2,cores=4");
        Machine m = new Machine(t, policy, options, Workloads.parse("hackbench:groups=1"), MachineConfig.of(2_000_000L, 1, true, true));
        m.run();
        return m;
    }

    @Test
    void aReaderChargesTheFirstReadOfEachRunqueueInItsPassAndNothingAfter() {
        Machine m = machine(FairPolicy.linuxWake(), Map.of());
        SchedContext ctx = m.context();
        CostModel costs = ctx.costs();
        // CPU 0 reads CPU 5 (the other package): one stat gather across packages
        long expected = costs.statGatherNs(ctx.topology(), 0, 5);
        assertThat(expected).isPositive();
        long before = ctx.chargedNs(0);
        RqReader rq = ctx.reader(0, "test");
        rq.load(5);
        assertThat(ctx.chargedNs(0) - before).isEqualTo(expected);
        rq.util(5);
        rq.runnable(5);
        rq.taskCount(5);
        assertThat(ctx.chargedNs(0) - before).as("later reads in the same pass are free").isEqualTo(expected);
        // a new pass reads the lines again: unchanged since CPU 0's last read, so a cache hit
        long second = ctx.chargedNs(0);
        ctx.reader(0, "test").load(5);
        assertThat(ctx.chargedNs(0) - second).isEqualTo(costs.cachedLineNs);
        assertThat(m.recorder().balanceOverheadNs()).containsKey("test");
        assertThat(m.recorder().counts()).containsEntry("rq_scans.test", 2L);
    }

    @Test
    void takingALockThroughTheReaderChargesTheLockAndMakesTheRunqueueRead() {
        Machine m = machine(FairPolicy.linuxWake(), Map.of());
        SchedContext ctx = m.context();
        long lock = ctx.costs().remoteLockNs(ctx.topology(), 1, 6);
        long before = ctx.chargedNs(1);
        RqReader rq = ctx.reader(1, "test");
        rq.lock(6);
        rq.taskCount(6);
        assertThat(ctx.chargedNs(1) - before).isEqualTo(lock);
        rq.lock(6);
        assertThat(ctx.chargedNs(1) - before).as("every lock is charged").isEqualTo(2 * lock);
    }

    @Test
    void theSelectReaderExistsOnlyInsideSelectTaskRq() {
        List<Boolean> insideWorked = new ArrayList<>();
        SchedPolicy probe = new ForwardingPolicy(FairPolicy.linuxWake()) {
            @Override public int selectTaskRq(TaskView p, int prevCpu, int wakerCpu, int wakeFlags) {
                ctx.selectReader().load(0);
                insideWorked.add(true);
                return super.selectTaskRq(p, prevCpu, wakerCpu, wakeFlags);
            }
        };
        Machine m = machine(probe, Map.of());
        assertThat(insideWorked).isNotEmpty();
        assertThatThrownBy(() -> m.context().selectReader()).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void optionsAreCheckedAgainstWhatThePolicyDeclares() {
        assertThat(Policies.resolve("push:nohz=per-llc,context=ipi").options).containsEntry("context", "ipi");
        assertThatThrownBy(() -> Policies.resolve("push:nohz=perllc")).isInstanceOf(InputError.class)
                .hasMessage("policy 'push:nohz=perllc': nohz must be global or per-llc, got 'perllc'");
        assertThatThrownBy(() -> Policies.resolve("pull:no_hz=global")).isInstanceOf(InputError.class)
                .hasMessageContaining("unknown key 'no_hz'; expected one of ni_random, newidle_cost, nohz, sis");
        assertThatThrownBy(() -> Policies.resolve("shared-runq:shard=0")).isInstanceOf(InputError.class)
                .hasMessageContaining("shard must be a positive integer");
        assertThatThrownBy(() -> Policies.resolve("pull:nohz=global,nohz=per-llc")).isInstanceOf(InputError.class)
                .hasMessageContaining("given twice");
        assertThatThrownBy(() -> Policies.resolve("random:seed=3")).isInstanceOf(InputError.class)
                .hasMessageContaining("this policy takes no options");
    }

    /** A class: policy with one declared option. */
    public static final class OneOption extends ForwardingPolicy {
        static final PolicyOption DEPTH = PolicyOption.positive("depth", "how deep", 2);
        int depth;

        public OneOption() { super(FairPolicy.linuxWake()); }

        @Override public String name() { return "one-option"; }
        @Override public List<PolicyOption> options() { return List.of(DEPTH); }

        @Override public void init(SchedContext ctx) {
            super.init(ctx);
            depth = Integer.parseInt(ctx.option(DEPTH));
        }
    }

    @Test
    void classPoliciesGetTheSameValidation() {
        String name = "class:" + OneOption.class.getName();
        assertThat(Policies.resolve(name + ":depth=5").options).containsEntry("depth", "5");
        assertThatThrownBy(() -> Policies.resolve(name + ":detph=5")).isInstanceOf(InputError.class)
                .hasMessageContaining("unknown key 'detph'; expected one of depth");
        assertThatThrownBy(() -> Policies.resolve(name + ":depth=-1")).isInstanceOf(InputError.class)
                .hasMessageContaining("depth must be a positive integer");
        Policies.Resolved r = Policies.resolve(name + ":depth=5");
        machine(r.policy, r.options);
        assertThat(((OneOption) r.policy).depth).isEqualTo(5);
    }

    @Test
    void readingAnUndeclaredOptionIsAPolicyBug() {
        SchedPolicy sneaky = new ForwardingPolicy(FairPolicy.linuxWake()) {
            @Override public void init(SchedContext ctx) {
                super.init(ctx);
                ctx.option(PolicyOption.onOff("secret", "not declared", false));
            }
        };
        assertThatThrownBy(() -> machine(sneaky, Map.of())).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not declare");
    }

    @Test
    void eachRegistrationGetsItsOwnVectorAndOnlyItsHandlerRuns() {
        List<String> arrivals = new ArrayList<>();
        IpiVector[] vectors = new IpiVector[2];
        SchedPolicy twoParts = new ForwardingPolicy(FairPolicy.pull()) {
            @Override public void init(SchedContext ctx) {
                super.init(ctx);   // pull registers its own nohz vectors first
                vectors[0] = ctx.registerIpi("a", (cpu, arg) -> arrivals.add("a@" + cpu + ":" + arg));
                vectors[1] = ctx.registerIpi("b", (cpu, arg) -> arrivals.add("b@" + cpu + ":" + arg));
                ctx.sendIpi(0, 3, vectors[1], 7, "test");
                ctx.callLater(2, 100, vectors[0], 9);   // before the IPI, which takes ipiLatencyNs
            }
        };
        machine(twoParts, Map.of());
        assertThat(vectors[0].id()).isNotEqualTo(vectors[1].id());
        assertThat(arrivals).containsExactly("a@2:9", "b@3:7");
        Machine other = machine(FairPolicy.linuxWake(), Map.of());
        assertThatThrownBy(() -> other.context().sendIpi(0, 1, vectors[0], 0, "test"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not registered");
    }
}
