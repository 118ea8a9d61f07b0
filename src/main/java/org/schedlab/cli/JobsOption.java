package org.schedlab.cli;

import org.schedlab.InputError;
import org.schedlab.experiment.Experiment;
import picocli.CommandLine.Option;

/** {@code --jobs K}, declared once for the commands that run in parallel; the output never depends on it. */
public final class JobsOption {
    @Option(names = "--jobs", paramLabel = "K", description = "Parallel runs (default: available processors).")
    Integer jobs;

    /** The number of threads: {@code --jobs}, else the number of processors; at least 1. */
    int jobs() {
        int k = jobs == null ? Experiment.defaultJobs() : jobs;
        if (k < 1) throw new InputError("--jobs: must be at least 1, got " + k);
        return k;
    }
}
