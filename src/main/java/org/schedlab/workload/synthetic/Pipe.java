package org.schedlab.workload.synthetic;

import org.schedlab.cost.Syscall;
import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * {@code perf bench sched pipe}: two workers ping-pong one 4-byte token through two pipes, {@code loops} round
 * trips. Worker 0 writes pipe 1 and reads pipe 2; worker 1 reads pipe 1 and writes pipe 2. With {@code -T} the
 * main task starts both as threads and joins them; without, it forks one child that runs worker 0, runs worker 1
 * itself and reaps the child (bench_sched_pipe()). It reports the elapsed time; perf prints it as usecs/op, one op
 * being one round trip.
 *
 * <p>Model. Each pipe is a channel; a write to a pipe with a blocked reader is a synchronous wakeup, as
 * pipe_write() wakes its reader with wake_up_interruptible_sync_poll(). Per write and per read the worker runs the
 * syscall work {@code write} and {@code read}. Headline: simulated time until every task exited (it includes the
 * creation of the workers, as perf's timing does) over {@code loops}, in µs per round trip. Runs until the workers
 * exit unless {@code --duration} is given.
 *
 * <p>{@code mode=process} (the default) differs from {@code thread} ({@code -T}) only where the real tool does:
 * one process fork instead of two thread creations, the fork dearer by {@code forkextra}; the two are processes of
 * their own, so a CPU switching between them changes address space (the profile's {@code mmSwitchNs}), which
 * threads do not; the forked child starts with the profile's process-start work ({@code processStartNs}) and ends
 * with its process-exit work ({@code processExitNs}).
 *
 * <p>Parameters (default): {@code loops} (1000000, perf's {@code -l}), {@code mode} {@code process|thread}
 * (process), {@code write} and {@code read} per 4-byte pipe operation (the cost profile's pipe syscall work:
 * 1202 and 902 ns in the built-in profile), {@code forkextra} (the cost profile's {@code processForkNs}, 95 µs
 * built in; process mode).
 */
public final class Pipe {
    private Pipe() {}

    static final int PIPE1 = 0, PIPE2 = 1;
    /** perf writes and reads an int per hand-off. */
    static final long TOKEN_BYTES = 4;

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("loops", "mode", "write", "read", "forkextra"));
        int loops = p.posInt("loops", 1_000_000);
        boolean process = Opts.choice(p, spec, "mode", "process", "process", "thread").equals("process");
        Dist write = p.dist("write", Dist.syscall(Syscall.PIPE_WRITE, TOKEN_BYTES));
        Dist read = p.dist("read", Dist.syscall(Syscall.PIPE_READ, TOKEN_BYTES));
        Dist forkExtra = !process ? null : p.given().containsKey("forkextra")
                ? Dist.constant(p.duration("forkextra", 0)) : Dist.syscall(Syscall.PROCESS_FORK, 0);

        WorkloadSpec w = new WorkloadSpec("pipe");
        w.params.putAll(p.given());
        w.params.put("duration_s", "-1");
        w.channels = 2;
        int roundTrip = w.mark("round_trip");
        int siblings = process ? w.addMutex() : -1;

        Prog w0 = new Prog().start(process).loop(loops).begin(roundTrip).run(write).signal(PIPE1, true).waitCh(PIPE2)
                .run(read).end(roundTrip).endLoop().exit(process, siblings);
        Prog main = new Prog();
        if (process) worker1(main.run(forkExtra).fork(1, 1), loops, read, write).waitChildren(1).exit();
        else main.fork(1, 1).fork(2, 1).waitChildren(2).exit();
        w.addTemplate(new TaskTemplate("sched-pipe", main.build(), 1));
        w.addTemplate(new TaskTemplate("sched-pipe-0", w0.build(), 0));
        if (process) w.processes();
        else w.addTemplate(new TaskTemplate("sched-pipe-1", worker1(new Prog(), loops, read, write).exit().build(), 0));

        w.endWhenAllExit = true;
        w.headline = new WorkloadSpec.Headline("round_trip", "us/op", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME,
                -1, 1e-3 / loops);
        return w;
    }

    /** Worker 1's loop: read pipe 1, answer on pipe 2. */
    private static Prog worker1(Prog p, int loops, Dist read, Dist write) {
        return p.loop(loops).waitCh(PIPE1).run(read).run(write).signal(PIPE2, true).endLoop();
    }
}
