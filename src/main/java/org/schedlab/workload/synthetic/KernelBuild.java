package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadException;
import org.schedlab.workload.WorkloadSpec;

/**
 * A kernel build, {@code make -j jobs}: make runs a serial prepare step, then compiles {@code files} objects with
 * at most {@code jobs} compile jobs in flight (each time a job exits, make is woken, spends a little CPU and forks
 * the next), then forks the serial link step and waits for it. Headline: elapsed time until everything exited
 * (seconds, lower is better).
 *
 * <p>Each compile job is the process chain of one object: {@code sh} (exec, driver work) forks {@code cc1}
 * (exec, the compile: log-normal, median {@code scale}×450ms, sigma 0.9) and waits, then forks {@code as}
 * (exec, log-normal median {@code scale}×25ms, sigma 0.6) and waits, runs fixdep work and exits. The jobserver is
 * reduced to make's own count of children. Durations are estimates for a defconfig build shrunk by {@code scale}
 * so that simulations stay short; the link tail (ld, two kallsyms passes, modpost: 13 s for 3000 objects) is
 * scaled by {@code scale} and by files/3000.
 *
 * <p>Parameters (default): {@code jobs} (8; usually the number of CPUs), {@code files} (200), {@code scale}
 * (0.02: cc1 median 9 ms), {@code compile} distribution of cc1 work (lognormal:scale×450ms:0.9), {@code as}
 * (lognormal:scale×25ms:0.6), {@code link} serial link work (scale×13s×files/3000), {@code prepare} serial work
 * before the first job (scale×1s), {@code make} make's work per job it starts (scale×5ms), {@code driver} sh and
 * gcc driver work per job (scale×4ms), {@code ws} cc1 working set (8M). Simulated duration must cover the build,
 * else the run is reported unfinished, with no time.
 */
public final class KernelBuild {
    private KernelBuild() {}

    static final int MAKE = 0, JOB = 1, CC1 = 2, AS = 3, LD = 4;

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("jobs", "files", "scale", "compile", "as", "link",
                "prepare", "make", "driver", "ws"));
        int jobs = p.posInt("jobs", 8);
        int files = p.posInt("files", 200);
        double scale = p.posDouble("scale", 0.02);
        Dist compile = p.dist("compile", Dist.lognormal(scale * 450e6, 0.9));
        Dist as = p.dist("as", Dist.lognormal(scale * 25e6, 0.6));
        Dist link = p.dist("link", Dist.constant(Math.round(scale * 13e9 * files / 3000)));
        Dist prepare = p.dist("prepare", Dist.constant(Math.round(scale * 1e9)));
        Dist make = p.dist("make", Dist.constant(Math.round(scale * 5e6)));
        Dist driver = p.dist("driver", Dist.constant(Math.round(scale * 4e6)));
        long ws = Opts.bytes(p, spec, "ws", 8L << 20);
        if (files > 10_000_000) throw new WorkloadException(spec + ": files must be at most 10000000, got " + files);

        WorkloadSpec w = new WorkloadSpec("kernel-build");
        w.params.putAll(p.given());
        int objects = w.mark("objects");
        int first = Math.min(jobs, files);
        Prog mk = new Prog().run(prepare).fork(JOB, first)
                .loop(files - first).waitChildren(1).run(make).fork(JOB, 1).endLoop()
                .waitChildren(first)
                .fork(LD, 1).waitChildren(1).exit();
        Prog job = new Prog().exec().run(driver).fork(CC1, 1).waitChildren(1).fork(AS, 1).waitChildren(1)
                .run(driver).end(objects).exit();
        Prog cc1 = new Prog().exec().run(compile).exit();
        Prog asm = new Prog().exec().run(as).exit();
        Prog ld = new Prog().exec().run(link).exit();
        w.addTemplate(new TaskTemplate("make", mk.build(), 1));
        w.addTemplate(new TaskTemplate("sh", job.build(), 0));
        TaskTemplate c = new TaskTemplate("cc1", cc1.build(), 0);
        c.workingSetBytes = ws;
        w.addTemplate(c);
        w.addTemplate(new TaskTemplate("as", asm.build(), 0));
        TaskTemplate l = new TaskTemplate("ld", ld.build(), 0);
        l.workingSetBytes = 4 * ws;
        w.addTemplate(l);
        w.endWhenAllExit = true;
        w.headline = new WorkloadSpec.Headline("time", "s", false, WorkloadSpec.HeadlineKind.COMPLETION_TIME, -1, 1e-9);
        return w.processes(); // make, sh and the compilers are processes
    }
}
