package org.schedlab.policy;

/** Runs on {@code cpu} when an IPI sent with {@link SchedContext#sendIpi} or a {@link SchedContext#callLater} timer arrives. */
@FunctionalInterface
public interface IpiHandler {
    void handle(int cpu, long arg);
}
