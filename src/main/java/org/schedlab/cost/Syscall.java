package org.schedlab.cost;

/** Syscalls whose work a cost profile prices ({@link CostModel#syscallNs}). */
public enum Syscall {
    SOCKET_SEND("socket-send"), SOCKET_RECV("socket-recv"), PIPE_WRITE("pipe-write"), PIPE_READ("pipe-read");

    public final String label;

    Syscall(String label) { this.label = label; }
}
