package org.schedlab.workload.synthetic;

import org.schedlab.topology.CpuSet;
import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

/**
 * STREAM with OpenMP: one master thread forks {@code threads}−1 workers; every iteration runs the four kernels
 * Copy (16 bytes per element), Scale (16), Add (24) and Triad (24), each a parallel loop in which every thread
 * streams its contiguous share of the {@code elems}-element arrays and then waits at a barrier of all threads.
 *
 * <p>Model. A thread's share of a kernel is memory-bound work ({@code membound}) of bytes / 21.4 bytes per ns: the
 * time one core alone takes at the machine's per-core bandwidth (the kernel model's default). Its working set is
 * its slice of the three arrays, placed on the node where the thread first runs (first touch, as STREAM's parallel
 * initialisation places it). Threads running on one LLC share its link, threads whose slices are on one node share
 * that node's bandwidth; SMT siblings both busy and cache refills after migrations also stretch the kernels;
 * barriers make every thread wait for the slowest. Barriers sleep (OMP_WAIT_POLICY=passive); spinning is not
 * modelled. {@code cpus} binds every thread to a CPU list as {@code numactl -C} does (the threads inherit the
 * process's affinity), and {@code from} is the CPU of the shell that starts the program (its master is forked there
 * and placed by fork balancing).
 *
 * <p>Metrics. Every thread counts mark {@code chunk} when it finishes its share of a kernel. Headline: bandwidth
 * in MB/s = chunks per second × mean bytes per chunk (20 × elems / threads) × 1e-6, higher is better; it counts
 * only the arrays' bytes, so time spent refilling caches or waiting at barriers lowers it. The master also marks
 * {@code copy}, {@code scale}, {@code add} and {@code triad} around each kernel (start to barrier exit, the
 * interval STREAM times), whose minimum over iterations gives STREAM's "Best Rate".
 *
 * <p>Parameters (default): {@code threads} (4), {@code elems} elements per array (10000000), {@code ntimes}
 * iterations, 0 = until the run ends (0; with a count the run ends when all threads exit), {@code membound}
 * fraction of the work bound by memory bandwidth (0.95), {@code warmup} (0), {@code cpus} a CPU list such as
 * {@code 0,16,32} or {@code 0-15} (every CPU), {@code from} (0).
 */
public final class Stream {
    private Stream() {}

    /** Bytes moved per element by Copy, Scale, Add, Triad. */
    static final int[] BYTES_PER_ELEM = {16, 16, 24, 24};
    static final String[] KERNELS = {"copy", "scale", "add", "triad"};
    /** Per-core bandwidth the work is expressed in, bytes per ns (MachineConfig's default per-core draw). */
    static final double CORE_BYTES_PER_NS = TaskTemplate.CORE_MEMORY_BYTES_PER_NS;
    /** Widest CPU list accepted ({@code cpus}); CPUs beyond the machine are refused when the run starts. */
    private static final int MAX_CPUS = 4096;

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("threads", "elems", "ntimes", "membound", "warmup", "stagger",
                "cpus", "from"));
        double stagger = Launch.stagger(p, spec);
        int threads = p.posInt("threads", 4);
        double elems = Math.floor(p.posDouble("elems", 10_000_000));
        int ntimes = Opts.count(p, spec, "ntimes", 0);
        double membound = Opts.fraction(p, spec, "membound", 0.95, 1);
        CpuSet cpus = cpuList(p, spec);
        int from = Opts.count(p, spec, "from", 0);

        WorkloadSpec w = new WorkloadSpec("stream");
        w.params.putAll(p.given());
        w.warmupNs = p.duration("warmup", 0);
        w.barrierParties = new int[]{threads, threads, threads, threads};
        int chunk = w.mark("chunk");
        int[] kernelMarks = new int[4];
        for (int k = 0; k < 4; k++) kernelMarks[k] = w.mark(KERNELS[k]);
        double share = elems / threads;
        Dist[] work = new Dist[4];
        for (int k = 0; k < 4; k++) work[k] = Dist.constant(Math.max(1, Math.round(BYTES_PER_ELEM[k] * share / CORE_BYTES_PER_NS)));
        int loops = ntimes == 0 ? -1 : ntimes;

        Prog master = Launch.forkEach(new Prog(), 1, threads - 1, Launch.THREAD_CREATE.dist(stagger)).loop(loops);
        Prog worker = new Prog().loop(loops);
        for (int k = 0; k < 4; k++) {
            master.begin(kernelMarks[k]).run(work[k]).end(chunk).barrier(k).end(kernelMarks[k]);
            worker.run(work[k]).end(chunk).barrier(k);
        }
        long ws = Math.round(24 * share);
        TaskTemplate mt = new TaskTemplate("stream", master.endLoop().build(), 1);
        TaskTemplate wt = new TaskTemplate("stream", worker.endLoop().build(), 0);
        for (TaskTemplate t : new TaskTemplate[]{mt, wt}) {
            t.memoryBound = membound;
            t.workingSetBytes = ws;
            t.allowed = cpus;
        }
        mt.launchCpu = from;
        w.addTemplate(mt);
        w.addTemplate(wt);
        w.endWhenAllExit = ntimes > 0;
        double bytesPerChunk = 20 * share;
        w.startupNs = Launch.startup(Launch.THREAD_CREATE, threads - 1, stagger);
        w.headline = new WorkloadSpec.Headline("bandwidth", "MB/s", true, WorkloadSpec.HeadlineKind.RATE, chunk,
                bytesPerChunk * 1e-6);
        return w;
    }

    /** {@code cpus=LIST}: a Linux CPU list, or null when absent. */
    private static CpuSet cpuList(SpecParams p, String spec) {
        String v = p.str("cpus", null);
        if (v == null) return null;
        try {
            CpuSet s = CpuSet.parseList(MAX_CPUS, v);
            if (s.isEmpty()) throw new IllegalArgumentException("empty");
            return s;
        } catch (IllegalArgumentException e) {
            throw new WorkloadException(spec + ": cpus must be a CPU list like 0,16,32 or 0-15 (CPUs below " + MAX_CPUS
                    + "), got '" + v + "'");
        }
    }
}
