package org.schedlab.workload.synthetic;

import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * tbench: {@code clients} independent client/server pairs over loopback TCP. The client replays a load file of
 * SMB-like operations; each operation is one exchange: the client sends a request and blocks until the reply
 * arrives, the server blocks until a request arrives, processes it and replies. Both wakeups are synchronous (the
 * sender goes on to wait), and the loopback receive work is charged to the sender.
 *
 * <p>Model. The load file is a fixed cycle of {@link #CYCLE} operations, 70% metadata (request and reply sizes
 * of dbench's sockio.c: Unlink, CreateX, Close, QueryPathInfo, QueryFileInfo, FindFirst, Flush) and 15% each
 * ReadX and WriteX of 4K (60%), 16K (20%) and 64K (20%). Costs: send 6000 ns + 0.25 ns/byte, receive
 * 2000 ns + 0.25 ns/byte (estimates). The client runs {@code think} before each request, the server
 * {@code serverop} per operation. Mark {@code op} times each operation at the client (its p99/max is tbench's
 * latency line). Headline: tbench's throughput, payload (ReadX and WriteX data) MB/s = operations per second ×
 * mean payload per operation of the cycle × 1e-6 (higher is better).
 *
 * <p>Start-up as dbench's tbench does it: the {@code tbench} parent forks the clients one by one; each connects
 * (the {@code tbench_srv} listener forks one server process per accepted connection) and pauses; when every
 * client is set up the parent releases them together ({@code SIGCONT}). Deviation: the parent waits for the
 * clients' ready signals instead of polling them once a second, which only shortens the start-up.
 *
 * <p>Parameters (default): {@code clients} (4; tbench is usually run with 1..4×CPUs), {@code think} (1us),
 * {@code serverop} (3us), {@code warmup} (0).
 */
public final class Tbench {
    private Tbench() {}

    private static final long K = 1024;
    /** One pass of the load: request bytes, reply bytes, payload bytes. */
    static final long[][] CYCLE = {
            {111, 69, 0}, {51 + 4 * K, 41, 4 * K}, {45, 39, 0}, {71, 80, 0}, {55, 4 * K + 4, 4 * K},
            {41, 80, 0}, {83, 39, 0}, {71, 200, 0}, {41, 39, 0}, {111, 69, 0}, {51 + 4 * K, 41, 4 * K},
            {45, 39, 0}, {71, 80, 0}, {55, 4 * K + 4, 4 * K}, {41, 80, 0}, {83, 39, 0}, {111, 69, 0},
            {51 + 4 * K, 41, 4 * K}, {45, 39, 0}, {71, 200, 0}, {55, 4 * K + 4, 4 * K}, {41, 80, 0},
            {41, 39, 0}, {111, 69, 0}, {51 + 16 * K, 41, 16 * K}, {45, 39, 0}, {55, 16 * K + 4, 16 * K},
            {71, 80, 0}, {83, 39, 0}, {51 + 64 * K, 41, 64 * K}, {45, 39, 0}, {55, 64 * K + 4, 64 * K},
            {41, 80, 0},
    };

    static long sendNs(long bytes) { return 6000 + bytes / 4; }

    static long recvNs(long bytes) { return 2000 + bytes / 4; }

    static int requestChannel(int client) { return 2 * client; }

    static int replyChannel(int client) { return 2 * client + 1; }

    static int clientTemplate(int client) { return 2 + 2 * client; }

    static int serverTemplate(int client) { return 3 + 2 * client; }

    static double payloadPerOp() {
        long sum = 0;
        for (long[] op : CYCLE) sum += op[2];
        return sum / (double) CYCLE.length;
    }

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("clients", "think", "serverop", "warmup", "stagger"));
        double stagger = Launch.stagger(p, spec);
        int clients = p.posInt("clients", 4);
        long think = p.duration("think", 1_000);
        long serverop = p.duration("serverop", 3_000);

        WorkloadSpec w = new WorkloadSpec("tbench");
        w.params.putAll(p.given());
        w.warmupNs = p.duration("warmup", 0);
        int accept = 2 * clients, ready = accept + 1, go = accept + 2;
        w.channels = 2 * clients + 3;
        int op = w.mark("op");
        // templates: 0 the tbench parent, 1 the tbench_srv listener, then client c at 2 + 2c, its server at 3 + 2c
        Prog parent = new Prog();
        Prog listener = new Prog();
        for (int c = 0; c < clients; c++) {
            Launch.forkOne(parent, clientTemplate(c), Launch.PROCESS_FORK.dist(stagger));
            listener.waitCh(accept);
            Launch.forkOne(listener, serverTemplate(c), Launch.PROCESS_FORK.dist(stagger));
        }
        Launch.releaseAll(parent, ready, go, clients).waitChildren(clients);
        listener.waitChildren(clients);
        w.addTemplate(new TaskTemplate("tbench", parent.build(), 1));
        w.addTemplate(new TaskTemplate("tbench_srv", listener.build(), 1));
        for (int c = 0; c < clients; c++) {
            int req = requestChannel(c), rsp = replyChannel(c);
            Prog client = new Prog().run(Dist.constant(sendNs(0))).signal(accept, false)
                    .signal(ready, false).waitCh(go).loop(-1);
            Prog server = new Prog().loop(-1);
            for (long[] o : CYCLE) {
                client.begin(op).run(Dist.constant(think + sendNs(o[0]))).signal(req, true)
                        .waitCh(rsp).run(Dist.constant(recvNs(o[1]))).end(op);
                server.waitCh(req).run(Dist.constant(recvNs(o[0]) + serverop + sendNs(o[1]))).signal(rsp, true);
            }
            TaskTemplate ct = new TaskTemplate("tbench", client.endLoop().build(), 0);
            TaskTemplate st = new TaskTemplate("tbench_srv", server.endLoop().build(), 0);
            ct.workingSetBytes = 512 << 10;
            st.workingSetBytes = 512 << 10;
            w.addTemplate(ct);
            w.addTemplate(st);
        }
        w.startupNs = Launch.startup(Launch.PROCESS_FORK, clients, stagger);
        w.headline = new WorkloadSpec.Headline("throughput", "MB/s", true, WorkloadSpec.HeadlineKind.RATE, op,
                payloadPerOp() * 1e-6);
        return w.processes(); // tbench forks a process per client, tbench_srv one per connection
    }
}
