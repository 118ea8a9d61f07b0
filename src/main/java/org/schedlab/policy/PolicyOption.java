package org.schedlab.policy;

import java.util.List;

/**
 * One {@code key=value} option a policy accepts, declared next to the code that reads it. {@link Policies}
 * validates what the user wrote against the options the policy declares ({@link SchedPolicy#options}) before
 * the run starts; {@link SchedContext#option} then hands back a value known to be valid.
 */
public final class PolicyOption {
    private final String key;
    private final String defaultValue;
    private final List<String> choices;   // null: a positive integer
    private final String help;

    private PolicyOption(String key, String defaultValue, List<String> choices, String help) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.choices = choices;
        this.help = help;
    }

    /** One of {@code values}; the first is the default. */
    public static PolicyOption choice(String key, String help, String... values) {
        if (values.length < 2) throw new IllegalArgumentException("a choice needs at least two values: " + key);
        return new PolicyOption(key, values[0], List.of(values), help);
    }

    /** {@code on} or {@code off} ({@code true}/{@code false} accepted), default {@code def}. */
    public static PolicyOption onOff(String key, String help, boolean def) {
        return new PolicyOption(key, def ? "on" : "off", List.of("on", "off", "true", "false"), help);
    }

    /** A positive integer, default {@code def}. */
    public static PolicyOption positive(String key, String help, int def) {
        return new PolicyOption(key, Integer.toString(def), null, help);
    }

    public String key() { return key; }
    public String defaultValue() { return defaultValue; }
    public String help() { return help; }

    /** What the option accepts, for error messages and help. */
    public String accepts() {
        return choices == null ? "a positive integer" : String.join(" or ", choices.subList(0, choices.size()));
    }

    /** Null when {@code value} is acceptable, otherwise what was expected. */
    public String check(String value) {
        if (choices != null) return choices.contains(value) ? null : accepts();
        try {
            return Integer.parseInt(value) > 0 ? null : accepts();
        } catch (NumberFormatException e) {
            return accepts();
        }
    }

    /** The value as a boolean (options made with {@link #onOff}). */
    public boolean isOn(String value) { return value.equals("on") || value.equals("true"); }

    @Override public String toString() { return key; }
}
