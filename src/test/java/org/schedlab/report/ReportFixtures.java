package org.schedlab.report;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.experiment.RunSpec;
import org.schedlab.experiment.Runner;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Result JSON for report tests: short simulated runs (computed once per JVM) and the hand-written tiny result. */
final class ReportFixtures {
    static final String TOPOLOGY = "synthetic:packages=2,llcs=2,cores=4,smt=2";
    static final String[] POLICIES = {"pull", "linux-wake"};
    static final int SEEDS = 2;

    private static List<ObjectNode> runs;

    private ReportFixtures() {}

    /** hackbench:groups=1 for 50 ms on 32 CPUs, for each policy and seed 1..SEEDS, in that order. */
    static synchronized List<ObjectNode> runs() {
        if (runs == null) {
            List<ObjectNode> out = new ArrayList<>();
            for (String p : POLICIES)
                for (int seed = 1; seed <= SEEDS; seed++) {
                    RunSpec s = RunSpec.of(TOPOLOGY, p, "hackbench:groups=1", 50_000_000L, seed);
                    out.add(Runner.run(s));
                }
            runs = List.copyOf(out);
        }
        return runs;
    }

    /** Writes every simulated run as DIR/POLICY/seed-N.json. */
    static void writeRuns(Path dir) throws IOException {
        for (ObjectNode r : runs()) {
            Path f = dir.resolve(r.get("config").get("policy").asText()).resolve("seed-" + r.get("config").get("seed").asLong() + ".json");
            write(f, r);
        }
    }

    static void write(Path file, ObjectNode result) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    static ObjectNode tiny() throws IOException {
        try (InputStream in = ReportFixtures.class.getResourceAsStream("/report/tiny-result.json")) {
            return (ObjectNode) Runner.JSON.readTree(in);
        }
    }
}
