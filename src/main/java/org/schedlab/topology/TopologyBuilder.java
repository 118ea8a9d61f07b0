package org.schedlab.topology;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects CPUs with arbitrary labels for their core, cluster, LLC, die, node and package, then builds a
 * {@link Topology} with dense ids. Checks that the objects nest (core ⊆ cluster ⊆ LLC ⊆ die ⊆ package,
 * LLC ⊆ node) and throws {@link TopologyException} naming the source otherwise.
 */
public final class TopologyBuilder {
    private final String name;
    private final List<long[]> cpus = new ArrayList<>();   // os, pkg, die, node, llc, cluster, core, capacity
    private final Map<Long, Long> llcBytes = new HashMap<>();
    private final Map<Long, Long> l2Bytes = new HashMap<>();
    private int[][] distance;
    private boolean hasDies;
    private String vendor = "unknown";
    private int family = -1, model = -1;
    private final List<String> notes = new ArrayList<>();

    public static final long NONE = Long.MIN_VALUE;

    public TopologyBuilder(String name) { this.name = name; }

    /**
     * Adds one CPU. Labels are any numbers unique per object of their kind across the machine;
     * pass {@link #NONE} for cluster to mean "the core itself", for die to mean "the package".
     */
    public TopologyBuilder cpu(int osIndex, long pkg, long die, long node, long llc, long cluster, long core, int capacity) {
        cpus.add(new long[]{osIndex, pkg, die, node, llc, cluster, core, capacity});
        if (die != NONE) hasDies = true;
        return this;
    }

    public TopologyBuilder llcBytes(long llcLabel, long bytes) { llcBytes.put(llcLabel, bytes); return this; }
    public TopologyBuilder l2Bytes(long coreLabel, long bytes) { l2Bytes.put(coreLabel, bytes); return this; }

    /** Distance matrix indexed by node label order (dense labels 0..k-1 as given to {@link #cpu}). */
    public TopologyBuilder distances(int[][] d) { this.distance = d; return this; }

    public TopologyBuilder vendor(String v) { this.vendor = v; return this; }

    /** CPUID family and model (-1: unknown), for vendor quirks that depend on them. */
    public TopologyBuilder cpuid(int family, int model) {
        this.family = family;
        this.model = model;
        return this;
    }

    public TopologyBuilder note(String n) { notes.add(n); return this; }

    private TopologyException bad(String what) { return new TopologyException(name + ": " + what); }

    /** The error for a machine of more than {@link Topology#MAX_NUMNODES} nodes. */
    static TopologyException tooManyNodes(String name, long nodes) {
        return new TopologyException(name + ": " + nodes + " NUMA nodes, at most " + Topology.MAX_NUMNODES
                + " supported (the kernel's MAX_NUMNODES)");
    }

    public Topology build() {
        int n = cpus.size();
        if (n == 0) throw bad("no CPUs");
        if (n > Topology.MAX_CPUS) throw bad(n + " CPUs, at most " + Topology.MAX_CPUS + " supported");
        cpus.sort((a, b) -> Long.compare(a[0], b[0]));
        int[] os = new int[n];
        for (int i = 0; i < n; i++) {
            os[i] = (int) cpus.get(i)[0];
            if (i > 0 && os[i] == os[i - 1]) throw bad("CPU " + os[i] + " listed twice");
        }
        long[][] labels = new long[7][n];
        for (int i = 0; i < n; i++) {
            long[] c = cpus.get(i);
            labels[1][i] = c[1];
            labels[2][i] = c[2] == NONE ? ((c[1] << 20) ^ 0x5a5a5L) : c[2];
            labels[3][i] = c[3];
            labels[4][i] = c[4];
            labels[6][i] = c[6];
            labels[5][i] = c[5] == NONE ? c[6] : c[5];
        }
        int[] pkgOf = dense(labels[1]), dieOf = dense(labels[2]), nodeOfLabel = denseKeep(labels[3]);
        int[] llcOf = dense(labels[4]), clusterOf = dense(labels[5]), coreOf = dense(labels[6]);
        int[] nodeOf = dense(labels[3]);
        int nrNodes = Arrays.stream(nodeOf).max().orElse(0) + 1;
        if (nrNodes > Topology.MAX_NUMNODES) throw tooManyNodes(name, nrNodes);
        int[] cap = new int[n];
        for (int i = 0; i < n; i++) {
            cap[i] = (int) cpus.get(i)[7];
            if (cap[i] <= 0 || cap[i] > Topology.SCHED_CAPACITY_SCALE)
                throw bad("CPU " + os[i] + " has capacity " + cap[i] + ", expected 1-1024");
        }
        nest(coreOf, clusterOf, "core", "cluster", os);
        nest(clusterOf, llcOf, "cluster", "LLC", os);
        nest(llcOf, dieOf, "LLC", "die", os);
        nest(dieOf, pkgOf, "die", "package", os);
        nest(llcOf, nodeOf, "LLC", "NUMA node", os);

        CpuSet[] cores = spans(coreOf, n), llcs = spans(llcOf, n), pkgs = spans(pkgOf, n), nodes = spans(nodeOf, n);
        // a machine without clusters (or dies) has the cores (packages) as its clusters (dies): one set per object
        CpuSet[] clusters = Arrays.equals(clusterOf, coreOf) ? cores : spans(clusterOf, n);
        CpuSet[] dies = Arrays.equals(dieOf, pkgOf) ? pkgs : spans(dieOf, n);
        int nn = nodes.length;
        int[][] dist = new int[nn][nn];
        if (distance == null) {
            for (int a = 0; a < nn; a++)
                for (int b = 0; b < nn; b++) dist[a][b] = a == b ? 10 : 20;
        } else {
            // distances are given in node-label order; map dense node ids back to labels
            int[] labelOfNode = new int[nn];
            for (int i = 0; i < n; i++) labelOfNode[nodeOf[i]] = nodeOfLabel[i];
            for (int a = 0; a < nn; a++)
                for (int b = 0; b < nn; b++) {
                    int la = labelOfNode[a], lb = labelOfNode[b];
                    if (la >= distance.length || lb >= distance[la].length)
                        throw bad("distance matrix has no entry for nodes " + la + "," + lb);
                    dist[a][b] = distance[la][lb];
                }
            for (int a = 0; a < nn; a++) {
                if (dist[a][a] != 10) throw bad("distance of node " + a + " to itself is " + dist[a][a] + ", expected 10");
                for (int b = 0; b < nn; b++)
                    if (a != b && dist[a][b] <= 10) throw bad("distance between nodes " + a + " and " + b + " is " + dist[a][b] + ", expected > 10");
            }
        }
        long[] llcB = new long[llcs.length], l2B = new long[cores.length];
        for (int i = 0; i < n; i++) {
            llcB[llcOf[i]] = llcBytes.getOrDefault(labels[4][i], 0L);
            l2B[coreOf[i]] = l2Bytes.getOrDefault(labels[6][i], 0L);
        }
        boolean hasClusters = clusters.length != cores.length;
        return new Topology(name, os, coreOf, clusterOf, llcOf, dieOf, nodeOf, pkgOf, cap, cores, clusters, llcs,
                dies, nodes, pkgs, dist, llcB, l2B, hasClusters, hasDies, notes, vendor, family, model);
    }

    /** Renumbers labels densely in order of first appearance by CPU. */
    private static int[] dense(long[] labels) {
        Map<Long, Integer> ids = new HashMap<>();
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            Integer id = ids.get(labels[i]);
            if (id == null) { id = ids.size(); ids.put(labels[i], id); }
            out[i] = id;
        }
        return out;
    }

    private int[] denseKeep(long[] labels) {
        int[] out = new int[labels.length];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] > Integer.MAX_VALUE) throw bad("NUMA node label " + labels[i] + " is not a node number");
            out[i] = (int) labels[i];
        }
        return out;
    }

    private void nest(int[] inner, int[] outer, String innerName, String outerName, int[] os) {
        int max = Arrays.stream(inner).max().orElse(0);
        int[] parent = new int[max + 1];
        Arrays.fill(parent, -1);
        for (int i = 0; i < inner.length; i++) {
            if (parent[inner[i]] == -1) parent[inner[i]] = outer[i];
            else if (parent[inner[i]] != outer[i])
                throw bad("a " + innerName + " spans two " + outerName + "s (at CPU " + os[i] + ")");
        }
    }

    /**
     * The CPUs of each object. Up to {@link #DENSE_SPANS_UP_TO} CPUs a span holds the machine's whole width (the
     * balancing code's and/or/intersects run without window checks); beyond, only the words from its first to its
     * last CPU, so that a big machine's cores do not each take a word per 64 CPUs of the machine.
     */
    private static CpuSet[] spans(int[] of, int n) {
        int k = Arrays.stream(of).max().orElse(-1) + 1;
        CpuSet[] s = new CpuSet[k];
        for (int i = 0; i < k; i++) s[i] = n <= DENSE_SPANS_UP_TO ? new CpuSet(n) : CpuSet.sparse(n);
        for (int i = 0; i < n; i++) s[of[i]].set(i);
        return s;
    }

    private static final int DENSE_SPANS_UP_TO = 4096;
}
