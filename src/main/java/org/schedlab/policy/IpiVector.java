package org.schedlab.policy;

/**
 * An IPI or timer a policy owns, obtained from {@link SchedContext#registerIpi} during {@link SchedPolicy#init}.
 * Each registration gets its own vector, so policies built from several parts never share numbers.
 */
public final class IpiVector {
    private final int id;
    private final String name;

    public IpiVector(int id, String name) {
        this.id = id;
        this.name = name;
    }

    /** The kernel's index of this vector; meaningful only to the context that issued it. */
    public int id() { return id; }

    public String name() { return name; }

    @Override public String toString() { return name; }
}
