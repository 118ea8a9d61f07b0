package org.schedlab.topology;

/** A topology source that cannot be read or describes an impossible machine. The message is one line for the user. */
public class TopologyException extends org.schedlab.InputError {
    public TopologyException(String message) { super(message); }
    public TopologyException(String message, Throwable cause) { super(message, cause); }
}
