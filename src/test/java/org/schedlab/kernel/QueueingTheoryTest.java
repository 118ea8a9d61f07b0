package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.experiment.Stats;
import org.schedlab.experiment.Validation;
import org.schedlab.workload.Workloads;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * With costs off and time slicing off on one flat LLC the machine is a queueing system:
 * global = M/M/c (Erlang C), random = c independent M/M/1 queues; Little's law holds for both.
 */
class QueueingTheoryTest {
    private static final int SEEDS = 6;
    private static final double MU = 1000.0;  // service rate per CPU: exp with mean 1 ms

    /** Mean response time over seeds and the half-width of its 99% confidence interval. */
    private static double[] meanResponse(String policy, int cpus, double lambda, long durationNs) {
        double[] r = new double[SEEDS];
        for (int s = 0; s < SEEDS; s++) {
            RunOutcome o = Sim.run("synthetic:cores=" + cpus, policy,
                    Workloads.parse("poisson:rate=" + lambda + ",service=exp:1ms"), Sim.config(durationNs, s + 1, false, false));
            r[s] = o.rec.responseTime.getMean() / 1e9;
            assertThat(o.rec.jobsCompleted).isGreaterThan((long) (lambda * durationNs / 1e9 * 0.9));
            if (policy.equals("global")) assertThat(o.rec.idleWhileOverloadedNs).isZero();
        }
        double mean = Stats.amean(r);
        double half = Stats.ciHalfWidth(Stats.stdev(r), SEEDS, 0.99);
        return new double[]{mean, half};
    }

    @Test
    void globalQueueIsErlangC() {
        int c = 8;
        for (double rho : new double[]{0.5, 0.8}) {
            double lambda = rho * c * MU;
            double wq = Validation.erlangC(c, lambda / MU) / (c * MU - lambda);
            double expected = wq + 1 / MU;
            double[] m = meanResponse("global", c, lambda, 8_000_000_000L);
            assertThat(Math.abs(m[0] - expected)).as("rho=%s measured %s expected %s ± %s", rho, m[0], expected, m[1])
                    .isLessThanOrEqualTo(m[1]);
        }
    }

    @Test
    void randomPlacementIsIndependentMM1Queues() {
        int c = 8;
        for (double rho : new double[]{0.5, 0.7}) {
            double lambda = rho * c * MU;
            double expected = 1 / (MU - lambda / c);
            double[] m = meanResponse("random", c, lambda, 8_000_000_000L);
            assertThat(Math.abs(m[0] - expected)).as("rho=%s measured %s expected %s ± %s", rho, m[0], expected, m[1])
                    .isLessThanOrEqualTo(m[1]);
        }
    }

    @Test
    void littlesLawHoldsForEveryPolicy() {
        for (String policy : new String[]{"global", "random", "linux-wake"}) {
            double lambda = 5000;
            MachineConfig cfg = Sim.config(4_000_000_000L, 3, false, false);
            RunOutcome o = Sim.run("synthetic:cores=8", policy, Workloads.parse("poisson:rate=" + lambda + ",service=exp:1ms"), cfg);
            // L = λW with L measured independently as the time-average number of jobs in the system,
            // which equals the total CPU demand of jobs plus their waiting, integrated over time
            double w = o.rec.responseTime.getMean() / 1e9;
            double throughput = o.rec.jobsCompleted / (o.simTimeNs / 1e9);
            double busy = 0;
            for (long b : o.busyNs) busy += b;
            double inService = busy / o.simTimeNs;               // time-average jobs being served
            double waiting = o.rec.runqueueWait.getMean() / 1e9 * throughput;   // Little on the queue alone
            assertThat(throughput).isCloseTo(lambda, org.assertj.core.data.Percentage.withPercentage(3));
            assertThat(inService + waiting).as(policy).isCloseTo(throughput * w, org.assertj.core.data.Percentage.withPercentage(2));
        }
    }
}
