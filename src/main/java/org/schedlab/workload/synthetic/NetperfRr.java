package org.schedlab.workload.synthetic;

import org.schedlab.cost.Syscall;
import org.schedlab.workload.Dist;
import org.schedlab.workload.SpecParams;
import org.schedlab.workload.TaskTemplate;
import org.schedlab.workload.WorkloadSpec;

/**
 * netperf TCP_RR / UDP_RR over loopback: {@code pairs} independent netperf/netserver pairs, each with exactly one
 * transaction in flight. A transaction: the client sends a {@code req}-byte request (synchronous wakeup of the
 * server) and blocks; the server receives, sends the {@code rsp}-byte response (synchronous wakeup of the client)
 * and blocks again. The purest wake-affine test: a pair either shares a CPU (serialised, no migration) or uses
 * two (parallel, cross-CPU wakeups).
 *
 * <p>Costs per message: one send and one receive call on the loopback socket, priced by the cost profile
 * ({@code tcpSendNs}/{@code tcpRecvNs} or {@code udpSendNs}/{@code udpRecvNs}, plus {@code loopbackByteNs} per
 * byte). Mark {@code transaction} times each round trip at the client. Headline: transactions per
 * second summed over pairs (netperf's "Trans. Rate per sec", higher is better).
 *
 * <p>Start-up as a benchmark script does it: a shell starts the netperf clients one by one (fork and exec); each
 * connects to the netserver daemon, which forks one child per connection, and starts once that child answers.
 *
 * <p>Parameters (default): {@code pairs} (1; {@code clients} is a synonym), {@code proto} {@code tcp|udp} (tcp),
 * {@code req} and {@code rsp} bytes (1 and 1), {@code warmup} (0).
 */
public final class NetperfRr {
    private NetperfRr() {}

    static int requestChannel(int pair) { return 2 * pair; }

    static int responseChannel(int pair) { return 2 * pair + 1; }

    public static WorkloadSpec build(String spec, String body) {
        SpecParams p = new SpecParams(spec, body, Opts.keys("pairs", "clients", "proto", "req", "rsp", "warmup", "stagger"));
        double stagger = Launch.stagger(p, spec);
        int pairs = p.posInt(Opts.synonym(p, spec, "pairs", "clients"), 1);
        boolean tcp = Opts.choice(p, spec, "proto", "tcp", "tcp", "udp").equals("tcp");
        long req = Opts.bytes(p, spec, "req", 1), rsp = Opts.bytes(p, spec, "rsp", 1);
        Syscall send = tcp ? Syscall.TCP_SEND : Syscall.UDP_SEND, recv = tcp ? Syscall.TCP_RECV : Syscall.UDP_RECV;

        WorkloadSpec w = new WorkloadSpec("netperf-rr");
        w.params.putAll(p.given());
        w.warmupNs = p.duration("warmup", 0);
        int accept = 2 * pairs;
        w.channels = 2 * pairs + 1;
        int tx = w.mark("transaction");
        Dist clientSend = Dist.syscall(send, req), clientRecv = Dist.syscall(recv, rsp);
        Dist server = Dist.plus(Dist.syscall(recv, req), Dist.syscall(send, rsp));
        // templates: 0 the shell that starts the clients, 1 the netserver daemon, then client i at 2 + 2i and
        // the netserver child serving it at 3 + 2i
        Prog shell = new Prog();
        Prog daemon = new Prog();
        for (int i = 0; i < pairs; i++) {
            Launch.forkOne(shell, 2 + 2 * i, Launch.SHELL_SPAWN.dist(stagger));
            daemon.waitCh(accept);
            Launch.forkOne(daemon, 3 + 2 * i, Launch.PROCESS_FORK.dist(stagger));
        }
        w.addTemplate(new TaskTemplate("sh", shell.waitChildren(pairs).build(), 1));
        w.addTemplate(new TaskTemplate("netserver", daemon.waitChildren(pairs).build(), 1));
        for (int i = 0; i < pairs; i++) {
            int rq = requestChannel(i), rs = responseChannel(i);
            Prog client = new Prog().run(clientSend).signal(accept, false).waitCh(rs).loop(-1)
                    .begin(tx).run(clientSend).signal(rq, true).waitCh(rs).run(clientRecv).end(tx)
                    .endLoop();
            Prog srv = new Prog().signal(rs, false).loop(-1).waitCh(rq).run(server).signal(rs, true).endLoop();
            w.addTemplate(new TaskTemplate("netperf", client.build(), 0));
            w.addTemplate(new TaskTemplate("netserver", srv.build(), 0));
        }
        w.startupNs = Launch.startup(Launch.SHELL_SPAWN, pairs, stagger);
        w.headline = new WorkloadSpec.Headline("transactions", "tx/s", true, WorkloadSpec.HeadlineKind.RATE, tx, 1);
        return w.processes(); // netperf and netserver are processes
    }
}
