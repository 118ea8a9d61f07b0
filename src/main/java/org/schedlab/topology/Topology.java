package org.schedlab.topology;

import java.util.List;

/**
 * An immutable description of one machine: logical CPUs 0..n-1 (in OS-index order) and how they nest into
 * cores, clusters, last-level caches, dies, NUMA nodes and packages, with node distances and capacities.
 * Every CPU belongs to exactly one object of each kind; ids of each kind are dense and numbered in order of
 * their lowest CPU. Built only through {@link TopologyBuilder}, which enforces the nesting.
 */
public final class Topology {
    public static final int SCHED_CAPACITY_SCALE = 1024;
    /** The most CPUs a machine may have. */
    public static final int MAX_CPUS = 65536;
    /** The most NUMA nodes a machine may have: the kernel's MAX_NUMNODES at its largest (x86 and arm64 NODES_SHIFT 10). */
    public static final int MAX_NUMNODES = 1024;

    final String name;
    final int[] osIndex;
    final int[] coreOf, clusterOf, llcOf, dieOf, nodeOf, packageOf, capacity;
    final CpuSet[] cores, clusters, llcs, dies, nodes, packages;
    private final int[][] coreCpus;
    final int[][] distance;
    final long[] llcBytes, l2Bytes;
    final boolean hasClusters, hasDies;
    final List<String> notes;
    final String vendor;
    /** What the scheduler sees: arch_scale_cpu_capacity and arch_asym_cpu_priority (see {@link #kernelCapacityOf}). */
    final int[] kernelCapacity, asymPriority;
    final boolean itmt;
    final int cpuFamily, cpuModel;
    /** The most hardware threads any core has, and the threads of each core. */
    final int smtWidth;
    final int[] coreWeight;

    Topology(String name, int[] osIndex, int[] coreOf, int[] clusterOf, int[] llcOf, int[] dieOf, int[] nodeOf,
             int[] packageOf, int[] capacity, CpuSet[] cores, CpuSet[] clusters, CpuSet[] llcs, CpuSet[] dies,
             CpuSet[] nodes, CpuSet[] packages, int[][] distance, long[] llcBytes, long[] l2Bytes,
             boolean hasClusters, boolean hasDies, List<String> notes, String vendor, int cpuFamily, int cpuModel) {
        this.vendor = vendor;
        this.cpuFamily = cpuFamily;
        this.cpuModel = cpuModel;
        this.name = name;
        this.osIndex = osIndex;
        this.coreOf = coreOf;
        this.clusterOf = clusterOf;
        this.llcOf = llcOf;
        this.dieOf = dieOf;
        this.nodeOf = nodeOf;
        this.packageOf = packageOf;
        this.capacity = capacity;
        this.cores = cores;
        this.clusters = clusters;
        this.llcs = llcs;
        this.dies = dies;
        this.nodes = nodes;
        this.packages = packages;
        this.distance = distance;
        this.llcBytes = llcBytes;
        this.l2Bytes = l2Bytes;
        this.hasClusters = hasClusters;
        this.hasDies = hasDies;
        this.notes = List.copyOf(notes);
        int n = osIndex.length;
        boolean differ = false;
        for (int c : capacity) if (c != capacity[0]) differ = true;
        int[] threads = new int[cores.length];
        int most = 0;
        for (int c = 0; c < n; c++) most = Math.max(most, ++threads[coreOf[c]]);
        this.smtWidth = most;
        this.coreWeight = threads;
        this.coreCpus = new int[cores.length][];
        for (int k = 0; k < cores.length; k++) coreCpus[k] = new int[threads[k]];
        int[] filled = new int[cores.length];
        for (int c = 0; c < n; c++) coreCpus[coreOf[c]][filled[coreOf[c]]++] = c;
        boolean smt = most > 1;
        // ITMT comes from the cpufreq drivers: intel_pstate on Intel, amd-pstate on AMD only (amd_pstate_init)
        boolean x86 = vendor.equals("Intel") || vendor.equals("AMD");
        // intel_pstate scales capacities of a hybrid part only without SMT; otherwise (and on AMD, whose
        // amd-pstate only ranks cores) the x86 ITMT support packs tasks on the most performant cores instead
        this.itmt = x86 && differ && (smt || vendor.equals("AMD"));
        this.kernelCapacity = new int[n];
        this.asymPriority = new int[n];
        for (int c = 0; c < n; c++) {
            kernelCapacity[c] = itmt ? SCHED_CAPACITY_SCALE : capacity[c];
            // the CPPC highest performance the drivers hand to sched_set_itmt_core_prio, here the CPU's performance
            asymPriority[c] = itmt ? capacity[c] : -c;
        }
    }

    public String name() { return name; }
    /**
     * The kernel's name of an x86 vendor ("Intel", "AMD", "Hygon", "Centaur", "Zhaoxin", ..., see {@link X86Vendors}),
     * "Arm" or "unknown"; decides vendor quirks such as node_reclaim_distance and ITMT.
     */
    public String vendor() { return vendor; }
    /** CPUID family (e.g. 0x19 for AMD Zen 3/4), or -1 when the source does not say. */
    public int cpuFamily() { return cpuFamily; }
    /** CPUID model, or -1. */
    public int cpuModel() { return cpuModel; }
    public int nrCpus() { return osIndex.length; }
    public int osIndex(int cpu) { return osIndex[cpu]; }

    public int coreOf(int cpu) { return coreOf[cpu]; }
    public int clusterOf(int cpu) { return clusterOf[cpu]; }
    public int llcOf(int cpu) { return llcOf[cpu]; }
    public int dieOf(int cpu) { return dieOf[cpu]; }
    public int nodeOf(int cpu) { return nodeOf[cpu]; }
    public int packageOf(int cpu) { return packageOf[cpu]; }
    /** The CPU's performance relative to the fastest CPU kind (1024): how fast its tasks progress. */
    public int capacityOf(int cpu) { return capacity[cpu]; }

    /**
     * arch_scale_cpu_capacity, what the scheduler believes: the CPU's performance, except on x86 parts that use
     * ITMT (hybrid parts with SMT, AMD parts with preferred cores), where every CPU reports 1024.
     */
    public int kernelCapacityOf(int cpu) { return kernelCapacity[cpu]; }

    /** arch_asym_cpu_priority: the ITMT priority (higher is preferred); the kernel's default -cpu otherwise. */
    public int asymPriority(int cpu) { return asymPriority[cpu]; }

    /** x86 ITMT is active: sched domains above SMT carry SD_ASYM_PACKING. */
    public boolean itmt() { return itmt; }

    public int nrCores() { return cores.length; }
    public int nrClusters() { return clusters.length; }
    public int nrLlcs() { return llcs.length; }
    public int nrDies() { return dies.length; }
    public int nrNodes() { return nodes.length; }
    public int nrPackages() { return packages.length; }

    /** Spans are shared: callers must copy before modifying. */
    public CpuSet coreSpan(int core) { return cores[core]; }
    /** The core's CPUs in ascending order; shared, not to be modified. */
    public int[] coreCpus(int core) { return coreCpus[core]; }
    public CpuSet clusterSpan(int cluster) { return clusters[cluster]; }
    public CpuSet llcSpan(int llc) { return llcs[llc]; }
    public CpuSet dieSpan(int die) { return dies[die]; }
    public CpuSet nodeSpan(int node) { return nodes[node]; }
    public CpuSet packageSpan(int pkg) { return packages[pkg]; }

    public int nodeDistance(int a, int b) { return distance[a][b]; }

    /** L3 size of an LLC in bytes, 0 when unknown. */
    public long llcBytes(int llc) { return llcBytes[llc]; }
    /** L2 size seen by a core in bytes, 0 when unknown. */
    public long l2Bytes(int core) { return l2Bytes[core]; }

    /** True when clusters (CPUs sharing an L2 below the LLC) differ from cores somewhere. */
    public boolean hasClusters() { return hasClusters; }
    /** True when the source described dies; otherwise each package is one die. */
    public boolean hasDies() { return hasDies; }

    /** The most hardware threads any core has. */
    public int smt() { return smtWidth; }

    /** The number of CPUs (hardware threads) of a core. */
    public int coreWeight(int core) { return coreWeight[core]; }

    public boolean isSmtSibling(int a, int b) { return a != b && coreOf[a] == coreOf[b]; }
    public boolean sharesLlc(int a, int b) { return llcOf[a] == llcOf[b]; }

    /** Remarks the reader made about assumptions (e.g. NUMA nodes inferred from packages). */
    public List<String> notes() { return notes; }

    /** CPUs of different performance (a hybrid or big.LITTLE part), whatever the scheduler is told. */
    public boolean hasMixedPerformance() {
        for (int c : capacity) if (c != capacity[0]) return true;
        return false;
    }

    /** The scheduler sees CPUs of different capacities (SD_ASYM_CPUCAPACITY somewhere). */
    public boolean isAsymCapacity() {
        for (int c : kernelCapacity) if (c != kernelCapacity[0]) return true;
        return false;
    }

    public CpuSet allCpus() { return CpuSet.full(nrCpus()); }

    /** This machine with other CPU performances (what the scheduler sees follows from them as for any source). */
    Topology withCapacities(int[] cap, String note) {
        List<String> n = new java.util.ArrayList<>(notes);
        n.add(note);
        return new Topology(name, osIndex, coreOf, clusterOf, llcOf, dieOf, nodeOf, packageOf, cap, cores, clusters, llcs,
                dies, nodes, packages, distance, llcBytes, l2Bytes, hasClusters, hasDies, n, vendor, cpuFamily, cpuModel);
    }
}
