package org.schedlab.policy;

/**
 * A loop of one CPU reading words of many CPUs under one kind (a walk over a mask): each read is recorded as
 * {@link SchedContext#chargeScan} records it, and their costs are charged together when the loop is over
 * ({@link #done}), which comes to the same as charging them one by one. Between the first {@link #scan} and
 * {@link #done} the acting CPU's charged time must not be read.
 */
public interface ScanRun {
    /** One read of {@code target}'s lines, as {@link SchedContext#chargeScan} makes it. */
    void scan(int target);

    /** Charges the reads of the loop; the run is not used again. */
    void done();
}
