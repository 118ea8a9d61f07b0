package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;

/**
 * How the real benchmark programs create their tasks: a parent forks (or spawns threads) one child at a time, so
 * fork placement ({@code sched_balance_find_dst_cpu}) sees the children placed before. The gaps between forks are
 * drawn from the task's random stream, so seeds vary start order and timing as reruns of the real program do.
 */
final class Launch {
    private Launch() {}

    /** A gap between two forks: uniform between {@code lo} and {@code hi} ns, times the stagger factor. */
    record Gap(long lo, long hi) {
        Dist dist(double stagger) { return Dist.uniform(Math.round(lo * stagger), Math.round(hi * stagger)); }

        double mean() { return (lo + hi) / 2.0; }
    }

    /**
     * User-space work of a process {@code fork()} on top of the kernel's thread-creation cost (copying the
     * address space; estimate, as hackbench's {@code forkextra}): 60–130 µs.
     */
    static final Gap PROCESS_FORK = new Gap(60_000, 130_000);
    /** {@code fork()} plus {@code exec()} of a benchmark binary from a shell loop (estimate): 200–500 µs. */
    static final Gap SHELL_SPAWN = new Gap(200_000, 500_000);
    /** User-space part of {@code pthread_create} (stack mmap, TLS setup; estimate): 5–15 µs. */
    static final Gap THREAD_CREATE = new Gap(5_000, 15_000);
    /** The kernel's part of a fork as the default cost profile charges it (forkNs), for start-up estimates. */
    static final long KERNEL_FORK_NS = 25_000;

    /** Expected time to fork {@code n} children one after another with {@code gap} between them. */
    static long startup(Gap gap, int n, double stagger) {
        return Math.round(n * (gap.mean() * stagger + KERNEL_FORK_NS));
    }

    /** Largest {@code stagger}: a shell spawn then takes about 350 ms; larger factors overflow simulated time. */
    static final double MAX_STAGGER = 1000;

    /**
     * The workload parameter {@code stagger}: a factor on the gaps between forks (1, the default, is the real
     * program's; 0 forks the children back to back, paying only the kernel's fork cost).
     */
    static double stagger(org.schedlab.workload.SpecParams p, String spec) {
        return Opts.fraction(p, spec, "stagger", 1, MAX_STAGGER);
    }

    /** Forks {@code count} children of {@code template}, spending {@code gap} before each. */
    static Prog forkEach(Prog parent, int template, int count, Dist gap) {
        if (count <= 0) return parent;
        return parent.loop(count).run(gap).fork(template, 1).endLoop();
    }

    /** Forks one child of {@code template} after {@code gap}. */
    static Prog forkOne(Prog parent, int template, Dist gap) {
        return parent.run(gap).fork(template, 1);
    }

    /**
     * The start gate of programs whose parent waits until every child is set up, then releases them together
     * (dbench/tbench's {@code pause()}/{@code SIGCONT}, hackbench's ready pipe): the parent waits for
     * {@code children} units on {@code ready}, then signals {@code go} once per child.
     */
    static Prog releaseAll(Prog parent, int ready, int go, int children) {
        return parent.loop(children).waitCh(ready).endLoop().loop(children).signal(go, false).endLoop();
    }
}
