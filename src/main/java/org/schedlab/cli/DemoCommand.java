package org.schedlab.cli;

import org.schedlab.experiment.Comparison;
import org.schedlab.experiment.Experiment;
import org.schedlab.experiment.Grid;
import org.schedlab.experiment.Metric;
import org.schedlab.experiment.RunSpec;
import org.schedlab.report.ComparisonTable;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code schedlab demo}: a first comparison of pull and push balancing on a 2 x EPYC 7763. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Compare pull and push balancing on a 2 x EPYC 7763 (a minute or so).")
public final class DemoCommand implements Callable<Integer> {
    @Override public Integer call() {
        System.out.println("schedlab demo: hackbench (1, 2 and 4 groups) on a 2 x EPYC 7763 (256 CPUs),");
        System.out.println("mainline pull balancing against the push RFC and its per-LLC variant, 3 seeds each.");
        System.out.println("The same comparison by hand:");
        System.out.println("  ./schedlab compare --topology epyc-7763-2s --policies pull,push,push:nohz=per-llc \\");
        System.out.println("      --workload hackbench --param groups=1,2,4 --seeds 3 --metric metrics.wakeup_latency_us.p99 \\");
        System.out.println("      --metric metrics.balance_overhead_total_ns --metric metrics.migrations_total");
        System.out.println();
        RunSpec t = new RunSpec();
        t.durationNs = 1_000_000_000L;
        t.timelineBuckets = 0;
        Grid g = new Grid(t, List.of("epyc-7763-2s"), List.of("hackbench"), Map.of("groups", List.of("1", "2", "4")),
                List.of("pull", "push", "push:nohz=per-llc"), Grid.seeds(3));
        List<Metric> metrics = List.of(Metric.HEADLINE, Metric.parse("metrics.wakeup_latency_us.p99"),
                Metric.parse("metrics.balance_overhead_total_ns"), Metric.parse("metrics.migrations_total"));
        List<ComparisonTable> tables = Comparison.run(g, metrics, Experiment.defaultJobs(), null).stream()
                .map(ComparisonTable::new).toList();
        for (ComparisonTable table : tables) {
            System.out.print(table.text());
            System.out.println();
        }
        System.out.println("Next: ./schedlab --help, README.md and docs/push-vs-pull.md.");
        return 0;
    }
}
