package org.schedlab.workload.synthetic;

import org.schedlab.cost.Syscall;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * tbench: {@code clients} independent client/server pairs over loopback TCP. The client replays a load file of
 * SMB-like operations; each operation is one exchange: the client sends a request and blocks until the reply
 * arrives, the server blocks until a request arrives, processes it and replies. Both wakeups are synchronous (the
 * sender goes on to wait), and the loopback receive work is charged to the sender.
 *
 * <p>Model. The load file is a fixed cycle of {@link #CYCLE} exchanges with the proportions of dbench 4.0's
 * {@code client.txt} (458,342 exchanges: ReadX 27%, WriteX 9%, NTCreateX 17%, QUERY_PATH_INFORMATION 16%, Close 13%,
 * FIND_FIRST 6%, the rest under 4% each), request and reply sizes as sockio.c builds them, ReadX and WriteX sizes
 * drawn from the file's (ReadX mean 11,853 bytes, WriteX 25,720): 5,461 counted bytes per exchange against the
 * file's 5,428. The client sends the request (data of a WriteX in it) and reads the reply in two calls, a 4-byte
 * header and the body with MSG_TRUNC, which copies nothing; the server (tbench_srv.c) reads the header and the
 * body and sends the reply, with no other work. Costs are the cost profile's loopback TCP prices
 * ({@code tcpSendNs}, {@code tcpRecvNs}, {@code loopbackByteNs} per byte copied). The client runs {@code think}
 * before each request (child.c parsing the next line), the server {@code serverop} per operation. Mark {@code op}
 * times each operation at the client (its p99/max is tbench's latency line). Headline: tbench's throughput, the
 * ReadX and WriteX bytes (child.c) in MB/s of 10^6 bytes = operations per second x mean payload per operation of
 * the cycle x 1e-6 (higher is better). Deviation: a large message reaches the reader in one wakeup, not one per
 * segment.
 *
 * <p>Start-up as dbench's tbench does it: the {@code tbench} parent forks the clients one by one; each connects
 * (the {@code tbench_srv} listener forks one server process per accepted connection) and pauses; when every
 * client is set up the parent releases them together ({@code SIGCONT}). Deviation: the parent waits for the
 * clients' ready signals instead of polling them once a second, which only shortens the start-up.
 *
 * <p>Parameters (default): {@code clients} (4; tbench is usually run with 1..4×CPUs), {@code think} (1us, an
 * estimate), {@code serverop} (0), {@code warmup} (0), {@code ws} (512K: each process's working set, which a
 * migration makes it refill; an estimate, not sourced: a process copies 2 x 5.4 KB a mean exchange, and what else
 * it keeps hot between wakeups is not known).
 */
public final class Tbench {
    private Tbench() {}

    private static final long K = 1024;
    /** One pass of the load: request bytes, reply bytes, payload bytes (sockio.c's sizes, client.txt's mix). */
    static final long[][] CYCLE = {
            ntCreateX(), queryPath(), readX(4096), readX(4096), close(),
            ntCreateX(), queryFile(), readX(61440), readX(4096), close(),
            findFirst(), queryPath(), ntCreateX(), writeX(65536), setFile(), close(),
            queryFs(), ntCreateX(), readX(16384), readX(4096), queryPath(),
            findFirst(), ntCreateX(), writeX(8192), writeX(2048), unlink(),
            queryPath(), ntCreateX(), readX(4096), readX(2048), readX(4096), queryPath(), close(),
    };

    // sockio.c: 39-byte SMB header plus each call's words; names as client.txt's (-D . , client0..9) on average
    private static long[] ntCreateX() { return new long[] {155, 87, 0}; }
    private static long[] queryPath() { return new long[] {137, 71, 0}; }
    private static long[] queryFile() { return new long[] {59, 71, 0}; }
    private static long[] queryFs() { return new long[] {59, 71, 0}; }
    private static long[] setFile() { return new long[] {71, 47, 0}; }
    private static long[] findFirst() { return new long[] {116, 517, 0}; }
    private static long[] unlink() { return new long[] {125, 39, 0}; }
    private static long[] close() { return new long[] {47, 39, 0}; }
    private static long[] readX(long size) { return new long[] {59, 59 + size, size}; }
    private static long[] writeX(long size) { return new long[] {59 + size, 55, size}; }

    /** The 4-byte length word that opens every message (read on its own by both sides). */
    private static final long HEADER = 4;

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
        SpecParams p = new SpecParams(spec, body, Opts.keys("clients", "think", "serverop", "warmup", "stagger", "ws"));
        double stagger = Launch.stagger(p, spec);
        int clients = p.posInt("clients", 4);
        long think = p.duration("think", 1_000);
        long serverop = p.duration("serverop", 0);
        long ws = Opts.bytes(p, spec, "ws", 512 << 10);

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
        // every client and server runs the same work ops (they keep no state)
        Op.Run connect = new Op.Run(Dist.syscall(Syscall.TCP_SEND, 8)); // sockio.c's connect: 8 bytes each way
        // the reply's body is read with MSG_TRUNC: nothing copied
        Op.Run readReply = new Op.Run(Dist.plus(Dist.syscall(Syscall.TCP_RECV, HEADER), Dist.syscall(Syscall.TCP_RECV, 0)));
        Op.Run[] request = new Op.Run[CYCLE.length], serve = new Op.Run[CYCLE.length];
        for (int i = 0; i < CYCLE.length; i++) {
            long[] o = CYCLE[i];
            request[i] = new Op.Run(Dist.plus(Dist.constant(think), Dist.syscall(Syscall.TCP_SEND, o[0])));
            serve[i] = new Op.Run(Dist.plus(Dist.syscall(Syscall.TCP_RECV, HEADER),
                    Dist.syscall(Syscall.TCP_RECV, o[0] - HEADER), Dist.constant(serverop),
                    Dist.syscall(Syscall.TCP_SEND, o[1])));
        }
        for (int c = 0; c < clients; c++) {
            int req = requestChannel(c), rsp = replyChannel(c);
            Prog client = new Prog().run(connect).signal(accept, false).signal(ready, false).waitCh(go).loop(-1);
            Prog server = new Prog().loop(-1);
            for (int i = 0; i < CYCLE.length; i++) {
                client.begin(op).run(request[i]).signal(req, true).waitCh(rsp).run(readReply).end(op);
                server.waitCh(req).run(serve[i]).signal(rsp, true);
            }
            TaskTemplate ct = new TaskTemplate("tbench", client.endLoop().build(), 0);
            TaskTemplate st = new TaskTemplate("tbench_srv", server.endLoop().build(), 0);
            ct.workingSetBytes = ws;
            st.workingSetBytes = ws;
            w.addTemplate(ct);
            w.addTemplate(st);
        }
        w.startupNs = Launch.startup(Launch.PROCESS_FORK, clients, stagger);
        w.headline = new WorkloadSpec.Headline("throughput", "MB/s", true, WorkloadSpec.HeadlineKind.RATE, op,
                payloadPerOp() * 1e-6);
        return w.processes(); // tbench forks a process per client, tbench_srv one per connection
    }
}
