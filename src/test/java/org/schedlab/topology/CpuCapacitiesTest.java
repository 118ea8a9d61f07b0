package org.schedlab.topology;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code --capacity}: the user's CPU performance replaces the source's, checked CPU by CPU. */
class CpuCapacitiesTest {
    private static final String RAPTOR = "src/test/resources/topologies/Intel-RaptorLake-Corei7-1370P.xml";

    private static Topology read(String capacity) {
        TopologySources.Options o = new TopologySources.Options();
        o.capacity = capacity;
        return TopologySources.resolve(RAPTOR, o);
    }

    @Test
    void theSourceGivesPerformanceByCpuKindAndTheOverrideReplacesIt() {
        Topology t = read(null);
        // the file's two CPU kinds: P-cores (CPUs 0-11, with SMT) and E-cores (12-19), estimated 1024 and 640
        for (int c = 0; c < 12; c++) assertThat(t.capacityOf(c)).isEqualTo(1024);
        for (int c = 12; c < 20; c++) assertThat(t.capacityOf(c)).isEqualTo(640);
        Topology o = read("0-5,8-11=1024,6-7=900,12-19=512");
        assertThat(o.capacityOf(6)).isEqualTo(900);
        assertThat(o.capacityOf(8)).isEqualTo(1024);
        assertThat(o.capacityOf(19)).isEqualTo(512);
        assertThat(o.asymPriority(6)).isLessThan(o.asymPriority(0)).isGreaterThan(o.asymPriority(12));
        assertThat(o.notes()).last().asString().isEqualTo("CPU capacities set by --capacity 0-5,8-11=1024,6-7=900,12-19=512");
        // CPUs not named keep the source's value; the same value everywhere makes a symmetric machine
        assertThat(read("12-19=1024").hasMixedPerformance()).isFalse();
        assertThat(read("0=1000").capacityOf(1)).isEqualTo(1024);
    }

    @Test
    void badOverridesAreOneClearLine() {
        assertThatThrownBy(() -> read("0-11=1024,12-25=512")).isInstanceOf(TopologyException.class)
                .hasMessage("--capacity 0-11=1024,12-25=512: CPU 20 is not in this machine (20 CPUs, 0-19)");
        assertThatThrownBy(() -> read("0-7=0")).hasMessage("--capacity 0-7=0: capacity 0 for CPUs 0-7, expected 1 to 1024");
        assertThatThrownBy(() -> read("0-7=fast")).hasMessageContaining("capacity 'fast' for CPUs 0-7 is not an integer");
        assertThatThrownBy(() -> read("0-7=512,3=100")).hasMessageContaining("CPU 3 is given twice");
        assertThatThrownBy(() -> read("0-7")).hasMessageContaining("CPU list '0-7' has no =VALUE");
        assertThatThrownBy(() -> read("a-b=5")).hasMessageContaining("'a-b' is not a CPU list");
        assertThatThrownBy(() -> read(" ")).hasMessageContaining("nothing given");
    }

    @Test
    void runTakesTheOverrideAndRefusesABadOneInOneLine() {
        java.io.StringWriter err = new java.io.StringWriter(), out = new java.io.StringWriter();
        var cl = org.schedlab.cli.Main.commandLine();
        cl.setErr(new java.io.PrintWriter(err));
        cl.setOut(new java.io.PrintWriter(out));
        int ok = cl.execute("run", "--topology", RAPTOR, "--capacity", "12-19=400", "--policy", "pull",
                "--workload", "spec-rate:copies=2", "--duration", "1s");
        assertThat(ok).as(err.toString()).isZero();
        err.getBuffer().setLength(0);
        int bad = cl.execute("run", "--topology", RAPTOR, "--capacity", "0-11=1024,12-19=2048", "--policy", "pull",
                "--workload", "hackbench", "--duration", "10ms");
        assertThat(bad).isEqualTo(2);
        assertThat(err.toString().lines().filter(l -> !l.startsWith("schedlab: note:")))
                .containsExactly("schedlab: --capacity 0-11=1024,12-19=2048: capacity 2048 for CPUs 12-19, expected 1 to 1024");
    }
}
