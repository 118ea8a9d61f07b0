package org.schedlab.workload;

import org.schedlab.InputError;

/** A workload spec, rt-app file or trace that cannot be used; the message names file, line and expectation. */
public class WorkloadException extends InputError {
    public WorkloadException(String message) { super(message); }
}
