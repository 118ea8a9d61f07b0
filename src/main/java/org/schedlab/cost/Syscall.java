package org.schedlab.cost;

/** Syscalls whose work a cost profile prices ({@link CostModel#syscallNs}). */
public enum Syscall {
    SOCKET_SEND("socket-send"), SOCKET_RECV("socket-recv"), PIPE_WRITE("pipe-write"), PIPE_READ("pipe-read"),
    /** Loopback TCP and UDP: one send, or one receive call of data already queued. */
    TCP_SEND("tcp-send"), TCP_RECV("tcp-recv"), UDP_SEND("udp-send"), UDP_RECV("udp-recv"),
    /** A process fork beyond a thread's, in the parent: copy_mm() of its address space and its own refaults after. */
    PROCESS_FORK("process-fork"),
    /** The start of a forked process beyond a thread's: copy-on-write faults on the pages it writes on its way in. */
    PROCESS_START("process-start"),
    /** The end of a forked process beyond a thread's exit: its address space torn down. */
    PROCESS_EXIT("process-exit"),
    /** The part of a process's exit done under locks its siblings share (the parent's anon_vma root, its files). */
    PROCESS_EXIT_SHARED("process-exit-shared");

    public final String label;

    Syscall(String label) { this.label = label; }
}
