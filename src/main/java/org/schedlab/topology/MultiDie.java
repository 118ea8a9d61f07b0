package org.schedlab.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Multi-chip packages whose hardware exposes one NUMA node per die, for sources (an hwloc capture of a machine with
 * memory interleaved across dies, a trimmed file) that describe fewer nodes than that. AMD: Naples (EPYC 7001 and
 * Threadripper 1000/2000, Zen and Zen+: family 0x17 models 0x00-0x0f, dies of two CCXs with an L3 each), Magny-Cours
 * (K10, family 0x10 model 0x09) and Interlagos/Abu Dhabi (Bulldozer, family 0x15 models 0x00-0x0f), dies of one L3.
 * Hygon: Dhyana (family 0x18, derived from Zen like Naples, dies of two CCXs), models 0x00-0x03, the multi-die parts
 * of 1, 2 or 4 dies per socket for which the kernel derives the package from ApicId[6..] (topology_amd.c,
 * parse_8000_001e(), after commit e0ceeae708ce "x86/CPU/hygon: Fix phys_proc_id calculation logic for multi-die
 * processors"); later Hygon models are not known to be multi-die and keep the per-package rule. No other x86
 * vendor sells a Zen-derived part. Dies come from the source's Die objects, else from its L3s in order.
 * SLIT distances assumed: 10 local, 16 between dies of a package, 32 (Naples, and Dhyana as its derivative) or 22
 * (K10, Bulldozer) between packages; Naples' 10/16/32 is what 2-socket EPYC 7601 firmware reports in
 * {@code numactl -H}.
 */
final class MultiDie {
    private final String part;
    private final int llcsPerDie, otherPackage;
    private static final int SAME_PACKAGE = 16;

    private MultiDie(String part, int llcsPerDie, int otherPackage) {
        this.part = part;
        this.llcsPerDie = llcsPerDie;
        this.otherPackage = otherPackage;
    }

    /** The multi-die part with this vendor (as {@link X86Vendors} names it) and CPUID family and model, or null. */
    static MultiDie of(String vendor, int family, int model) {
        if (model < 0) return null;
        if ("AMD".equals(vendor)) {
            if (family == 0x17 && model <= 0x0f) return new MultiDie("AMD Naples (Zen)", 2, 32);
            if (family == 0x10 && model == 0x09) return new MultiDie("AMD Magny-Cours (K10)", 1, 22);
            if (family == 0x15 && model <= 0x0f) return new MultiDie("AMD Interlagos/Abu Dhabi (Bulldozer)", 1, 22);
        }
        if ("Hygon".equals(vendor) && family == 0x18 && model <= 0x03) return new MultiDie("Hygon Dhyana (Zen)", 2, 32);
        return null;
    }

    /**
     * Adds the machine's CPUs to {@code b} with one node per die when the source has fewer nodes than dies;
     * returns false (adding nothing) otherwise.
     */
    boolean inferNodes(RawMachine m, int sourceNodes, Map<Long, Integer> pkgIndex, TopologyBuilder b) {
        // the source's Die objects, if it has more than one per package
        TreeSet<Long> sourceDies = new TreeSet<>();
        for (RawMachine.Cpu c : m.cpus) if (c.die != TopologyBuilder.NONE) sourceDies.add(c.die);
        boolean useSourceDies = sourceDies.size() > pkgIndex.size();
        Map<Long, List<Long>> llcsOfPackage = new HashMap<>();
        for (RawMachine.Cpu c : m.cpus) {
            List<Long> l = llcsOfPackage.computeIfAbsent(c.pkg, k -> new ArrayList<>());
            if (!l.contains(c.llc)) l.add(c.llc);
        }
        Map<Long, Integer> nodeOfDie = new LinkedHashMap<>();
        Map<Integer, Long> packageOfNode = new HashMap<>();
        long[] dieOf = new long[m.cpus.size()];
        for (int i = 0; i < m.cpus.size(); i++) {
            RawMachine.Cpu c = m.cpus.get(i);
            long die = useSourceDies ? c.die
                    : ((long) pkgIndex.get(c.pkg) << 20) | (llcsOfPackage.get(c.pkg).indexOf(c.llc) / llcsPerDie);
            dieOf[i] = die;
            if (!nodeOfDie.containsKey(die)) {
                packageOfNode.put(nodeOfDie.size(), c.pkg);
                nodeOfDie.put(die, nodeOfDie.size());
            }
        }
        int k = nodeOfDie.size();
        if (k <= sourceNodes) return false;
        if (k > Topology.MAX_NUMNODES) throw TopologyBuilder.tooManyNodes(m.source, k);
        for (int i = 0; i < m.cpus.size(); i++) {
            RawMachine.Cpu c = m.cpus.get(i);
            b.cpu(c.os, c.pkg, dieOf[i], nodeOfDie.get(dieOf[i]), c.llc, c.cluster, c.core, c.capacity);
        }
        m.llcBytes.forEach(b::llcBytes);
        m.l2Bytes.forEach(b::l2Bytes);
        int[][] d = new int[k][k];
        for (int x = 0; x < k; x++)
            for (int y = 0; y < k; y++)
                d[x][y] = x == y ? 10 : packageOfNode.get(x).equals(packageOfNode.get(y)) ? SAME_PACKAGE : otherPackage;
        b.distances(d);
        b.note(m.source + ": " + part + " exposes one NUMA node per die; the source describes " + sourceNodes
                + " node" + (sourceNodes == 1 ? "" : "s") + " for " + k + " dies, so " + k + " nodes are inferred (distance 10 local, "
                + SAME_PACKAGE + " within a package, " + otherPackage + " between packages); --keep-numa keeps the source's nodes");
        return true;
    }
}
