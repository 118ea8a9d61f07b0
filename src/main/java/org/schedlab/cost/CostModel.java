package org.schedlab.cost;

import org.schedlab.topology.Topology;

/**
 * What each operation costs in simulated time. Defaults are grounded in published measurements where one
 * exists and marked "estimate" otherwise; {@link #none} makes everything free (for queueing-theory checks).
 * Holds no state about tasks; shared cache lines are tracked by {@link SharedLines}.
 */
public final class CostModel {
    /**
     * The physical range of a cost constant, in its own unit: wide enough for any machine (a cache-line transfer
     * under 10 µs, a switch or wakeup step under 1 ms, a fork under 100 ms, a refill bandwidth from 0.1 to
     * 10000 bytes/ns), narrow enough that simulated time cannot overflow or run backwards. {@link CostProfile}
     * refuses a value outside it.
     */
    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @java.lang.annotation.Target(java.lang.annotation.ElementType.FIELD)
    @interface Range {
        double min();
        double max();
        String unit();
    }

    /** Cache-line transfer (atomic CAS ping-pong, median) between SMT siblings: 2×EPYC 7R13 / 7773X, ~10 ns. */
    @Range(min = 0, max = 10_000, unit = "ns")
    public long transferSmtNs = 10;
    /** ... inside one LLC (CCX): 22.7–26 ns on Milan. */
    @Range(min = 0, max = 10_000, unit = "ns")
    public long transferLlcNs = 25;
    /** ... between LLCs of one package: ~107–117 ns on Milan. */
    @Range(min = 0, max = 10_000, unit = "ns")
    public long transferPackageNs = 110;
    /** ... between packages: 197 ns on 2×EPYC 7R13. */
    @Range(min = 0, max = 10_000, unit = "ns")
    public long transferRemoteNs = 200;

    /** Thread-to-thread context switch on one CPU: ~1.07 µs measured on Linux 6.6 (weak source). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long contextSwitchNs = 1100;
    /** try_to_wake_up work on the waker: 0.54–0.76 µs measured. */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long wakeupCallNs = 600;
    /** Sending an IPI (estimate, consistent with the measured wakeup path). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long ipiSendNs = 300;
    /**
     * IPI delivery, from the send to the target's handler (estimate, 0.4 µs: with {@link #idleExitNs} and
     * {@link #idleSwitchNs} it gives the measured 1.15 µs from a futex wake to the wakee running on a CPU in C1).
     */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long ipiLatencyNs = 400;
    /**
     * C1 exit as it takes effect: 0.1 µs, the measured difference between waking a CPU in C1 (1.15 µs end to end)
     * and a polling one (1.07 µs); firmware reports 1 µs as the worst case. Deeper states are off, as in the
     * published tests.
     */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long idleExitNs = 100;
    /** Switch from the idle task to a woken task (estimate: 0.65 µs, the rest of the measured 1.15 µs). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long idleSwitchNs = 650;
    /** Base of detaching and attaching one task, on top of the two runqueue locks (estimate). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long detachAttachNs = 1000;
    /** Tick handler including the softirq check: 1–2 µs (estimate). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long tickNs = 1500;
    /** Uncontended lock on top of the line transfer (estimate). */
    @Range(min = 0, max = 100_000, unit = "ns")
    public long lockBaseNs = 50;
    /** Re-reading lines still in this CPU's cache (L1/L2 hit, estimate: 2 ns). */
    @Range(min = 0, max = 1_000, unit = "ns")
    public long cachedLineNs = 2;
    /** Stat gather per remote CPU = this factor × transfer latency (estimate: 1–2 line reads). */
    @Range(min = 0, max = 100, unit = "line reads")
    public double statGatherFactor = 1.5;
    /** Cache refill bandwidth from L3 after a move inside the LLC (estimate: 20 GB/s per core). */
    @Range(min = 0.1, max = 10_000, unit = "bytes/ns")
    public double refillLlcBytesPerNs = 20.0;
    /** Cache refill bandwidth from DRAM after a move across LLCs (estimate: 10 GB/s per core). */
    @Range(min = 0.1, max = 10_000, unit = "bytes/ns")
    public double refillDramBytesPerNs = 10.0;
    /** Remote-socket memory penalty until pages migrate (estimate: ×1.5). */
    @Range(min = 1, max = 10, unit = "times")
    public double remoteMemoryFactor = 1.5;
    /** Window in which writers of a shared line count as contending (estimate). */
    @Range(min = 0, max = 100_000_000, unit = "ns")
    public long sharedLineWindowNs = 2000;
    /** fork() of a thread charged to the parent (estimate). */
    @Range(min = 0, max = 100_000_000, unit = "ns")
    public long forkNs = 25000;
    /** exec() charged to the exec'ing task (estimate). */
    @Range(min = 0, max = 100_000_000, unit = "ns")
    public long execNs = 100000;
    /** exit() charged to the exiting task (estimate). */
    @Range(min = 0, max = 100_000_000, unit = "ns")
    public long exitNs = 20000;
    /**
     * Relative standard deviation of the time the same work takes from one execution to the next (cache and
     * memory effects, frequency): what makes repeated runs differ (estimate: 2%).
     */
    @Range(min = 0, max = 1, unit = "relative standard deviation")
    public double workJitter = 0.02;
    /**
     * Speed of a core while every core of its package is busy, one thread each, against one busy core: boost
     * spreads the package's power limit over its busy cores. 3.0 / 3.5 GHz, the all-core and single-core boost of
     * the 64-core Milan-X EPYC 7V73X at its fixed 225 W (Microsoft's figures as relayed in a user's notes; the 280 W
     * EPYC 7763's own all-core figure was not found: its base clock 2.45 GHz bounds it at 0.70).
     */
    @Range(min = 0.1, max = 1, unit = "times")
    public double boostAllCores = 0.857;
    /** The same while every thread of the package is busy: about 2.75 / 3.5 GHz, the same part "PPT limited" with SMT. */
    @Range(min = 0.1, max = 1, unit = "times")
    public double boostAllThreads = 0.786;
    /** How often a package's frequency follows its busy cores (Precision Boost 2: up to 1000 times a second). */
    @Range(min = 1000, max = 1_000_000_000, unit = "ns")
    public long boostIntervalNs = 1_000_000;
    /** L2 bytes lost on a move inside an LLC when the topology does not say. */
    @Range(min = 0, max = 1L << 30, unit = "bytes")
    public long defaultL2Bytes = 1L << 20;
    /** LLC bytes when the topology does not say. */
    @Range(min = 0, max = 16L << 30, unit = "bytes")
    public long defaultLlcBytes = 32L << 20;

    /** Syscall work of one unix stream socket write (unix_stream_sendmsg), before the per-byte part (estimate). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long socketSendNs = 2000;
    /** ... of one read of one message (unix_stream_read_generic), before the per-byte part (estimate). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long socketRecvNs = 1500;
    /** Copy cost per byte of a socket write or read (estimate). */
    @Range(min = 0, max = 100, unit = "ns per byte")
    public double socketByteNs = 1.0;
    /**
     * One send on a loopback TCP socket (tcp_sendmsg, and the receive path that loopback runs in the sender's
     * softirq), before the per-byte part. With {@link #tcpRecvNs} from netperf TCP_RR on 2 x 64C/128T Zen 3,
     * 1 client, 100-byte messages: 102,839.97 transactions/s (9.72 µs a round trip; K Prateek Nayak,
     * 3de5c24f-6437-f21b-ed61-76b86a199e8c@amd.com), less the model's wakeup path; split 8:3 (estimate).
     */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long tcpSendNs = 2650;
    /** ... one receive call on a loopback TCP socket (tcp_recvmsg) of data already queued, before the per-byte part. */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long tcpRecvNs = 1000;
    /** ... one send on a loopback UDP socket (estimate: {@link #tcpSendNs} x 0.75). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long udpSendNs = 2000;
    /** ... one receive on a loopback UDP socket (estimate: {@link #tcpRecvNs} x 0.8). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long udpRecvNs = 800;
    /** Copy cost per byte of a loopback send or receive (estimate). */
    @Range(min = 0, max = 100, unit = "ns per byte")
    public double loopbackByteNs = 0.25;
    /**
     * Syscall work of one small pipe write (pipe_write), before the per-byte part. With {@link #pipeReadNs} and
     * {@link #pipeByteNs} from UnixBench's pipe loop (a 512-byte write and read in one process) on 2 x 64C/128T
     * Zen 3: 2,359,346 loops/s (3de5c24f-6437-f21b-ed61-76b86a199e8c@amd.com), 424 ns, split as the former
     * estimates (1200:900:0.5 per byte; the split is an estimate).
     */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long pipeWriteNs = 195;
    /** ... of one small pipe read (pipe_read), before the per-byte part (see {@link #pipeWriteNs}). */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long pipeReadNs = 146;
    /** Copy cost per byte of a pipe write or read (see {@link #pipeWriteNs}). */
    @Range(min = 0, max = 100, unit = "ns per byte")
    public double pipeByteNs = 0.081;
    /**
     * Cache lines a socket or pipe operation moves when the previous operation on that buffer ran on another CPU
     * (queue head, lock, memory accounting, the message itself); each costs a transfer at that distance. 5: the
     * lines a 6.19 pipe write and read both touch (pipe_inode_info's mutex/rd_wait line and head/tail line, the
     * pipe_buffer slot, two lines of a 100-byte message); not a measurement ({@code calibrate} measures it: 5.4
     * for unix stream sockets on a 2-vCPU Zen host).
     */
    @Range(min = 0, max = 1_000, unit = "lines")
    public double ipcRemoteLines = 5;
    /**
     * A switch to a task of another address space beyond a thread switch's {@link #contextSwitchNs}
     * (switch_mm_irqs_off(): the CR3 write, and the TLB refill after it where there is no PCID to keep entries).
     * Charged only for tasks modelled as processes of their own. 0 in the built-in profile (with PCID it is a small
     * part of a switch); {@code calibrate} measures it.
     */
    @Range(min = 0, max = 1_000_000, unit = "ns")
    public long mmSwitchNs = 0;
    /**
     * Work the parent of a process fork does beyond a thread fork's {@link #forkNs}: copy_mm() (dup_mmap() of every
     * mapping, the page tables copied and write-protected) and the copy-on-write faults the parent then takes on
     * its own pages. An estimate for a small parent (95 µs); {@code calibrate} measures it for {@code perf}'s.
     */
    @Range(min = 0, max = 1_000_000_000, unit = "ns")
    public long processForkNs = 95_000;
    /**
     * Work a forked child process does when it starts beyond a thread's: the copy-on-write faults (do_wp_page())
     * on the pages of its parent it writes on its way to its first wait. Not in the built-in profile (0): it
     * depends on the parent's size; {@code calibrate} measures it for {@code perf}'s children.
     */
    @Range(min = 0, max = 1_000_000_000, unit = "ns")
    public long processStartNs = 0;
    /**
     * Work a forked child process does from its first wait to its end beyond a thread's, nearly all of it at
     * exit beyond {@link #exitNs}: exit_mmap() of the copy of its parent's address space (and any copy-on-write
     * fault it takes after its start). Not in the built-in profile (0): it depends on the parent's size;
     * {@code calibrate} measures it for {@code perf}'s children.
     */
    @Range(min = 0, max = 1_000_000_000, unit = "ns")
    public long processExitNs = 0;
    /**
     * The share of {@link #processExitNs} a forked child does while holding locks every child of one parent
     * shares, so siblings exiting together do it one at a time: exit_mmap() → free_pgtables() takes the root
     * anon_vma's lock (unlink_anon_vmas()) and each mapped file's i_mmap_rwsem (unlink_file_vma_batch_final()) for
     * write, and the parent's children map the same anon_vma root and files. Not in the built-in profile (0: no
     * published figure); {@code calibrate} measures it.
     */
    @Range(min = 0, max = 1, unit = "fraction")
    public double processExitShared = 0;

    private boolean free;

    /** The built-in profile, {@code default.yaml} (see {@link CostProfile}); the initialisers above match it. */
    public static CostModel defaults() { return CostProfile.builtin(); }

    /** Every cost zero. */
    public static CostModel none() {
        CostModel c = new CostModel();
        c.transferSmtNs = c.transferLlcNs = c.transferPackageNs = c.transferRemoteNs = 0;
        c.contextSwitchNs = c.wakeupCallNs = c.ipiSendNs = c.ipiLatencyNs = c.idleExitNs = c.idleSwitchNs = 0;
        c.mmSwitchNs = 0;
        c.detachAttachNs = c.tickNs = c.lockBaseNs = c.cachedLineNs = 0;
        c.forkNs = c.execNs = c.exitNs = 0;
        c.statGatherFactor = 0;
        c.workJitter = 0;
        c.free = true;
        return c.withoutBoost();
    }

    public boolean isFree() { return free; }

    /** This profile with boost off (every CPU at its capacity however many are busy), changed in place. */
    public CostModel withoutBoost() {
        boostAllCores = boostAllThreads = 1;
        return this;
    }

    /** Whether a package's cores slow as more of them are busy. */
    public boolean boosts() { return boostAllCores != 1.0 || boostAllThreads != 1.0; }

    /**
     * Syscall work of {@code op} moving {@code bytes}. This is work the workload asks for, not scheduling
     * overhead: {@link #none} and {@link #scaled} leave it as it is.
     */
    public long syscallNs(Syscall op, long bytes) {
        switch (op) {
            case SOCKET_SEND: return socketSendNs + Math.round(socketByteNs * bytes);
            case SOCKET_RECV: return socketRecvNs + Math.round(socketByteNs * bytes);
            case TCP_SEND: return tcpSendNs + Math.round(loopbackByteNs * bytes);
            case TCP_RECV: return tcpRecvNs + Math.round(loopbackByteNs * bytes);
            case UDP_SEND: return udpSendNs + Math.round(loopbackByteNs * bytes);
            case UDP_RECV: return udpRecvNs + Math.round(loopbackByteNs * bytes);
            case PIPE_WRITE: return pipeWriteNs + Math.round(pipeByteNs * bytes);
            case PIPE_READ: return pipeReadNs + Math.round(pipeByteNs * bytes);
            case PROCESS_FORK: return processForkNs;
            case PROCESS_START: return processStartNs;
            case PROCESS_EXIT: return processExitNs - processExitSharedNs();
            case PROCESS_EXIT_SHARED: return processExitSharedNs();
            default: throw new IllegalArgumentException("syscall " + op);
        }
    }

    private long processExitSharedNs() { return Math.round(processExitNs * processExitShared); }

    /** Line transfers of a socket or pipe operation on {@code cpu} after one on {@code lastCpu} (-1: none yet). */
    public long ipcRemoteNs(Topology t, int lastCpu, int cpu) {
        if (lastCpu < 0 || ipcRemoteLines == 0) return 0;
        return Math.round(ipcRemoteLines * transferNs(t, lastCpu, cpu));
    }

    /**
     * Every time the model charges scaled by {@code f} (transfers, switches, wakeup path, IPIs, idle exit, locks,
     * ticks, fork/exec/exit, cache refill); for checking which conclusions survive the constants' uncertainty.
     * The work jitter, the contention window and cache sizes are not costs and stay.
     */
    public CostModel scaled(double f) {
        if (!(f > 0) || Double.isInfinite(f)) throw new IllegalArgumentException("cost scale must be positive, got " + f);
        CostModel c = CostProfile.copy(this);
        c.transferSmtNs = Math.round(transferSmtNs * f);
        c.transferLlcNs = Math.round(transferLlcNs * f);
        c.transferPackageNs = Math.round(transferPackageNs * f);
        c.transferRemoteNs = Math.round(transferRemoteNs * f);
        c.contextSwitchNs = Math.round(contextSwitchNs * f);
        c.wakeupCallNs = Math.round(wakeupCallNs * f);
        c.ipiSendNs = Math.round(ipiSendNs * f);
        c.ipiLatencyNs = Math.round(ipiLatencyNs * f);
        c.idleExitNs = Math.round(idleExitNs * f);
        c.idleSwitchNs = Math.round(idleSwitchNs * f);
        c.detachAttachNs = Math.round(detachAttachNs * f);
        c.tickNs = Math.round(tickNs * f);
        c.lockBaseNs = Math.round(lockBaseNs * f);
        c.cachedLineNs = Math.round(cachedLineNs * f);
        c.refillLlcBytesPerNs = refillLlcBytesPerNs / f;
        c.refillDramBytesPerNs = refillDramBytesPerNs / f;
        c.forkNs = Math.round(forkNs * f);
        c.execNs = Math.round(execNs * f);
        c.exitNs = Math.round(exitNs * f);
        c.mmSwitchNs = Math.round(mmSwitchNs * f);
        return c;
    }

    /** Cache-line transfer latency between two CPUs. */
    public long transferNs(Topology t, int a, int b) {
        if (a == b || free) return 0;
        if (t.coreOf(a) == t.coreOf(b)) return transferSmtNs;
        if (t.llcOf(a) == t.llcOf(b)) return transferLlcNs;
        if (t.packageOf(a) == t.packageOf(b)) return transferPackageNs;
        return transferRemoteNs;
    }

    public long remoteLockNs(Topology t, int acting, int target) {
        if (free) return 0;
        return acting == target ? lockBaseNs : transferNs(t, acting, target) + lockBaseNs;
    }

    public long statGatherNs(Topology t, int acting, int target) {
        return Math.round(statGatherFactor * transferNs(t, acting, target));
    }

    /**
     * Extra work a task does after moving from {@code from} to {@code to} to refill its caches:
     * working set (capped by the cache lost) over the refill bandwidth. Zero inside a core.
     */
    public long refillNs(Topology t, int from, int to, long workingSetBytes) {
        if (free || from == to || from < 0 || t.coreOf(from) == t.coreOf(to)) return 0;
        if (t.llcOf(from) == t.llcOf(to)) {
            long l2 = t.l2Bytes(t.coreOf(to));
            long lost = Math.min(workingSetBytes, l2 > 0 ? l2 : defaultL2Bytes);
            return Math.round(lost / refillLlcBytesPerNs);
        }
        long llc = t.llcBytes(t.llcOf(to));
        long lost = Math.min(workingSetBytes, llc > 0 ? llc : defaultLlcBytes);
        double ns = lost / refillDramBytesPerNs;
        if (t.packageOf(from) != t.packageOf(to)) ns *= remoteMemoryFactor;
        return Math.round(ns);
    }
}
