package org.schedlab.experiment;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The validation ladder at the test suite's sizes: every rung passes, except published points the model is known
 * not to reproduce and findings whose size (not sign) moves under a robustness variant, each of which says why.
 */
class ValidationTest {
    @Test
    void everyCheckPassesAtSmallSizeOrHasAKnownCause() {
        List<Validation.Check> checks = new Validation(Validation.Size.small(), 2).run();
        assertThat(checks).hasSizeGreaterThan(15);
        assertThat(checks).filteredOn(c -> c.known != null)
                .allSatisfy(c -> assertThat(c.name).matches("(mainline curves|robustness).*"));
        assertThat(checks).filteredOn(c -> c.known == null).allSatisfy(c -> assertThat(c.pass)
                .as("%s: measured %s expected %s ± %s", c.name, c.measured, c.expected, c.tolerance).isTrue());
    }

    @Test
    void erlangCMatchesAKnownValue() {
        // M/M/2 with a = 1: C = 1/3
        assertThat(Validation.erlangC(2, 1.0)).isCloseTo(1.0 / 3, org.assertj.core.data.Offset.offset(1e-12));
    }
}
