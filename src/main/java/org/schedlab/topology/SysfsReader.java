package org.schedlab.topology;

import java.nio.file.Path;

/** Reads a directory laid out like /sys/devices/system (cpuN/topology, cpuN/cache, nodeN). */
public final class SysfsReader {
    private SysfsReader() {}

    public static Topology read(Path dir, TopologySources.Options opts) {
        throw new TopologyException(dir + ": sysfs import is not available in this build");
    }
}
