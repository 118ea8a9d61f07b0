package org.schedlab.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a reader found in a file or directory before the NUMA assumptions are applied: one record per CPU with
 * labels as the source gave them, NUMA node labels being the source's node numbers. {@link #build} settles the
 * NUMA nodes (one per package when the source has fewer nodes than packages, unless told otherwise), checks the
 * distance matrix and hands everything to {@link TopologyBuilder}; every failure is a {@link TopologyException}
 * whose message starts with {@code source}.
 */
final class RawMachine {
    static final class Cpu {
        final int os;
        final long pkg, die, node, llc, cluster, core;
        final int capacity;

        Cpu(int os, long pkg, long die, long node, long llc, long cluster, long core, int capacity) {
            this.os = os;
            this.pkg = pkg;
            this.die = die;
            this.node = node;
            this.llc = llc;
            this.cluster = cluster;
            this.core = core;
            this.capacity = capacity;
        }
    }

    final String name;
    final String source;
    String vendor = "unknown";
    /** CPUID family and model from the source, -1 when it has none. */
    int family = -1, model = -1;
    final List<Cpu> cpus = new ArrayList<>();
    final Map<Long, Long> llcBytes = new HashMap<>();
    final Map<Long, Long> l2Bytes = new HashMap<>();
    final List<String> notes = new ArrayList<>();
    /** Source node numbers, and distances between them in that order; null when the source has none. */
    int[] distanceNodes;
    int[][] distances;

    RawMachine(String name, String source) {
        this.name = name;
        this.source = source;
    }

    /**
     * SLIT distance between packages assumed when nodes are inferred from packages: 32 on AMD (and on Hygon, whose
     * parts derive from AMD's), 21 on Intel, else the kernel's REMOTE_DISTANCE, 20.
     */
    static int assumedRemoteDistance(String vendor) {
        switch (vendor) {
            case "AMD":
            case "Hygon": return 32;
            case "Intel": return 21;
            default: return 20;
        }
    }

    Topology build(TopologySources.Options opts) {
        if (cpus.isEmpty()) throw new TopologyException(source + ": no CPUs found");
        TreeSet<Long> nodes = new TreeSet<>();
        Map<Long, Integer> pkgIndex = new LinkedHashMap<>();
        cpus.sort((a, b) -> Integer.compare(a.os, b.os));
        for (Cpu c : cpus) {
            nodes.add(c.node);
            pkgIndex.putIfAbsent(c.pkg, pkgIndex.size());
        }
        TopologyBuilder b = new TopologyBuilder(name).vendor(vendor).cpuid(family, model);
        for (String n : notes) b.note(n);
        if (opts.nodePerPackage) {
            MultiDie md = MultiDie.of(vendor, family, model);
            if (md != null && md.inferNodes(this, nodes.size(), pkgIndex, b)) return finish(b);
        }
        boolean perPackage = nodes.size() < pkgIndex.size() && opts.nodePerPackage;
        // refused before any distance matrix of that many nodes is allocated
        int nrNodes = perPackage ? pkgIndex.size() : nodes.size();
        if (nrNodes > Topology.MAX_NUMNODES) throw TopologyBuilder.tooManyNodes(source, nrNodes);
        Map<Long, Integer> nodeIndex = new HashMap<>();
        for (long n : nodes) nodeIndex.put(n, nodeIndex.size());
        for (Cpu c : cpus) {
            int node = perPackage ? pkgIndex.get(c.pkg) : nodeIndex.get(c.node);
            b.cpu(c.os, c.pkg, c.die, node, c.llc, c.cluster, c.core, c.capacity);
        }
        llcBytes.forEach(b::llcBytes);
        l2Bytes.forEach(b::l2Bytes);
        if (perPackage) {
            int remote = assumedRemoteDistance(vendor);
            int p = pkgIndex.size();
            int[][] d = new int[p][p];
            for (int i = 0; i < p; i++)
                for (int j = 0; j < p; j++) d[i][j] = i == j ? 10 : remote;
            b.distances(d);
            b.note(source + " describes " + nodes.size() + " NUMA node" + (nodes.size() == 1 ? "" : "s") + " for "
                    + p + " packages; assuming one node per package (distance 10 local, " + remote
                    + " remote); --keep-numa keeps the source's nodes");
        } else if (nodes.size() > 1) {
            int[][] d = distancesFor(nodes, b);
            if (d != null) b.distances(d);
        }
        return finish(b);
    }

    private Topology finish(TopologyBuilder b) {
        try {
            return b.build();
        } catch (TopologyException e) {
            String m = e.getMessage();
            if (m.startsWith(name + ": ")) m = m.substring(name.length() + 2);
            throw new TopologyException(source + ": " + m, e);
        }
    }

    /** Sub-matrix of the source's distances for {@code nodes}, or null (with a note) when it cannot be used. */
    private int[][] distancesFor(TreeSet<Long> nodes, TopologyBuilder b) {
        if (distances == null) {
            b.note(source + " gives no NUMA distances; assuming 10 local, 20 remote");
            return null;
        }
        Map<Long, Integer> pos = new HashMap<>();
        for (int i = 0; i < distanceNodes.length; i++) pos.put((long) distanceNodes[i], i);
        int k = nodes.size();
        int[][] d = new int[k][k];
        Long[] ns = nodes.toArray(new Long[0]);
        for (int a = 0; a < k; a++) {
            Integer pa = pos.get(ns[a]);
            if (pa == null) {
                b.note(source + ": the distance matrix does not cover node " + ns[a] + "; assuming 10 local, 20 remote");
                return null;
            }
            for (int c = 0; c < k; c++) {
                Integer pc = pos.get(ns[c]);
                if (pc == null) {
                    b.note(source + ": the distance matrix does not cover node " + ns[c] + "; assuming 10 local, 20 remote");
                    return null;
                }
                d[a][c] = distances[pa][pc];
            }
        }
        for (int a = 0; a < k; a++)
            for (int c = 0; c < k; c++) {
                boolean ok = a == c ? d[a][c] == 10 : d[a][c] > 10 && d[a][c] <= 255;
                if (!ok) {
                    b.note(source + ": ignoring the distance matrix (node " + ns[a] + " to " + ns[c] + " is "
                            + d[a][c] + ", expected SLIT values: 10 to itself, 11-255 to others); assuming 10 local, 20 remote");
                    return null;
                }
            }
        return d;
    }
}
