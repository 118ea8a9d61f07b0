package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

import java.util.Set;

/**
 * An open system: jobs arrive as a Poisson process at {@code rate} per second, each a new task that does
 * {@code service} of CPU work and exits. The queueing-theory workload.
 */
public final class Poisson {
    private Poisson() {}

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Set.of("rate", "service", "ws"));
        double rate = p.posDouble("rate", 1000);
        Dist service = p.dist("service", Dist.exp(1_000_000));
        WorkloadSpec w = new WorkloadSpec("poisson");
        w.params.putAll(p.given());
        TaskTemplate job = new TaskTemplate("job", new Op[]{new Op.Run(service), new Op.Exit()}, 0);
        job.workingSetBytes = (long) p.posDouble("ws", 256 * 1024);
        int t = w.addTemplate(job);
        w.arrivals = new WorkloadSpec.Arrivals(Dist.exp(1e9 / rate), t);
        w.headline = new WorkloadSpec.Headline("response_time_mean", "us", false,
                WorkloadSpec.HeadlineKind.RESPONSE_MEAN, -1, 1e-3);
        return w;
    }
}
