package org.schedlab.experiment;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedTablesTest {
    private static final RunPool runs = RunPool.of(2);

    @AfterAll
    static void closePool() { runs.close(); }

    @Test
    void distributedNohzTrackingIsAtParityWithMainlineAsPublished() {
        List<Validation.Check> checks = PublishedTables.published(PublishedTables.Size.small(), runs);
        for (Validation.Check c : checks) System.out.printf("%s: %.4f%n", c.name, c.measured);
        assertThat(checks).hasSize(4);
        assertThat(checks).allSatisfy(c -> assertThat(c.pass).as(c.name + " measured " + c.measured).isTrue());
    }

    @Test
    void pushVersusPullKeepsItsSignUnderEveryVariant() {
        List<PublishedTables.Verdict> verdicts = PublishedTables.verdicts(PublishedTables.Size.small(), runs);
        for (PublishedTables.Verdict v : verdicts) System.out.println(v);
        // two rows: tbench (six variants) and hackbench (no warm-up variant: it runs to completion)
        assertThat(verdicts).hasSize(11);
        assertThat(verdicts).allSatisfy(v -> assertThat(v.sameSign()).as(v.toString()).isTrue());
    }

    @Test
    void everyPublishedRowIsWithinFivePercentOfParity() {
        for (PublishedTables.Row[] table : new PublishedTables.Row[][]{PublishedTables.HACKBENCH, PublishedTables.TBENCH, PublishedTables.NETPERF})
            for (PublishedTables.Row r : table) assertThat(Math.abs(r.published() - 1)).as(r.toString()).isLessThanOrEqualTo(0.05);
    }
}
