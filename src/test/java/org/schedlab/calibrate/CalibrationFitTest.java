package org.schedlab.calibrate;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.schedlab.InputError;
import org.schedlab.cost.CostModel;

import java.io.OutputStream;
import java.io.PrintStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The profile calibrate writes from given figures: each constant from its figure, untrusted figures refused. */
class CalibrationFitTest {
    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private static ObjectNode host() {
        ObjectNode h = JsonNodeFactory.instance.objectNode();
        h.put("cpus", 2);
        h.put("pinning", "taskset on each probe thread");
        return h;
    }

    private static void fig(ObjectNode m, String key, double value, double error) {
        ObjectNode o = m.putObject(key);
        o.put("value", value);
        o.put("spread", error * 1.349 / 1.2533 * Math.sqrt(5));
        o.put("error", error);
        o.put("runs", 5);
        o.put("method", "given");
    }

    /** The figures of a 2-CPU host with perf: every key calibrate's measuring writes, errors of 1%. */
    private static ObjectNode figures() {
        ObjectNode m = JsonNodeFactory.instance.objectNode();
        fig(m, "pipe_round_trip_same_cpu_ns", 7000, 0.01);
        fig(m, "pipe_round_trip_same_cpu_process_ns", 13000, 0.01);
        fig(m, "pipe_process_extra_ns", 6000, 0.01);
        fig(m, "pipe_round_trip_same_cpu_probe_ns", 9000, 0.01);
        fig(m, "pipe_write_read_ns", 3000, 0.01);
        fig(m, "pipe_round_trip_llc_ns", 21000, 0.01);
        fig(m, "line_transfer_llc_ns", 200, 0.01);
        fig(m, "socket_send_ns", 1800, 0.01);
        fig(m, "socket_recv_ns", 1900, 0.01);
        fig(m, "socket_send_deep_ns", 2100, 0.01);
        fig(m, "socket_recv_deep_ns", 2200, 0.01);
        fig(m, "socket_shared_llc_ns", 8000, 0.01);
        fig(m, "socket_stream_llc_ns", 4500, 0.01);
        fig(m, "process_fork_ns", 800_000, 0.01);
        fig(m, "process_child_ns", 8_000_000, 0.01);
        fig(m, "process_exit_ns", 5_000_000, 0.01);
        fig(m, "process_exit_all_cpus_ns", 4_000_000, 0.01);
        return m;
    }

    @Test
    void eachConstantComesFromItsFigure() {
        CostModel c = Calibration.fit(host(), figures(), QUIET).costs;
        assertThat(c.transferLlcNs).isEqualTo(200);
        // the hackbench-shaped socket figures less the per-byte part of a 100-byte message
        assertThat(c.socketSendNs).isEqualTo(Math.round(2100 - 100 * c.socketByteNs));
        assertThat(c.socketRecvNs).isEqualTo(Math.round(2200 - 100 * c.socketByteNs));
        // a writer on one CPU and its reader on the other: (4500 - 1800 - 1900) / (2 x 200) lines per operation
        assertThat(c.ipcRemoteLines).isEqualTo(2.0);
        assertThat(c.mmSwitchNs).isEqualTo(3000);
        // the child's extra CPU time is split where perf's timing sees it: its exit inside, the rest before the gate
        assertThat(c.processForkNs).isEqualTo(800_000);
        assertThat(c.processExitNs).isEqualTo(5_000_000);
        assertThat(c.processStartNs).isEqualTo(3_000_000);
        // the fitted switch gives the model the measured one-CPU round trip, the fitted IPI latency the cross-CPU one
        assertThat(Calibration.modelRoundTripNs(c, "synthetic:cores=1")).isCloseTo(7000, within(70.0));
        assertThat(Calibration.modelRoundTripNs(c, "synthetic:cores=2")).isCloseTo(7000 + 21000 - 9000, within(190.0));
    }

    @Test
    void theShareOfTheExitSiblingsDoOneAtATimeGivesTheModelTheMeasuredTimeOnEveryCpu() {
        CostModel c = Calibration.fit(host(), figures(), QUIET).costs;
        assertThat(c.processExitShared).isStrictlyBetween(0.0, 1.0);
        assertThat(Calibration.modelExitPerChildNs(c, "synthetic:cores=2")).isCloseTo(4_000_000, within(100_000.0));
        // exits as fast on two CPUs as on one: all shared; twice as fast: none
        ObjectNode serial = figures(), parallel = figures();
        fig(serial, "process_exit_all_cpus_ns", 5_000_000, 0.01);
        fig(parallel, "process_exit_all_cpus_ns", 2_500_000, 0.01);
        assertThat(Calibration.fit(host(), serial, QUIET).costs.processExitShared).isGreaterThan(0.95);
        assertThat(Calibration.fit(host(), parallel, QUIET).costs.processExitShared).isLessThan(0.05);
        // one CPU: nothing to share
        ObjectNode one = host();
        one.put("cpus", 1);
        assertThat(Calibration.fit(one, figures(), QUIET).costs.processExitShared).isZero();
    }

    @Test
    void theSharedSocketStandsInWhenTheStreamingProbeCouldNotFinish() {
        ObjectNode m = figures();
        m.remove("socket_stream_llc_ns");
        assertThat(Calibration.fit(host(), m, QUIET).costs.ipcRemoteLines).isEqualTo(10.8);
    }

    @Test
    void aConstantFromAFigureKnownWorseThanTheLimitIsRefusedInOneLine() {
        ObjectNode m = figures();
        fig(m, "process_exit_ns", 5_000_000, 0.2);
        fig(m, "socket_send_deep_ns", 2100, 0.12);
        assertThatThrownBy(() -> Calibration.fit(host(), m, QUIET)).isInstanceOf(InputError.class)
                .hasMessageStartingWith("calibrate: the host is too noisy to trust: socket_send_deep_ns median uncertain by 12.0%")
                .hasMessageContaining("process_exit_ns median uncertain by 20.0%")
                .hasMessageEndingWith("at most 10.0% allowed (--max-error); no profile written")
                .message().doesNotContain("\n");
        // a looser limit takes both
        assertThat(Calibration.fit(host(), m, 0.25, QUIET).text).contains("socket_send_deep_ns");
        // a figure no constant is taken from may be as noisy as it is
        ObjectNode ok = figures();
        fig(ok, "pipe_write_read_ns", 3000, 0.9);
        assertThat(Calibration.fit(host(), ok, QUIET).text).contains("pipe_write_read_ns");
    }
}
