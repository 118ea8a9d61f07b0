package org.schedlab.topology;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a directory laid out like {@code /sys/devices/system} (or its {@code cpu/} directory alone) into a
 * {@link Topology}: online CPUs only; cores from the SMT sibling lists, the LLC from the highest-level data or
 * unified cache, clusters from {@code cluster_cpus_list}, dies from {@code die_id} when a package has several,
 * NUMA nodes and distances from {@code node/}, capacities from {@code cpu_capacity}. Bad input ends in a
 * one-line {@link TopologyException} naming the file at fault.
 */
public final class SysfsReader {
    private static final Pattern CPU_DIR = Pattern.compile("cpu([0-9]+)");
    private static final Pattern NODE_DIR = Pattern.compile("node([0-9]+)");
    private static final Pattern INDEX_DIR = Pattern.compile("index([0-9]+)");
    /** Highest cache level accepted (hwloc's L1-L9 caches). */
    private static final int MAX_CACHE_LEVEL = 9;
    /** The largest cache size the kernel keeps: struct cacheinfo's size is an unsigned int of bytes. */
    private static final long MAX_CACHE_BYTES = 0xffffffffL;
    private static final Pattern X86_MODALIAS = Pattern.compile("type:x86,ven([0-9A-Fa-f]{4})");
    private static final Pattern SIZE = Pattern.compile("([0-9]+)\\s*([KMG]?)");

    private SysfsReader() {}

    public static Topology read(Path dir, TopologySources.Options opts) {
        Path fn = dir.toAbsolutePath().normalize().getFileName();
        return read(dir, opts, fn == null ? dir.toString() : fn.toString());
    }

    static Topology read(Path dir, TopologySources.Options opts, String name) {
        Path cpuDir, nodeDir;
        if (Files.isDirectory(dir.resolve("cpu"))) {
            cpuDir = dir.resolve("cpu");
            nodeDir = dir.resolve("node");
        } else if (Files.isDirectory(dir.resolve("cpu0")) || Files.isRegularFile(dir.resolve("online"))) {
            cpuDir = dir;
            Path parent = dir.toAbsolutePath().normalize().getParent();
            nodeDir = parent == null ? dir.resolve("node") : parent.resolve("node");
        } else {
            throw new TopologyException(dir + ": not a sysfs directory, expected cpu/cpuN/topology/ (a copy of "
                    + "/sys/devices/system) or cpuN/topology/ (a copy of /sys/devices/system/cpu)");
        }
        RawMachine m = new RawMachine(name, dir.toString());
        m.vendor = vendor(cpuDir.resolve("modalias"));
        BitSet online = online(cpuDir);
        if (online.isEmpty()) throw new TopologyException(cpuDir + ": no online CPUs found");

        Map<Integer, Long> nodeOf = new HashMap<>();
        if (Files.isDirectory(nodeDir)) readNodes(nodeDir, online, nodeOf, m);

        Map<Long, Set<Long>> diesOfPackage = new HashMap<>();
        List<long[]> diePerCpu = new ArrayList<>();
        boolean noCache = false;
        for (int cpu = online.nextSetBit(0); cpu >= 0; cpu = online.nextSetBit(cpu + 1)) {
            Path c = cpuDir.resolve("cpu" + cpu);
            if (!Files.isDirectory(c)) throw new TopologyException(c + ": missing, expected a directory for online CPU " + cpu);
            Path t = c.resolve("topology");
            long pkg = readLong(t.resolve("physical_package_id"), "the CPU's package number", -1, Integer.MAX_VALUE);
            Path siblingsFile = t.resolve("core_cpus_list");
            if (!Files.exists(siblingsFile)) siblingsFile = t.resolve("thread_siblings_list");
            BitSet core = list(siblingsFile, "the CPU's SMT siblings as a CPU list (or core_cpus_list)");
            core.and(online);
            core.set(cpu);

            Path dieFile = t.resolve("die_id");
            if (Files.exists(dieFile)) {
                long die = readLong(dieFile, "the CPU's die number", -1, Integer.MAX_VALUE);
                diesOfPackage.computeIfAbsent(pkg, k -> new HashSet<>()).add(die);
                diePerCpu.add(new long[]{cpu, pkg, die});
            }

            BitSet llc = null;
            long llcLabel;
            Path cacheDir = c.resolve("cache");
            int llcLevel = 0;
            if (Files.isDirectory(cacheDir)) {
                for (Path idx : children(cacheDir, INDEX_DIR)) {
                    String type = readString(idx.resolve("type"), "Data, Instruction or Unified");
                    if (!type.equals("Data") && !type.equals("Unified")) continue;
                    int level = (int) readLong(idx.resolve("level"), "the cache level", 1, MAX_CACHE_LEVEL);
                    BitSet shared = list(idx.resolve("shared_cpu_list"), "the CPUs sharing this cache as a CPU list");
                    shared.and(online);
                    shared.set(cpu);
                    long size = size(idx.resolve("size"));
                    if (level == 2) m.l2Bytes.put((long) core.nextSetBit(0), size);
                    if (level > llcLevel) {
                        llcLevel = level;
                        llc = shared;
                        m.llcBytes.put(llcLabel(level, shared), size);
                    }
                }
            }
            if (llc == null) {
                noCache = true;
                llcLabel = -1 - pkg;
            } else {
                llcLabel = llcLabel(llcLevel, llc);
            }

            long cluster = TopologyBuilder.NONE;
            Path clusterFile = t.resolve("cluster_cpus_list");
            if (Files.exists(clusterFile)) {
                BitSet cl = list(clusterFile, "the CPUs of the CPU's cluster as a CPU list");
                cl.and(online);
                cl.set(cpu);
                if (!cl.equals(core) && !cl.equals(llc)) cluster = cl.nextSetBit(0);
            }

            int capacity = Topology.SCHED_CAPACITY_SCALE;
            Path capFile = c.resolve("cpu_capacity");
            if (Files.exists(capFile))
                capacity = (int) readLong(capFile, "the CPU's capacity", 1, Topology.SCHED_CAPACITY_SCALE);

            Long node = nodeOf.get(cpu);
            if (node == null) {
                if (!nodeOf.isEmpty())
                    throw new TopologyException(nodeDir + ": CPU " + cpu + " is in no node's cpulist, expected every online CPU in one");
                node = 0L;
            }
            m.cpus.add(new RawMachine.Cpu(cpu, pkg, TopologyBuilder.NONE, node, llcLabel, cluster, core.nextSetBit(0), capacity));
        }
        boolean dies = diesOfPackage.values().stream().anyMatch(s -> s.size() > 1);
        if (dies) {
            Map<Integer, Long> dieOf = new HashMap<>();
            for (long[] d : diePerCpu) dieOf.put((int) d[0], (d[1] << 32) ^ (d[2] & 0xffffffffL));
            List<RawMachine.Cpu> withDies = new ArrayList<>();
            for (RawMachine.Cpu x : m.cpus) {
                Long die = dieOf.get(x.os);
                withDies.add(new RawMachine.Cpu(x.os, x.pkg, die == null ? TopologyBuilder.NONE : die, x.node, x.llc,
                        x.cluster, x.core, x.capacity));
            }
            m.cpus.clear();
            m.cpus.addAll(withDies);
        }
        if (noCache) m.notes.add(dir + " has no cache information for some CPUs; each package is taken as one LLC");
        return m.build(opts);
    }

    private static long llcLabel(int level, BitSet span) {
        return (long) level * HwlocReader.MAX_CPUS + span.nextSetBit(0);
    }

    private static void readNodes(Path nodeDir, BitSet online, Map<Integer, Long> nodeOf, RawMachine m) {
        TreeMap<Integer, Path> nodes = new TreeMap<>();
        for (Path p : children(nodeDir, NODE_DIR)) {
            Matcher mm = NODE_DIR.matcher(p.getFileName().toString());
            if (!mm.matches()) continue;
            String number = mm.group(1);
            // node ids are below MAX_NUMNODES; the length check keeps any number of digits out of parseInt
            if (number.length() > 4 || Integer.parseInt(number) >= Topology.MAX_NUMNODES)
                throw new TopologyException(p + ": node number " + number + " outside 0-" + (Topology.MAX_NUMNODES - 1)
                        + " (the kernel's MAX_NUMNODES is " + Topology.MAX_NUMNODES + ")");
            nodes.put(Integer.parseInt(number), p);
        }
        if (nodes.isEmpty()) return;
        for (Map.Entry<Integer, Path> e : nodes.entrySet()) {
            BitSet cpus = list(e.getValue().resolve("cpulist"), "the node's CPUs as a CPU list (may be empty)");
            cpus.and(online);
            for (int c = cpus.nextSetBit(0); c >= 0; c = cpus.nextSetBit(c + 1)) nodeOf.putIfAbsent(c, (long) e.getKey());
        }
        if (nodes.size() < 2) return;
        int n = nodes.size();
        int[] ids = nodes.keySet().stream().mapToInt(Integer::intValue).toArray();
        int[][] d = new int[n][n];
        int row = 0;
        for (Path p : nodes.values()) {
            Path f = p.resolve("distance");
            String[] tok = readString(f, "one distance per node, e.g. '10 32'").split("\\s+");
            if (tok.length != n)
                throw new TopologyException(f + ": " + tok.length + " distances, expected " + n + " (one per node)");
            for (int j = 0; j < n; j++) {
                try {
                    d[row][j] = Integer.parseInt(tok[j]);
                } catch (NumberFormatException ex) {
                    throw new TopologyException(f + ": '" + tok[j] + "' is not a distance, expected an integer such as 10");
                }
            }
            row++;
        }
        m.distanceNodes = ids;
        m.distances = d;
    }

    private static BitSet online(Path cpuDir) {
        Path f = cpuDir.resolve("online");
        if (Files.exists(f)) return list(f, "the online CPUs as a CPU list");
        BitSet s = new BitSet();
        for (Path p : children(cpuDir, CPU_DIR)) {
            Matcher mm = CPU_DIR.matcher(p.getFileName().toString());
            if (mm.matches() && Files.isDirectory(p.resolve("topology"))) {
                int c = parseCpu(mm.group(1));
                if (c >= 0) s.set(c);
            }
        }
        return s;
    }

    private static int parseCpu(String s) {
        try {
            int c = Integer.parseInt(s);
            return c < HwlocReader.MAX_CPUS ? c : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * The vendor from cpu/modalias: x86 prints its X86_VENDOR_* number ("cpu:type:x86,ven0002fam0019...", see
     * {@link X86Vendors}); "Arm" for an Arm type; else "unknown".
     */
    private static String vendor(Path modalias) {
        if (!Files.isRegularFile(modalias)) return "unknown";
        String s;
        try {
            s = org.schedlab.InputFiles.readString(modalias, "a sysfs attribute", MAX_FILE_BYTES);
        } catch (RuntimeException e) {
            return "unknown";
        }
        Matcher x86 = X86_MODALIAS.matcher(s);
        if (x86.find()) {
            String v = X86Vendors.byNumber(Integer.parseInt(x86.group(1), 16));
            return v == null ? "unknown" : v;
        }
        if (s.contains("type:aarch64") || s.contains("type:arm")) return "Arm";
        return "unknown";
    }

    /** The largest sysfs attribute read (the kernel fills at most a page; a CPU list of 65536 CPUs fits). */
    static final long MAX_FILE_BYTES = 64 * org.schedlab.InputFiles.KiB;

    private static List<Path> children(Path dir, Pattern name) {
        List<Path> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(p -> name.matcher(p.getFileName().toString()).matches()).forEach(out::add);
        } catch (IOException e) {
            throw new TopologyException(dir + ": cannot list: " + e.getMessage());
        }
        out.sort((a, b) -> {
            String x = a.getFileName().toString(), y = b.getFileName().toString();
            return x.length() != y.length() ? Integer.compare(x.length(), y.length()) : x.compareTo(y);
        });
        return out;
    }

    private static String readString(Path f, String expected) {
        if (!Files.exists(f)) throw new TopologyException(f + ": missing, expected " + expected);
        try {
            return org.schedlab.InputFiles.readString(f, "a sysfs attribute", MAX_FILE_BYTES).trim();
        } catch (org.schedlab.InputError e) {
            throw new TopologyException(e.getMessage() + " (" + expected + ")");
        } catch (RuntimeException e) {
            throw new TopologyException(f + ": cannot read (" + e.getMessage() + "), expected " + expected);
        }
    }

    /** A number from {@code min} to {@code max}: one outside is refused, never cast into the range. */
    private static long readLong(Path f, String expected, long min, long max) {
        String s = readString(f, expected);
        try {
            long v = Long.parseLong(s);
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new TopologyException(f + ": '" + abbreviate(s) + "', expected " + expected + ", " + min + " to " + max);
    }

    /**
     * Cache size such as "32768K" in bytes; 0 when the file is absent. The kernel keeps the size as an unsigned int
     * of bytes and prints it in KiB (size_show), so at most 4194303K.
     */
    private static long size(Path f) {
        if (!Files.exists(f)) return 0;
        String s = readString(f, "a size such as 32768K");
        Matcher mm = SIZE.matcher(s);
        if (mm.matches() && mm.group(1).length() <= 18) {
            int shift = mm.group(2).isEmpty() ? 0 : 10 * ("KMG".indexOf(mm.group(2)) + 1);
            long v = Long.parseLong(mm.group(1));
            if (v <= MAX_CACHE_BYTES >> shift) return v << shift;
        }
        throw new TopologyException(f + ": '" + abbreviate(s) + "', expected a size such as 32768K, at most "
                + (MAX_CACHE_BYTES >> 10) + "K");
    }

    private static BitSet list(Path f, String expected) {
        String s = readString(f, expected);
        try {
            return parseList(s);
        } catch (IllegalArgumentException e) {
            throw new TopologyException(f + ": '" + abbreviate(s) + "' " + e.getMessage() + ", expected " + expected);
        }
    }

    /** Parses a Linux CPU list ("0-3,8,10-11"); ids must be below {@link HwlocReader#MAX_CPUS}. */
    static BitSet parseList(String s) {
        BitSet b = new BitSet();
        for (String part : s.trim().split(",")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int dash = p.indexOf('-');
            int lo, hi;
            try {
                lo = Integer.parseInt((dash < 0 ? p : p.substring(0, dash)).trim());
                hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("is not a CPU list");
            }
            if (lo < 0 || hi < lo || hi >= HwlocReader.MAX_CPUS)
                throw new IllegalArgumentException("has a bad range " + p);
            b.set(lo, hi + 1);
        }
        return b;
    }

    private static String abbreviate(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() <= 40 ? one : one.substring(0, 37) + "...";
    }
}
