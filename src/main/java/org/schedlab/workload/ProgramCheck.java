package org.schedlab.workload;

/** Structural checks on a program: balanced loops. */
final class ProgramCheck {
    private ProgramCheck() {}

    static void check(String comm, Op[] program) {
        int depth = 0;
        for (int i = 0; i < program.length; i++) {
            Op op = program[i];
            if (op instanceof Op.LoopBegin) depth++;
            if (op instanceof Op.LoopEnd) {
                int b = ((Op.LoopEnd) op).begin;
                if (b < 0 || b >= i || !(program[b] instanceof Op.LoopBegin))
                    throw new IllegalArgumentException(comm + ": loop end at " + i + " does not close a loop");
                depth--;
            }
        }
        if (depth != 0) throw new IllegalArgumentException(comm + ": unbalanced loops");
    }
}
