package org.schedlab.experiment;

/** The statistic a comparison reports per policy, with the label used in benchmark reports. */
public enum Statistic {
    AMEAN("AMean"),
    HMEAN("HMean"),
    MEDIAN("Median");

    private final String label;

    Statistic(String label) { this.label = label; }

    /** "AMean", "HMean" or "Median". */
    public String label() { return label; }

    /** Parses a label or constant name, case-insensitively ("amean", "Median", "HMEAN"). */
    public static Statistic parse(String s) {
        for (Statistic st : values())
            if (st.label.equalsIgnoreCase(s.trim()) || st.name().equalsIgnoreCase(s.trim())) return st;
        throw new IllegalArgumentException("unknown statistic '" + s + "' (expected AMean, HMean or Median)");
    }

    @Override
    public String toString() { return label; }
}
