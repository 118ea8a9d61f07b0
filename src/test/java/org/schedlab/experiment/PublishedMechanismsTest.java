package org.schedlab.experiment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.schedlab.policy.Policies;
import org.schedlab.workload.Workloads;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The published mechanism rows: the comparison rule, the rows' contents, and a run of the test suite's size. */
class PublishedMechanismsTest {
    private static final RunPool runs = RunPool.of(2);

    @AfterAll
    static void closePool() { runs.close(); }

    private static PublishedMechanisms.Row row(double published) {
        PublishedMechanisms.Side s = new PublishedMechanisms.Side("pull", "tbench:clients=1");
        return new PublishedMechanisms.Row("x", "epyc-7763-2s", "row", s, s, published);
    }

    @Test
    void largeChangesNeedTheSignAndAFactorOfTwoSmallOnesParityWithinTenPercent() {
        assertThat(PublishedMechanisms.verdict(row(103.5), 60).pass).isTrue();
        assertThat(PublishedMechanisms.verdict(row(103.5), 207).pass).isTrue();
        assertThat(PublishedMechanisms.verdict(row(103.5), 208).pass).isFalse();
        assertThat(PublishedMechanisms.verdict(row(103.5), 51).pass).isFalse();
        assertThat(PublishedMechanisms.verdict(row(-60.3), -35).pass).isTrue();
        assertThat(PublishedMechanisms.verdict(row(-60.3), 35).pass).isFalse();
        assertThat(PublishedMechanisms.verdict(row(-3.6), 9.9).pass).isTrue();
        assertThat(PublishedMechanisms.verdict(row(-3.6), -10.1).pass).isFalse();
        assertThat(PublishedMechanisms.verdict(row(0), 0).againstMachine).isTrue();
    }

    @Test
    void everyRowNamesAPolicyAndWorkloadThatResolve() {
        List<PublishedMechanisms.Row> rows = PublishedMechanisms.allRows();
        // 1b: 11 tbench, 5 hackbench, 10 schbench; 4c: 2 columns of 5 hackbench, 11 tbench, 10 netperf;
        // 5a: 2 x 4 STREAM rows on NPS1; 5b: 2 x 4 STREAM rows; 6a: 5 hackbench, 6 tbench, 3 netperf, 6 schbench
        assertThat(rows).hasSize(26 + 52 + 8 + 8 + 20);
        for (PublishedMechanisms.Row r : rows)
            for (PublishedMechanisms.Side s : new PublishedMechanisms.Side[]{r.base(), r.variant()}) {
                Policies.resolve(s.policy());
                Workloads.parse(s.workload());
            }
        assertThat(rows).filteredOn(r -> Math.abs(r.published()) >= 10).hasSize(3 + 14 + 8 + 8 + 5);
        // 6a compares the fair classes: the same policy, workload and warm-up, CFS against EEVDF
        assertThat(rows).filteredOn(r -> r.set().equals("6a"))
                .allSatisfy(r -> assertThat(r.base().cfs() && !r.variant().cfs() && r.base().policy().equals(r.variant().policy())
                        && r.base().warmupNs() == r.variant().warmupNs()).isTrue());
    }

    @Test
    void theTestSuitesRowsRunAndThePlacementListsAreCompared() {
        List<Validation.Check> checks = PublishedMechanisms.check(PublishedMechanisms.Size.small(), runs);
        for (Validation.Check c : checks) System.out.printf("%s %s: %.2f%n", c.pass ? "PASS" : "FAIL", c.name, c.measured);
        assertThat(checks).hasSize(6).allSatisfy(c -> assertThat(c.againstMachine).isTrue());
        assertThat(checks).filteredOn(c -> c.name.contains("placement")).hasSize(2);
        // the printed lists start 32, 48, 0 with and without the cap: so does the model's
        assertThat(PublishedMechanisms.streamEightForks(PublishedMechanisms.CAP_V7)).startsWith(16, 32, 48, 0);
        assertThat(PublishedMechanisms.streamEightForks(PublishedMechanisms.TIP_518)).containsExactly(16, 32, 48, 0, 16, 16, 16, 16);
    }
}
