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
            String limit = exhausted(ex);
            if (limit != null) {
                err.println("schedlab: " + limit);
                err.flush();
                return EXIT_INPUT;
            }
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
        System.exit(execute(commandLine(), args));
    }

    /**
     * Runs a command line; what exhausts the JVM's memory or stack (an error picocli lets through) is one line
     * naming the limit, never a JVM trace.
     */
    static int execute(CommandLine cl, String... args) {
        try {
            return cl.execute(args);
        } catch (OutOfMemoryError | StackOverflowError e) {
            PrintWriter err = cl.getErr();
            err.println("schedlab: " + exhausted(e));
            err.flush();
            return EXIT_INPUT;
        }
    }

    /** The line for an exhausted heap or stack anywhere in {@code t}'s causes, or null when neither is. */
    static String exhausted(Throwable t) {
        for (Throwable x = t; x != null; x = x.getCause() == x ? null : x.getCause()) {
            if (x instanceof OutOfMemoryError)
                return "out of memory: this input needs more than the Java heap's limit of "
                        + Runtime.getRuntime().maxMemory() / (1 << 20) + " MiB (raise it with SCHEDLAB_JAVA_OPTS=-Xmx...)";
            if (x instanceof StackOverflowError)
                return "out of stack: this input nests deeper than the thread stack allows "
                        + "(raise it with SCHEDLAB_JAVA_OPTS=-Xss...)";
        }
        return null;
    }
}
