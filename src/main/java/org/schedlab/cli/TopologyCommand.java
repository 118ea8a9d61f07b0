package org.schedlab.cli;

import picocli.CommandLine.Command;

/** {@code schedlab topology ...}: inspect machines and their sched domains. */
@Command(name = "topology", description = "Inspect machine topologies and sched domains.", mixinStandardHelpOptions = true)
public final class TopologyCommand implements Runnable {
    @Override public void run() {
        System.out.println("usage: schedlab topology show SOURCE [--cpu N] [--json]");
    }
}
