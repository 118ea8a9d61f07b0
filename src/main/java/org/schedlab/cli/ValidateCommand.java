package org.schedlab.cli;

import org.schedlab.experiment.Validation;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;

/** {@code schedlab validate}: the validation ladder, one line per check; exit 1 if any fails. */
@Command(name = "validate", mixinStandardHelpOptions = true,
        description = "Check the simulator against closed forms and invariants; one line per check.")
public final class ValidateCommand implements Callable<Integer> {
    @Option(names = "--quick", description = "Smaller sizes (the test suite's), wider confidence intervals.")
    boolean quick;
    @Mixin JobsOption jobs;
    @Mixin CacheOption cache;

    @Override public Integer call() {
        long t0 = System.nanoTime();
        List<Validation.Check> checks = new Validation(quick ? Validation.Size.small() : Validation.Size.full(), jobs.jobs(),
                cache.open()).run();
        int failed = 0, known = 0;
        for (Validation.Check c : checks) {
            System.out.printf("%-4s %-86s measured %12s  expected %12s  tolerance %10s %s%n", c.pass ? "PASS" : "FAIL",
                    c.name, num(c.measured), num(c.expected), "±" + num(c.tolerance), c.unit);
            if (c.known != null) System.out.printf("     known: %s%n", c.known);
            if (!c.pass) failed++;
            if (c.known != null) known++;
        }
        System.out.printf("%d passed, %d failed (%d of them with a known cause) (%.1f s)%n", checks.size() - failed, failed,
                known, (System.nanoTime() - t0) / 1e9);
        return failed == 0 ? 0 : 1;
    }

    private static String num(double v) { return org.schedlab.report.CheckTable.num(v); }
}
