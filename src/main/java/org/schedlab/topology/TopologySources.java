package org.schedlab.topology;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Resolves a {@code --topology SOURCE}: a preset name (with {@code :nps=N} where the preset has NPS modes),
 * {@code synthetic:...}, {@code host} (this machine's /sys), an hwloc XML file, or a directory laid out like
 * /sys/devices/system.
 */
public final class TopologySources {
    private TopologySources() {}

    /** Options that change how sources are read. */
    public static final class Options {
        /** When a source has fewer NUMA nodes than packages: assume one node per package (default). */
        public boolean nodePerPackage = true;
        /** {@code --capacity CPULIST=VALUE,...}: CPU performance overriding the source's (null: keep it). */
        public String capacity;
    }

    public static Topology resolve(String source) { return resolve(source, new Options()); }

    public static Topology resolve(String source, Options opts) {
        Topology t = read(source, opts);
        return opts.capacity == null ? t : CpuCapacities.apply(t, opts.capacity);
    }

    private static Topology read(String source, Options opts) {
        if (source == null || source.isBlank()) throw new TopologyException("empty topology source");
        if (source.equals("synthetic") || source.startsWith("synthetic:")) return Synthetic.parse(source);
        if (Presets.exists(source)) return Presets.get(source);
        if (source.equals("host")) return SysfsReader.read(Path.of("/sys/devices/system"), opts, "host");
        Path p;
        try {
            p = Path.of(source);
        } catch (InvalidPathException e) {
            p = null;
        }
        if (p != null && Files.isDirectory(p)) return SysfsReader.read(p, opts);
        if (p != null && Files.exists(p)) return HwlocReader.read(p, opts);
        if (source.contains("/") || source.toLowerCase().endsWith(".xml"))
            throw new TopologyException(source + ": no such file or directory, expected an hwloc XML file or a sysfs directory");
        throw new TopologyException("'" + source + "' is not a preset, a synthetic:... spec, 'host', an hwloc XML file "
                + "or a sysfs directory; presets: " + String.join(", ", Presets.descriptions().keySet()));
    }
}
