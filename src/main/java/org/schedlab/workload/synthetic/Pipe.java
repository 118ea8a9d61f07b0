package org.schedlab.workload.synthetic;

import org.schedlab.cost.Syscall;
import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * {@code perf bench sched pipe}: two workers ping-pong one 4-byte token through two pipes, {@code loops} round
 * trips. Worker 0 writes pipe 1 and reads pipe 2; worker 1 reads pipe 1 and writes pipe 2. The main task starts
 * both (fork, or pthread_create with {@code -T}), waits for them and reports the elapsed time; perf prints it as
 * usecs/op, one op being one round trip.
 *
 * <p>Model. Each pipe is a channel; a write to a pipe with a blocked reader is a synchronous wakeup, as
 * pipe_write() wakes its reader with wake_up_interruptible_sync_poll(). Per write and per read the worker runs the
 * syscall work {@code write} and {@code read}. Headline: simulated time until every task exited (it includes the
 * two forks, as perf's timing does) over {@code loops}, in µs per round trip. Runs until both workers exit unless
 * {@code --duration} is given.
 *
 * <p>{@code mode=thread} ({@code -T}) differs from {@code process} (the default) only where the real tool does:
 * a process fork is dearer than a thread's ({@code forkextra} per worker, as hackbench), and every switch between
 * the two processes changes address space, which threads do not ({@code mmswitch} of work after every wakeup), and
 * each worker process ends with the profile's process-exit work ({@code processExitNs}).
 *
 * <p>Parameters (default): {@code loops} (1000000, perf's {@code -l}), {@code mode} {@code process|thread}
 * (process), {@code write} and {@code read} per 4-byte pipe operation (the cost profile's pipe syscall work:
 * 1202 and 902 ns in the built-in profile), {@code forkextra} (95 µs, process mode), {@code mmswitch} (150 ns, process mode; estimate for
 * switch_mm_irqs_off() with PCIDs).
 */
public final class Pipe {
    private Pipe() {}

    static final int PIPE1 = 0, PIPE2 = 1;
    /** perf writes and reads an int per hand-off. */
    static final long TOKEN_BYTES = 4;

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("loops", "mode", "write", "read", "forkextra", "mmswitch"));
        int loops = p.posInt("loops", 1_000_000);
        boolean process = Opts.choice(p, spec, "mode", "process", "process", "thread").equals("process");
        Dist write = p.dist("write", Dist.syscall(Syscall.PIPE_WRITE, TOKEN_BYTES));
        Dist read = p.dist("read", Dist.syscall(Syscall.PIPE_READ, TOKEN_BYTES));
        long forkExtra = process ? p.duration("forkextra", 95_000) : 0;
        long mmSwitch = process ? p.duration("mmswitch", 150) : 0;

        WorkloadSpec w = new WorkloadSpec("pipe");
        w.params.putAll(p.given());
        w.params.put("duration_s", "-1");
        w.channels = 2;
        int roundTrip = w.mark("round_trip");
        Prog main = new Prog();
        for (int t = 1; t <= 2; t++) {
            if (forkExtra > 0) main.run(forkExtra);
            main.fork(t, 1);
        }
        main.waitChildren(2).exit();
        w.addTemplate(new TaskTemplate("sched-pipe", main.build(), 1));

        Prog w0 = new Prog().loop(loops).begin(roundTrip).run(write).signal(PIPE1, true).waitCh(PIPE2);
        if (mmSwitch > 0) w0.run(mmSwitch);
        w0.run(read).end(roundTrip).endLoop().exit(process);
        Prog w1 = new Prog().loop(loops).waitCh(PIPE1);
        if (mmSwitch > 0) w1.run(mmSwitch);
        w1.run(read).run(write).signal(PIPE2, true).endLoop().exit(process);
        w.addTemplate(new TaskTemplate("sched-pipe-0", w0.build(), 0));
        w.addTemplate(new TaskTemplate("sched-pipe-1", w1.build(), 0));

        w.endWhenAllExit = true;
        w.headline = new WorkloadSpec.Headline("round_trip", "us/op", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME,
                -1, 1e-3 / loops);
        return w;
    }
}
