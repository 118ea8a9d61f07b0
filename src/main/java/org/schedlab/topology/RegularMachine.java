package org.schedlab.topology;

import java.math.BigInteger;

/**
 * A regular machine: packages × nodes per package × LLCs per node × cores per LLC × SMT threads, numbered the
 * way Linux numbers x86 server CPUs — ids 0..C-1 are the first thread of every core (package by package,
 * LLC by LLC), C..2C-1 their second threads, and so on.
 */
public final class RegularMachine {
    public String name = "synthetic";
    public int packages = 1, nodesPerPackage = 1, llcsPerNode = 1, coresPerLlc = 1, smt = 1;
    /** LLCs per die; 0 = no die level (each package is one die). */
    public int llcsPerDie = 0;
    public int localDistance = 10, samePackageDistance = 12, remoteDistance = 32;
    public long llcBytes = 0, l2Bytes = 0;
    public int capacity = Topology.SCHED_CAPACITY_SCALE;
    public String vendor = "unknown";

    public Topology build() {
        BigInteger all = BigInteger.ONE;
        for (int f : new int[]{packages, nodesPerPackage, llcsPerNode, coresPerLlc, smt}) all = all.multiply(BigInteger.valueOf(f));
        if (all.compareTo(BigInteger.valueOf(Topology.MAX_CPUS)) > 0)
            throw new TopologyException(name + ": " + all + " CPUs, at most " + Topology.MAX_CPUS + " supported");
        int nodes = packages * nodesPerPackage;
        if (nodes > Topology.MAX_NUMNODES) throw TopologyBuilder.tooManyNodes(name, nodes);
        int llcs = nodes * llcsPerNode;
        int cores = llcs * coresPerLlc;
        if (llcsPerDie > 0 && (llcsPerNode * nodesPerPackage) % llcsPerDie != 0)
            throw new TopologyException(name + ": LLCs per package not a multiple of LLCs per die");
        TopologyBuilder b = new TopologyBuilder(name).vendor(vendor);
        for (int t = 0; t < smt; t++) {
            for (int core = 0; core < cores; core++) {
                int llc = core / coresPerLlc;
                int node = llc / llcsPerNode;
                int pkg = node / nodesPerPackage;
                long die = llcsPerDie > 0 ? llc / llcsPerDie : TopologyBuilder.NONE;
                b.cpu(t * cores + core, pkg, die, node, llc, TopologyBuilder.NONE, core, capacity);
                if (t == 0) {
                    b.llcBytes(llc, llcBytes);
                    b.l2Bytes(core, l2Bytes);
                }
            }
        }
        int[][] d = new int[nodes][nodes];
        for (int a = 0; a < nodes; a++)
            for (int c = 0; c < nodes; c++)
                d[a][c] = a == c ? localDistance
                        : a / nodesPerPackage == c / nodesPerPackage ? samePackageDistance : remoteDistance;
        b.distances(d);
        return b.build();
    }
}
