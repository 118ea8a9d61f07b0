package org.schedlab.workload.synthetic;

import com.fasterxml.jackson.databind.JsonNode;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Runs workloads through the Runner for the generator tests and checks what every run must satisfy. */
final class Sim {
    private Sim() {}

    static JsonNode run(String topology, String policy, String workload, long durationNs, boolean costs) {
        RunSpec s = new RunSpec();
        s.topology = topology;
        s.policy = policy;
        s.workload = workload;
        s.durationNs = durationNs;
        s.seed = 1;
        s.costs = costs;
        s.timelineBuckets = 0;
        JsonNode r = Runner.run(s);
        conserved(r);
        return r;
    }

    static JsonNode run(String topology, String workload, long durationNs) {
        return run(topology, "linux-wake", workload, durationNs, true);
    }

    static double value(JsonNode r) { return r.get("throughput").get("value").asDouble(); }

    static long markCount(JsonNode r, String mark) { return r.get("metrics").get("marks").get(mark).get("count").asLong(); }

    static double markP99Us(JsonNode r, String mark) {
        return r.get("metrics").get("marks").get(mark).get("latency_us").get("p99").asDouble();
    }

    /** demanded + refill = executed + pending. */
    static void conserved(JsonNode r) {
        JsonNode w = r.get("metrics").get("work_ns");
        double in = w.get("demanded").asDouble() + w.get("refill").asDouble();
        double out = w.get("executed").asDouble() + w.get("pending").asDouble();
        assertThat(out).isCloseTo(in, within(Math.max(2.0, 1e-6 * in)));
    }

    static <T extends Op> List<T> ops(TaskTemplate t, Class<T> kind) {
        List<T> out = new ArrayList<>();
        for (Op op : t.program) if (kind.isInstance(op)) out.add(kind.cast(op));
        return out;
    }

    static double ms(long ns) { return ns / 1e6; }
}
