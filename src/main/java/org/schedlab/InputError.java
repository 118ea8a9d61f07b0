package org.schedlab;

/**
 * Bad input from the user: a file, flag or spec that cannot be used. The message is a single line naming the
 * source (file and line where there is one) and what was expected; the CLI prints it and exits non-zero.
 */
public class InputError extends RuntimeException {
    public InputError(String message) { super(message); }
    public InputError(String message, Throwable cause) { super(message, cause); }
}
