package org.schedlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;
import org.schedlab.InputError;
import org.schedlab.experiment.Bench;
import org.schedlab.experiment.Runner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code schedlab bench}: simulator speed on the runs people make — every scenario of {@link Bench#SCENARIOS}
 * under each policy — against a bare event loop timed in the same process on as many events.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Measure simulation speed: scenarios x policies, each against a bare event loop.")
public final class BenchCommand implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(names = "--scenario", split = ",", paramLabel = "NAME",
            description = "Scenarios (default all): pingpong, hackbench16, schbench512, tbench1024, big4096; "
                    + "with --scaling: cpus64, cpus256, cpus1024, cpus4096, tasks100, tasks1000, tasks10000, tasks100000.")
    List<String> scenarios;
    @Option(names = "--scaling", description = "Run the scaling scenarios instead (default policy pull): one load per CPU "
            + "on 64 to 4096 CPUs, and 100 to 100000 tasks on 256 CPUs; heap per task in the last column.")
    boolean scaling;
    @Option(names = "--policy", split = ",", paramLabel = "POLICY",
            description = "Policies (default pull, push, push:nohz=per-llc).")
    List<String> policies;
    @Option(names = "--scale", defaultValue = "1", paramLabel = "X",
            description = "Multiply every scenario's simulated time (default ${DEFAULT-VALUE}).")
    double scale;
    @Option(names = "--repeat", defaultValue = "2", paramLabel = "N", description = "Timed runs per row, best kept (default ${DEFAULT-VALUE}).")
    int repeat;
    @Option(names = "--json", paramLabel = "FILE", description = "Write every row and the worst ratio as JSON here.")
    Path json;

    @Override public Integer call() throws Exception {
        if (!(scale > 0) || scale > 100) throw new InputError("--scale: expected a number in (0, 100], got " + scale);
        if (repeat < 1 || repeat > 20) throw new InputError("--repeat: expected 1 to 20, got " + repeat);
        if (json != null) AtomicFiles.checkTarget(json);
        List<Bench.Scenario> sc = new ArrayList<>();
        if (scenarios == null) sc.addAll(scaling ? Bench.SCALING : Bench.SCENARIOS);
        else for (String n : scenarios) sc.add(Bench.scenario(n.trim()));
        List<String> pols = policies != null ? policies : scaling ? List.of("pull") : Bench.POLICIES;
        for (String p : pols) org.schedlab.policy.Policies.resolve(p);
        PrintWriter out = spec.commandLine().getOut();
        out.printf("%-12s %-18s %6s %10s %9s %8s %7s %10s %9s %8s%n", "scenario", "policy", "CPUs", "events", "us/event",
                "bare us", "ratio", "wall/sim", "B/event", "B/task");
        out.flush();
        ObjectNode r = Bench.suite(sc, pols, scale, repeat, row -> {
            out.printf("%-12s %-18s %6d %10d %9.3f %8.4f %7.2f %10.3f %9.1f %8d%n", row.get("scenario").asText(),
                    row.get("policy").asText(), row.get("cpus").asInt(), row.get("events").asLong(),
                    row.get("us_per_event").asDouble(), row.get("bare_us_per_event").asDouble(), row.get("ratio").asDouble(),
                    row.get("wall_per_sim_s").asDouble(), row.get("alloc_bytes_per_event").asDouble(),
                    row.get("heap_bytes_per_task").asLong());
            out.flush();
        });
        JsonNode worst = r.get("worst_ratio");
        out.println("worst ratio to the bare loop: " + worst.asDouble() + " (" + r.get("worst_row").asText() + ")");
        out.flush();
        if (json != null) AtomicFiles.write(json, Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n");
        return 0;
    }
}
