package org.schedlab.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.schedlab.AtomicFiles;
import org.schedlab.experiment.Bench;
import org.schedlab.experiment.Runner;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code schedlab bench}: simulator speed on a fixed wakeup-heavy scenario versus a bare event loop. */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure simulation speed on a fixed scenario.")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = "--policy", defaultValue = "linux-wake", paramLabel = "POLICY",
            description = "Policy to benchmark (default ${DEFAULT-VALUE}).")
    String policy;
    @Option(names = "--duration", defaultValue = "1s", paramLabel = "D", description = "Simulated time (default ${DEFAULT-VALUE}).")
    String duration;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the result JSON here.")
    Path json;

    @Override public Integer call() throws Exception {
        ObjectNode r = Bench.run(policy, RunOptions.positiveDuration("--duration", duration));
        String text = Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(r) + "\n";
        if (json != null) AtomicFiles.write(json, text);
        System.out.print(text);
        return 0;
    }
}
