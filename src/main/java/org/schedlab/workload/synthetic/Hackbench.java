package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

/**
 * hackbench ({@code perf bench sched messaging}): {@code groups} independent groups of {@code fds} senders and
 * {@code fds} receivers. Every sender writes {@code loops} messages to each receiver of its group; each receiver
 * reads {@code fds·loops} messages; all exit; the benchmark reports the elapsed time.
 *
 * <p>Model. Each receiver's socket (or pipe) is a pair of channels: data (one unit per message; the writer's
 * wakeup of a blocked reader is synchronous) and space (the buffer, {@code capacity} messages, which the receiver
 * fills at start and returns after every read, so a sender blocks while its receiver's buffer is full). A sender
 * does, per message, wait for space, run the send cost, signal data; a receiver waits for data and runs the
 * receive cost. The main task forks, per group, the receivers and then the senders, waits until every child has
 * reported ready, releases them all (the start gate), and reaps them. Headline: the time the real program prints,
 * from the start gate to the reap of the last child (mark {@code run}; the forks before the gate are not in it);
 * mark {@code messages} counts messages received.
 *
 * <p>Parameters (default): {@code groups} (10), {@code fds} senders and receivers per group (20), {@code loops}
 * messages per sender and receiver pair (100), {@code datasize} bytes per message (100), {@code ipc}
 * {@code socket|pipe} (socket), {@code mode} {@code process|thread} (process; {@code pipe} and {@code socket}
 * are accepted here too and set {@code ipc}), {@code capacity} messages buffered per receiver (socket 256,
 * pipe 65536/datasize; at most 40000), {@code send} and {@code recv} CPU cost per message (socket 2000 and
 * 1500 ns plus 1 ns/byte, pipe 1200 and 900 ns plus 0.5 ns/byte; estimates), {@code forkextra} work
 * the parent spends per fork in process mode on top of the machine's thread-fork cost (95 µs; the difference
 * between a process and a thread fork, an estimate; it varies by ±40% from one fork to the next), {@code stagger}
 * a factor on it (1). At most 40000 tasks. The simulated duration must cover the
 * run, else the time reported is the duration.
 */
public final class Hackbench {
    private Hackbench() {}

    static final int READY = 0, GO = 1;
    static final int MAX_TASKS = 40_000, MAX_BUFFER = 40_000;

    static int dataChannel(int fds, int group, int receiver) { return 2 + 2 * (group * fds + receiver); }

    static int spaceChannel(int fds, int group, int receiver) { return 3 + 2 * (group * fds + receiver); }

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("groups", "fds", "loops", "datasize", "ipc", "mode",
                "capacity", "send", "recv", "forkextra", "stagger"));
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
        long defCapacity = pipe ? Math.max(1, 65536 / size) : 256;
        int capacity = p.posInt("capacity", (int) Math.min(Integer.MAX_VALUE, defCapacity));
        Dist send = p.dist("send", Dist.constant(pipe ? 1200 + size / 2 : 2000 + size));
        Dist recv = p.dist("recv", Dist.constant(pipe ? 900 + size / 2 : 1500 + size));
        long forkExtra = Math.round((mode.equals("process") ? p.duration("forkextra", 95_000) : 0) * Launch.stagger(p, spec));
        long children = 2L * fds * groups;
        if (children > MAX_TASKS)
            throw new WorkloadException(spec + ": " + children + " tasks (2*fds*groups), at most " + MAX_TASKS + " supported");
        if ((long) fds * loops > Integer.MAX_VALUE) throw new WorkloadException(spec + ": fds*loops too large");
        // a buffer larger than everything written to it never fills; the cap keeps the start-up fill short
        int buffered = (int) Math.min(capacity, Math.min((long) fds * loops, MAX_BUFFER));

        WorkloadSpec w = new WorkloadSpec("hackbench");
        w.params.putAll(p.given());
        w.channels = 2 + 2 * fds * groups;
        int run = w.mark("run");
        int messages = w.mark("messages");
        // template 0 is the main task; group g owns templates 1 + g·(fds+1) .. : its receivers, then its senders
        Prog main = new Prog();
        for (int g = 0; g < groups; g++) {
            int first = 1 + g * (fds + 1);
            for (int j = 0; j < fds; j++) forkOne(main, first + j, forkExtra);
            if (forkExtra > 0) for (int j = 0; j < fds; j++) forkOne(main, first + fds, forkExtra);
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
                int data = dataChannel(fds, g, j), space = spaceChannel(fds, g, j);
                Prog r = new Prog().loop(buffered).signal(space, false).endLoop()
                        .signal(READY, false).waitCh(GO)
                        .loop(fds * loops).waitCh(data).run(recv).end(messages).signal(space, false).endLoop()
                        .exit();
                w.addTemplate(new TaskTemplate("hb-receiver", r.build(), 0));
            }
            Prog s = new Prog().signal(READY, false).waitCh(GO).loop(loops);
            for (int j = 0; j < fds; j++)
                s.waitCh(spaceChannel(fds, g, j)).run(send).signal(dataChannel(fds, g, j), true);
            w.addTemplate(new TaskTemplate("hb-sender", s.endLoop().exit().build(), 0));
        }
        w.endWhenAllExit = true;
        w.headline = new WorkloadSpec.Headline("time", "s", false, WorkloadSpec.HeadlineKind.LATENCY_MEAN, run, 1e-9);
        return w;
    }

    /** One process fork; its user-space part varies by ±40% around {@code extraNs} from one fork to the next. */
    private static void forkOne(Prog main, int template, long extraNs) {
        if (extraNs > 0) main.run(Dist.uniform(Math.round(extraNs * 0.6), Math.round(extraNs * 1.4)));
        main.fork(template, 1);
    }
}
