package org.schedlab.kernel;

/** TODO */
final class LoadTracking {
    private final Machine m;
    private final Cpu[] cpus;

    LoadTracking(Machine m) {
        this.m = m;
        this.cpus = m.cpus;
    }

    void peltRq(Cpu cpu) {
        cpu.pelt.update(m.now, cpu.curr != null, cpu.nrRunning - cpu.nrDelayed, cpu.loadWeight);
    }

    void syncTaskPelt(Task t) {
        boolean running = t.state == Task.State.RUNNING;
        boolean runnable = running || t.state == Task.State.RUNNABLE || t.state == Task.State.HELD;
        t.pelt.update(m.now, running, runnable ? 1 : 0, runnable ? t.weight : 0);
    }

    void attachPelt(Task t, int c) {
        if (t.attachedCpu == c) return;
        syncTaskPelt(t);
        if (t.attachedCpu >= 0) {
            Cpu old = cpus[t.attachedCpu];
            peltRq(old);
            old.pelt.sub(t.pelt);
        }
        if (c >= 0) {
            peltRq(cpus[c]);
            cpus[c].pelt.add(t.pelt);
        }
        t.attachedCpu = c;
    }
}
