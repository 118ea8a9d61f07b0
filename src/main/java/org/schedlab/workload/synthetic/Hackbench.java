package org.schedlab.workload.synthetic;

import org.schedlab.cost.Syscall;
import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

/**
 * hackbench ({@code perf bench sched messaging}): {@code groups} independent groups of {@code fds} senders and
 * {@code fds} receivers. Every sender writes {@code loops} messages to each receiver of its group; each receiver
 * reads {@code fds·loops} messages, one per read; all exit; the benchmark reports the elapsed time.
 *
 * <p>Model. Each receiver has one socket (or pipe), written by every sender of its group: a data channel (one
 * unit per message; a write wakes a blocked reader synchronously, sock_def_readable() / pipe_write()) and a
 * bounded buffer for what is written and not yet read. A sender does, per message, take a buffer slot (blocking
 * while the buffer is full), run the send's syscall work, signal data; a receiver waits for data, runs the
 * receive's syscall work and frees the slot. A socket's slots are its send-buffer memory: {@code net.core.wmem_default}
 * (212992 bytes) over the skb truesize of one message, and a release wakes every blocked sender once the buffer
 * is down to a quarter (unix_writable()); a pipe holds 16 pages of merged messages and a reader that empties a
 * page of a full pipe wakes one writer (pipe_read()). With {@code pipe_mutex=on} a pipe's writes and reads each
 * hold its pipe->mutex (anon_pipe_write(), anon_pipe_read()), so the 20 writers and the reader of one pipe go one
 * at a time, a waiter spinning on its CPU meanwhile unless its CPU must reschedule
 * ({@link org.schedlab.workload.Op.BufferLock}); the wakeup comes after the unlock. Deviation: without it (the
 * default) a pipe's operations overlap. Deviation: a woken pipe writer does not wake the next one
 * itself (pipe_write()'s wake_next_writer); the next freed page does. The main task forks, per group, the receivers and then the
 * senders, waits until every child has reported ready, releases them all (the start gate), and reaps them.
 * Headline: the time the real program prints, from the start gate to the reap of the last child (mark
 * {@code run}; the forks before the gate are not in it); mark {@code messages} counts messages received.
 *
 * <p>Parameters (default): {@code groups} (10), {@code fds} senders and receivers per group (20), {@code loops}
 * messages per sender and receiver pair (100), {@code datasize} bytes per message (100), {@code ipc}
 * {@code socket|pipe} (socket), {@code mode} {@code process|thread} (process; {@code pipe} and {@code socket}
 * are accepted here too and set {@code ipc}), {@code pipe_mutex} {@code on|off} (off; docs/model.md says why), {@code capacity} messages the buffer holds (socket: from the skb
 * truesize, 238 for 100 bytes; pipe: 16 pages of {@code 4096/datasize}), {@code send} and {@code recv} CPU cost
 * per message (default: the cost profile's socket or pipe syscall work for {@code datasize} bytes),
 * {@code forkextra} work the parent spends per fork in process mode on top of the machine's thread-fork cost
 * (default: the cost profile's {@code processForkNs}, 95 µs built in; it varies by ±40% from one fork to the
 * next), {@code stagger} a factor on it (1). In process mode every child is a process of its own (a CPU switching
 * between two pays the profile's {@code mmSwitchNs}), starts with the profile's process-start work
 * ({@code processStartNs}, before it reports ready) and ends with its process-exit work ({@code processExitNs}), the
 * share {@code processExitShared} of it one child at a time (the locks exit_mmap() takes that all of perf's
 * children share). At most 40000 tasks. The simulated duration must cover the run, else the run is
 * reported unfinished, with no time.
 */
public final class Hackbench {
    private Hackbench() {}

    static final int READY = 0, GO = 1;
    static final int MAX_TASKS = 40_000;
    /** How far one fork's user-space part strays from the next's. */
    static final double FORK_SPREAD = 0.4;
    /** net.core.wmem_default: a unix socket's sk_sndbuf. */
    static final long SNDBUF = 212_992;
    static final long PAGE = 4096, PIPE_PAGES = 16;

    static int dataChannel(int fds, int group, int receiver) { return 2 + group * fds + receiver; }

    /**
     * skb truesize of a unix stream message of {@code size} bytes on x86-64: __alloc_skb() takes the head
     * (data aligned to 64 bytes + 320 of skb_shared_info) from the 640-byte small-head cache or the next kmalloc
     * size; truesize = head − shared info + aligned sk_buff (256) + aligned shared info (320).
     */
    static long unixTruesize(long size) {
        long data = (size + 63) / 64 * 64 + 320;
        long head = data <= 640 ? 640 : Long.highestOneBit(data - 1) << 1;
        return head + 256;
    }

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("groups", "fds", "loops", "datasize", "ipc", "mode",
                "capacity", "send", "recv", "forkextra", "stagger", "pipe_mutex"));
        int groups = p.posInt("groups", 10);
        int fds = p.posInt("fds", 20);
        int loops = p.posInt("loops", 100);
        long size = Opts.bytes(p, spec, "datasize", 100);
        String mode = Opts.choice(p, spec, "mode", "process", "process", "thread", "pipe", "socket");
        String ipc = Opts.choice(p, spec, "ipc", "socket", "socket", "pipe");
        if (mode.equals("pipe") || mode.equals("socket")) {
            if (p.given().containsKey("ipc") && !ipc.equals(mode))
                throw new WorkloadException(spec + ": mode=" + mode + " contradicts ipc=" + ipc);
            ipc = mode;
            mode = "process";
        }
        boolean pipe = ipc.equals("pipe");
        boolean pipeMutex = Opts.choice(p, spec, "pipe_mutex", "off", "off", "on").equals("on");
        if (pipeMutex && !pipe) throw new WorkloadException(spec + ": pipe_mutex=on needs ipc=pipe");
        long perPage = Math.max(1, PAGE / Math.max(1, size));
        // a socket writer may allocate while sk_wmem_alloc (1 + n·truesize) < sk_sndbuf
        long defCapacity = pipe ? (size <= PAGE ? PIPE_PAGES * perPage : Math.max(1, PIPE_PAGES * PAGE / size))
                : Math.max(1, (SNDBUF - 2) / unixTruesize(size) + 1);
        int capacity = p.posInt("capacity", (int) Math.min(Integer.MAX_VALUE, defCapacity));
        int wakeLevel = pipe ? (int) Math.max(0, capacity - perPage) : capacity / 4;
        Dist send = p.dist("send", Dist.syscall(pipe ? Syscall.PIPE_WRITE : Syscall.SOCKET_SEND, size));
        Dist recv = p.dist("recv", Dist.syscall(pipe ? Syscall.PIPE_READ : Syscall.SOCKET_RECV, size));
        boolean process = mode.equals("process");
        double stagger = Launch.stagger(p, spec);
        Dist forkExtra = !process || stagger == 0 ? null
                : p.given().containsKey("forkextra") ? spread(Math.round(p.duration("forkextra", 0) * stagger))
                : Dist.syscall(Syscall.PROCESS_FORK, 0, stagger, FORK_SPREAD);
        long children = 2L * fds * groups;
        if (children > MAX_TASKS)
            throw new WorkloadException(spec + ": " + children + " tasks (2*fds*groups), at most " + MAX_TASKS + " supported");
        if ((long) fds * loops > Integer.MAX_VALUE) throw new WorkloadException(spec + ": fds*loops too large");

        WorkloadSpec w = new WorkloadSpec("hackbench");
        w.params.putAll(p.given());
        w.channels = 2 + fds * groups;
        for (int i = 0; i < fds * groups; i++) w.addBuffer(capacity, wakeLevel, !pipe, pipeMutex);
        int run = w.mark("run");
        int messages = w.mark("messages");
        int siblings = process ? w.addMutex() : -1;
        // template 0 is the main task; group g owns templates 1 + g·(fds+1) .. : its receivers, then its senders
        Prog main = new Prog();
        for (int g = 0; g < groups; g++) {
            int first = 1 + g * (fds + 1);
            for (int j = 0; j < fds; j++) forkOne(main, first + j, forkExtra);
            if (forkExtra != null) for (int j = 0; j < fds; j++) forkOne(main, first + fds, forkExtra);
            else main.fork(first + fds, fds);
        }
        int all = (int) children;
        main.loop(all).waitCh(READY).endLoop()
                .begin(run)
                .loop(all).signal(GO, false).endLoop()
                .waitChildren(all)
                .end(run)
                .exit();
        w.addTemplate(new TaskTemplate("hackbench", main.build(), 1));
        for (int g = 0; g < groups; g++) {
            for (int j = 0; j < fds; j++) {
                int data = dataChannel(fds, g, j), buffer = g * fds + j;
                Prog r = new Prog().start(process).signal(READY, false).waitCh(GO)
                        .loop(fds * loops).waitCh(data);
                if (pipeMutex) r.locked(buffer);
                r.run(recv).end(messages).release(buffer).endLoop()
                        .exit(process, siblings);
                w.addTemplate(new TaskTemplate("hb-receiver", r.build(), 0));
            }
            Prog s = new Prog().start(process).signal(READY, false).waitCh(GO).loop(loops);
            for (int j = 0; j < fds; j++) {
                s.reserve(g * fds + j);
                if (pipeMutex) s.locked(g * fds + j);
                s.run(send).signal(dataChannel(fds, g, j), true);
            }
            w.addTemplate(new TaskTemplate("hb-sender", s.endLoop().exit(process, siblings).build(), 0));
        }
        if (process) w.processes();
        w.endWhenAllExit = true;
        w.headline = new WorkloadSpec.Headline("time", "s", false, WorkloadSpec.HeadlineKind.LATENCY_MEAN, run, 1e-9, true);
        return w;
    }

    /** A given {@code forkextra}, varying by ±40% from one fork to the next; none if 0. */
    private static Dist spread(long extraNs) {
        return extraNs > 0 ? Dist.uniform(Math.round(extraNs * (1 - FORK_SPREAD)), Math.round(extraNs * (1 + FORK_SPREAD))) : null;
    }

    /** One fork, after the parent's process-fork work ({@code extra}; none for a thread). */
    private static void forkOne(Prog main, int template, Dist extra) {
        if (extra != null) main.run(extra);
        main.fork(template, 1);
    }
}
