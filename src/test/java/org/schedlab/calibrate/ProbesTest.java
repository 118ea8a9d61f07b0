package org.schedlab.calibrate;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ProbesTest {
    private static String allowedCpus() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/thread-self/status")))
            if (line.startsWith("Cpus_allowed_list:")) return line.substring(line.indexOf(':') + 1).strip();
        throw new AssertionError("no Cpus_allowed_list");
    }

    @Test
    void probesThatPinTheCallerGiveItsCpusBack() throws Exception {
        // what calibrate runs afterwards (perf) inherits the calling thread's affinity
        assumeTrue(Probes.canPin() && Runtime.getRuntime().availableProcessors() >= 2);
        String before = allowedCpus();
        assumeTrue(!before.equals("0") && !before.equals("1"));
        double ns = Probes.lineTransferNs(0, 1, 10_000_000L);
        assertThat(allowedCpus()).isEqualTo(before);
        assertThat(ns).isPositive();
        try (Probes.Pinned p = Probes.pinCaller(1)) {
            assertThat(allowedCpus()).isEqualTo("1");
        }
        assertThat(allowedCpus()).isEqualTo(before);
    }
}
