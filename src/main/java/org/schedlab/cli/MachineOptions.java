package org.schedlab.cli;

import org.schedlab.InputError;
import org.schedlab.experiment.RunSpec;
import picocli.CommandLine.Option;

/**
 * The simulated machine and the scheduler features it runs with, declared once for every command that
 * simulates ({@code run}, {@code compare}): same names, help and checks everywhere.
 */
public final class MachineOptions {
    @Option(names = "--topology", required = true, paramLabel = "SOURCE",
            description = "Preset, synthetic:..., host, hwloc XML file or sysfs directory.")
    String topology;
    @Option(names = "--keep-numa", description = "Keep a topology file's NUMA nodes even when fewer than packages.")
    boolean keepNuma;
    @Option(names = "--capacity", paramLabel = "CPULIST=VALUE,...",
            description = "Override CPU performance (1-1024, 1024 = fastest), e.g. 0-7=1024,8-15=640; CPUs as topology show numbers them.")
    String capacity;
    @Option(names = "--costs", defaultValue = "default", paramLabel = "default|none|FILE",
            description = "Cost profile: the built-in default, none (every cost zero) or a profile YAML file.")
    String costs;
    @Option(names = "--slice", defaultValue = "on", paramLabel = "on|off",
            description = "Time slicing, tick and wakeup preemption; off runs each task until it blocks (default ${DEFAULT-VALUE}).")
    String slice;
    @Option(names = "--delay-dequeue", defaultValue = "off", paramLabel = "on|off",
            description = "DELAY_DEQUEUE: ineligible sleepers stay queued until picked or woken (default ${DEFAULT-VALUE}).")
    String delayDequeue;
    @Option(names = "--fair", defaultValue = "eevdf", paramLabel = "eevdf|cfs",
            description = "Fair class: EEVDF (6.19) or CFS as in 5.19, the kernel of the 2022 published runs (default ${DEFAULT-VALUE}).")
    String fair;
    @Option(names = "--hz", defaultValue = "250", paramLabel = "100|250|300|1000",
            description = "Tick rate, CONFIG_HZ (default ${DEFAULT-VALUE}).")
    int hz;
    @Option(names = "--launch-cpu", paramLabel = "CPU",
            description = "CPU the benchmark is started from (the shell's CPU; default: the workload's own, CPU 0 unless it says).")
    Integer launchCpu;
    @Option(names = "--task-group", defaultValue = "root", paramLabel = "root|autogroup",
            description = "Task group of the workload: the root group, or an autogroup of its own as a login shell gives it, whose load every CPU keeps in tg->load_avg (default ${DEFAULT-VALUE}).")
    String taskGroup;
    @Option(names = "--tg-load-ratelimit", defaultValue = "on", paramLabel = "on|off",
            description = "update_tg_load_avg at most once per ms per CPU, as since 6.7; off for older kernels (default ${DEFAULT-VALUE}).")
    String tgLoadRatelimit;

    /** Sets the topology and machine settings of {@code s}; one clear error for a bad value. */
    void applyTo(RunSpec s) {
        s.topology = topology;
        s.keepNuma = keepNuma;
        s.capacity = capacity;
        CostsOption.apply(costs, s);
        s.slice = onOff("--slice", slice, "on", "off");
        s.delayDequeue = onOff("--delay-dequeue", delayDequeue, "on", "off");
        s.cfs = onOff("--fair", fair, "cfs", "eevdf");
        if (s.cfs && s.delayDequeue) throw new InputError("--fair cfs: DELAY_DEQUEUE is EEVDF's; use --delay-dequeue off");
        s.hz = hz;
        s.autogroup = onOff("--task-group", taskGroup, "autogroup", "root");
        s.tgLoadRatelimit = onOff("--tg-load-ratelimit", tgLoadRatelimit, "on", "off");
        if (launchCpu != null) {
            if (launchCpu < 0) throw new InputError("--launch-cpu: expected a CPU number, 0 or more, got " + launchCpu);
            s.launchCpu = launchCpu;
        }
    }

    static boolean onOff(String opt, String v, String yes, String no) {
        if (v.equals(yes)) return true;
        if (v.equals(no)) return false;
        throw new InputError(opt + ": expected " + yes + " or " + no + ", got '" + v + "'");
    }
}
