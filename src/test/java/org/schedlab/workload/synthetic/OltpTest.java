package org.schedlab.workload.synthetic;

import org.junit.jupiter.api.Test;
import org.schedlab.workload.Op;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

class OltpTest {
    @Test
    void dispatcherFeedsAPoolThatRotatesOverTheHotLocks() {
        WorkloadSpec open = Workloads.parse("oltp:threads=3,locks=2,statements=3");
        assertThat(open.templates).extracting(t -> t.comm)
                .containsExactly("dbserver", "dbworker", "dbworker", "dbworker", "dispatcher");
        assertThat(open.templates).extracting(t -> t.instances).containsExactly(1, 0, 0, 0, 0);
        assertThat(open.mutexes).isEqualTo(2);
        // the main thread creates the workers, then the dispatcher, one by one
        var main = open.templates.get(0);
        assertThat(Sim.ops(main, Op.Fork.class)).allSatisfy(f -> assertThat(f.count).isEqualTo(1))
                .extracting(f -> f.template).containsExactly(1, 2, 3, 4);
        assertThat(Sim.ops(main, Op.WaitChildren.class)).singleElement().satisfies(x -> assertThat(x.count).isEqualTo(4));
        var dispatcher = open.templates.get(4);
        assertThat(Sim.ops(dispatcher, Op.Signal.class)).extracting(s -> s.channel).containsExactly(Oltp.REQUESTS);
        assertThat(Sim.ops(dispatcher, Op.Sleep.class)).singleElement()
                .satisfies(s -> assertThat(s.duration.mean()).isEqualTo(1e9 / 2000));
        for (int i = 0; i < 3; i++) {
            var worker = open.templates.get(1 + i);
            assertThat(Sim.ops(worker, Op.Wait.class)).extracting(x -> x.channel).containsExactly(Oltp.REQUESTS);
            int first = i;
            assertThat(Sim.ops(worker, Op.Lock.class)).extracting(l -> l.mutex)
                    .containsExactly(first % 2, (first + 1) % 2, (first + 2) % 2);
            assertThat(Sim.ops(worker, Op.Unlock.class)).hasSize(3);
            assertThat(Sim.ops(worker, Op.Sleep.class)).hasSize(1);
        }
        WorkloadSpec closed = Workloads.parse("oltp:threads=3,rate=0,locks=0");
        assertThat(closed.templates).extracting(t -> t.comm).containsExactly("dbserver", "dbworker", "dbworker", "dbworker");
        assertThat(Sim.ops(closed.templates.get(0), Op.Fork.class)).extracting(f -> f.template).containsExactly(1, 2, 3);
        assertThat(Sim.ops(closed.templates.get(1), Op.Wait.class)).isEmpty();
        assertThat(Sim.ops(closed.templates.get(1), Op.Lock.class)).isEmpty();
    }

    @Test
    void theServerThreadCreatesEveryWorkerAndTheDispatcher() {
        Sim.Births b = Sim.births(Sim.spec("synthetic:cores=4", "linux-wake", "oltp:threads=5", 20_000_000L, 1));
        Sim.Birth main = b.only("dbserver");
        assertThat(b.childrenOf(main.pid())).extracting(Sim.Birth::comm)
                .containsExactly("dbworker", "dbworker", "dbworker", "dbworker", "dbworker", "dispatcher");
        assertThat(b.tasks()).hasSize(7);
        assertThat(Sim.markCount(b.result(), "transaction")).isPositive();
    }

    @Test
    void throughputFollowsTheArrivalRateUntilThePoolSaturates() {
        double light = Sim.value(Sim.run("synthetic:cores=4", "oltp:rate=1000", 400_000_000L));
        assertThat(light).isBetween(880.0, 1120.0);
        double overload = Sim.value(Sim.run("synthetic:cores=4", "oltp:rate=40000", 200_000_000L));
        double closed = Sim.value(Sim.run("synthetic:cores=4", "oltp:rate=0", 200_000_000L));
        // 8 workers, 4 CPUs, about 0.25 ms of CPU per transaction: at most ~16000 tx/s
        assertThat(overload).isBetween(8_000.0, 17_000.0);
        assertThat(closed).isBetween(0.8 * overload, 1.25 * overload);
    }

    @Test
    void aSingleHotLockWithLongHoldsSerialises() {
        double spread = Sim.value(Sim.run("synthetic:cores=4", "oltp:rate=0,hold=100us", 200_000_000L));
        double hot = Sim.value(Sim.run("synthetic:cores=4", "oltp:rate=0,hold=100us,locks=1", 200_000_000L));
        // one lock held 4 × 100 µs per transaction allows at most 2500 tx/s
        assertThat(hot).isLessThanOrEqualTo(2_600.0);
        assertThat(spread).isGreaterThan(1.5 * hot);
        double p99 = Sim.value(Sim.run("synthetic:cores=4", "oltp:rate=0,hold=100us,locks=1,metric=p99", 200_000_000L));
        double p99Spread = Sim.value(Sim.run("synthetic:cores=4", "oltp:rate=0,hold=100us,metric=p99", 200_000_000L));
        assertThat(p99).isGreaterThan(p99Spread);
    }
}
