package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.cost.CostModel;
import org.schedlab.cost.CostProfile;
import org.schedlab.experiment.Runner;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CostsCliTest {
    private record Result(int exit, String out, String err) {}

    private static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream(), ebuf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf));
        System.setErr(new PrintStream(ebuf));
        try {
            var cl = Main.commandLine();
            cl.setOut(new PrintWriter(out));
            cl.setErr(new PrintWriter(err));
            int exit = cl.execute(args);
            return new Result(exit, buf + out.toString(), ebuf + err.toString());
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    private static JsonNode runJson(Path dir, String name, String costs, String workload) throws Exception {
        Path json = dir.resolve(name);
        Result r = run("run", "--topology", "synthetic:llcs=2,cores=4", "--policy", "linux-wake", "--workload", workload,
                "--duration", "200ms", "--costs", costs, "--json", json.toString());
        assertThat(r.exit).as(r.err).isZero();
        ObjectNode j = (ObjectNode) Runner.JSON.readTree(json.toFile());
        j.remove("wall_time_ms");
        ((ObjectNode) j.get("config")).remove("costs");
        // the profile's name differs (a path, or "default"); its content is the same: costs_sha256 stays compared
        ((ObjectNode) j.get("spec")).remove("costs");
        return j;
    }

    @Test
    void shippedDefaultProfileAsAFileGivesTheDefaultResults(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("default.yaml");
        try (InputStream in = CostProfile.class.getResourceAsStream(CostProfile.DEFAULT_RESOURCE)) {
            Files.write(file, in.readAllBytes());
        }
        for (String wl : new String[]{"hackbench:groups=2,loops=20", "poisson:rate=3000,service=exp:1ms"}) {
            JsonNode builtin = runJson(dir, "a.json", "default", wl), fromFile = runJson(dir, "b.json", file.toString(), wl);
            assertThat(fromFile).as(wl).isEqualTo(builtin);
            assertThat(runJson(dir, "c.json", "none", wl)).as(wl).isNotEqualTo(builtin);
        }
    }

    @Test
    void badProfileIsOneLineExitTwoAndNoResultFile(@TempDir Path dir) throws Exception {
        Path profile = dir.resolve("bad.yaml");
        Files.writeString(profile, "profile: x\ntickNs: -1\n");
        Path json = dir.resolve("out.json");
        Result r = run("run", "--topology", "synthetic:cores=2", "--policy", "linux-wake", "--workload", "pipe:loops=10",
                "--costs", profile.toString(), "--json", json.toString());
        assertThat(r.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(r.err.strip()).isEqualTo("schedlab: " + profile + ":2: 'tickNs' must be an integer between 0 and 1000000 ns, got -1");
        assertThat(json).doesNotExist();
        Result c = run("compare", "--topology", "synthetic:cores=2", "--workload", "pipe:loops=10",
                "--policies", "linux-wake,pull", "--seeds", "1", "--costs", dir.resolve("missing.yaml").toString());
        assertThat(c.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(c.err.strip()).startsWith("schedlab: " + dir.resolve("missing.yaml")).doesNotContain("\n");
    }

    @Test
    void calibrateWritesAProfileThatLoads(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("host.yaml");
        // a shared test host is often too noisy for the default 10%: the path that writes the profile is tested here,
        // the refusal in CalibrationFitTest
        Result bad = run("calibrate", "--max-error", "0", "--out", out.toString());
        assertThat(bad.exit).isEqualTo(Main.EXIT_INPUT);
        assertThat(bad.err.strip()).isEqualTo("schedlab: --max-error: expected a percentage in (0, 100], got '0'");
        Result r = run("calibrate", "--method", "probes", "--budget", "20ms", "--max-error", "100%", "--out", out.toString());
        assertThat(r.exit).as(r.err).isZero();
        assertThat(r.err).contains("calibrate: pipe round trip on one CPU");
        CostModel c = CostProfile.load(out);
        assertThat(c.isFree()).isFalse();
        JsonNode doc = new com.fasterxml.jackson.databind.ObjectMapper(new com.fasterxml.jackson.dataformat.yaml.YAMLFactory())
                .readTree(out.toFile());
        assertThat(doc.get("host").get("cpus").asInt()).isPositive();
        assertThat(doc.get("measured").get("pipe_round_trip_same_cpu_ns").get("value").asDouble()).isPositive();
        assertThat(doc.get("measured").get("pipe_round_trip_same_cpu_ns").get("method").asText()).contains("java probe");
        // every figure measured in rounds: its median, spread, the median's error and the runs
        JsonNode same = doc.get("measured").get("pipe_round_trip_same_cpu_ns");
        assertThat(same.get("runs").asInt()).isBetween(org.schedlab.calibrate.Calibration.MIN_ROUNDS, org.schedlab.calibrate.Calibration.MAX_ROUNDS);
        assertThat(same.get("spread").asDouble()).isNotNegative();
        assertThat(same.get("error").asDouble()).isNotNegative();
        assertThat(doc.get("host").get("priority").asText()).isNotEmpty();
        // socket syscall work: the hackbench-shaped probe's figure (20 sockets, 200 messages deep) minus the
        // per-byte part of a 100-byte message; the shallow one-socket figure is recorded for the cross-CPU cost
        JsonNode m = doc.get("measured");
        double send = m.get("socket_send_ns").get("value").asDouble(), recv = m.get("socket_recv_ns").get("value").asDouble();
        double deepSend = m.get("socket_send_deep_ns").get("value").asDouble(), deepRecv = m.get("socket_recv_deep_ns").get("value").asDouble();
        assertThat(send).isPositive();
        assertThat(recv).isPositive();
        assertThat(m.get("socket_send_deep_ns").get("method").asText()).contains("20 unix stream sockets holding 200 messages");
        assertThat(c.socketSendNs).isCloseTo(Math.max(0, Math.round(deepSend - 100 * c.socketByteNs)), within(1L));
        assertThat(c.socketRecvNs).isCloseTo(Math.max(0, Math.round(deepRecv - 100 * c.socketByteNs)), within(1L));
        // the cross-CPU socket cost, where the host has two CPUs sharing a cache and threads can be pinned
        for (String near : new String[]{"llc", "smt"}) {
            if (!m.has("socket_shared_" + near + "_ns")) continue;
            // a writer on one CPU streaming to a reader on the other, else one socket used from both at once
            String key = m.has("socket_stream_" + near + "_ns") ? "socket_stream_" + near + "_ns" : "socket_shared_" + near + "_ns";
            double shared = m.get(key).get("value").asDouble();
            long transfer = near.equals("llc") ? c.transferLlcNs : c.transferSmtNs;
            if (transfer > 0)
                assertThat(c.ipcRemoteLines).isCloseTo(Math.max(0, shared - send - recv) / (2.0 * transfer), within(0.1));
            break;
        }
    }

    @Test
    void predictHostModelsProcessAndThreadModeAndPipeWithoutPerf(@TempDir Path dir) throws Exception {
        Path profile = dir.resolve("exit.yaml");
        Files.writeString(profile, "processExitNs: 5000000\n");
        Result r = run("predict-host", "--no-real", "--costs", profile.toString(), "--groups", "1", "--loops", "5",
                "--pipe-loops", "200", "--repeat", "1", "--background", "none");
        assertThat(r.exit).as(r.err).isZero();
        double process = Double.NaN, thread = Double.NaN, pipe = Double.NaN;
        for (String line : r.out.split("\n")) {
            // benchmark, busy CPUs and stolen share of other programs, model, real, ratio, spread, runs, drift, switches
            String[] f = line.trim().split("\\s{2,}");
            if (line.startsWith("messaging -g 1 -l 5 (s)")) process = Double.parseDouble(f[3]);
            if (line.startsWith("messaging -t -g 1 -l 5 (s)")) thread = Double.parseDouble(f[3]);
            if (line.startsWith("pipe -l 200 (us/op)")) pipe = Double.parseDouble(f[3]);
            if (line.startsWith("messaging") || line.startsWith("pipe")) {
                assertThat(f[1]).isEqualTo("0.00");
                assertThat(f[2]).isEqualTo("0.0%");
                assertThat(f[4]).isEqualTo("-");
            }
        }
        assertThat(thread).isPositive();
        assertThat(pipe).isPositive();
        // every process-mode child ends with 5 ms of exit work inside the timed interval; threads have none
        assertThat(process - thread).isGreaterThanOrEqualTo(0.005);

        Result bad = run("predict-host", "--no-real", "--repeat", "0");
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.err.strip()).contains("--repeat").doesNotContain("\n").doesNotContain("Exception");
        Result badBusy = run("predict-host", "--no-real", "--background", "lots");
        assertThat(badBusy.exit).isEqualTo(2);
        assertThat(badBusy.err.strip()).isEqualTo("schedlab: --background: expected auto, none or BUSY,STOLEN (busy CPUs, and a share of 0 to 1), got 'lots'");
    }
}
