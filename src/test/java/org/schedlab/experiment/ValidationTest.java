package org.schedlab.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validation ladder at the test suite's sizes: every rung of the simulator's own correctness passes, except a
 * robustness variant that keeps a finding's sign and says that its size moved; the rows compared with a real
 * machine's published results run (whether the model reproduces them is what they report), and a missed point of
 * the mainline curves says what is known of its cause.
 */
class ValidationTest {
    @Test
    void everyOwnCheckPassesAtSmallSize() {
        List<Validation.Check> checks = new Validation(Validation.Size.small(), 2).run();
        assertThat(checks).hasSizeGreaterThan(15);
        assertThat(checks).filteredOn(c -> !c.againstMachine && c.known == null).allSatisfy(c -> assertThat(c.pass)
                .as("%s: measured %s expected %s ± %s", c.name, c.measured, c.expected, c.tolerance).isTrue());
        assertThat(checks).filteredOn(c -> !c.againstMachine && c.known != null)
                .allSatisfy(c -> assertThat(c.name).startsWith("robustness"));
        assertThat(checks).filteredOn(c -> c.againstMachine).hasSizeGreaterThanOrEqualTo(6);
        assertThat(checks).filteredOn(c -> c.name.startsWith("mainline curves") && !c.pass)
                .allSatisfy(c -> assertThat(c.known).as(c.name).isNotBlank());
    }

    @Test
    void erlangCMatchesAKnownValue() {
        // M/M/2 with a = 1: C = 1/3
        assertThat(Validation.erlangC(2, 1.0)).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    }
}
