package org.schedlab.cli;

import org.schedlab.experiment.Runner;
import org.schedlab.workload.WorkloadSpec;
import org.schedlab.workload.WorkloadSummary;
import org.schedlab.workload.Workloads;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code schedlab workload show SPEC}: what a workload will run. */
@Command(name = "workload", mixinStandardHelpOptions = true, description = "Inspect workloads.",
        subcommands = {WorkloadCommand.Show.class})
public final class WorkloadCommand implements Runnable {
    @Override public void run() {
        System.out.println("usage: schedlab workload show SPEC [--json]; workloads: " + String.join(", ", Workloads.names()));
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show the tasks and programs of a workload.")
    static final class Show implements Callable<Integer> {
        @Parameters(paramLabel = "SPEC", description = "e.g. hackbench:groups=4, rtapp:FILE, trace:FILE")
        String spec;
        @Option(names = "--json")
        boolean json;
        @Option(names = "--param", paramLabel = "KEY=VALUE")
        Map<String, String> params = new LinkedHashMap<>();

        @Override public Integer call() throws Exception {
            WorkloadSpec w = Workloads.parse(spec, params);
            if (json) System.out.println(Runner.JSON.writerWithDefaultPrettyPrinter().writeValueAsString(WorkloadSummary.data(w)));
            else System.out.print(WorkloadSummary.text(w));
            return 0;
        }
    }
}
