package org.schedlab.topology;

import java.nio.file.Path;

/** Reads hwloc XML (format versions 2 and 3, as written by {@code lstopo --of xml}). */
public final class HwlocReader {
    private HwlocReader() {}

    public static Topology read(Path file, TopologySources.Options opts) {
        throw new TopologyException(file + ": hwloc XML import is not available in this build");
    }
}
