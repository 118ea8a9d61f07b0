package org.schedlab.cli;

import org.schedlab.InputError;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;

/** Entry point: wires the subcommands; user errors become one line on stderr and exit status 2. */
@Command(name = "schedlab", mixinStandardHelpOptions = true, version = "schedlab 0.1.0",
        description = "Deterministic simulator of Linux fair-class load balancing on many-core machines.",
        subcommands = {TopologyCommand.class, RunCommand.class, BenchCommand.class, WorkloadCommand.class,
                ValidateCommand.class, CompareCommand.class, SweepCommand.class, ReportCommand.class,
                StudyCommand.class, DemoCommand.class,
                CalibrateCommand.class, PredictHostCommand.class})
public final class Main implements Runnable {
    public static final int EXIT_INPUT = 2;

    @Override public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            Throwable t = ex;
            while (t != null && !(t instanceof InputError) && t.getCause() != null && t.getCause() != t) t = t.getCause();
            PrintWriter err = cmd.getErr();
            if (t instanceof InputError) {
                err.println("schedlab: " + t.getMessage());
                err.flush();
                return EXIT_INPUT;
            }
            err.println("schedlab: internal error: " + ex);
            for (StackTraceElement e : ex.getStackTrace()) err.println("    at " + e);
            err.flush();
            return 70;
        });
        cl.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            err.println("schedlab: " + ex.getMessage().replace('\n', ' ').trim()
                    + " (see '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help')");
            err.flush();
            return EXIT_INPUT;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
