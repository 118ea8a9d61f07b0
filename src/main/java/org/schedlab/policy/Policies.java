package org.schedlab.policy;

import org.schedlab.InputError;
import org.schedlab.policy.linux.FairPolicy;
import org.schedlab.policy.reference.GlobalQueuePolicy;
import org.schedlab.policy.reference.RandomPolicy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Resolves {@code --policy NAME[:key=value,...]} or {@code class:com.example.MyPolicy[:key=value,...]}.
 * Every key and value is checked against the options the policy declares ({@link SchedPolicy#options}), for
 * built-in and {@code class:} policies alike, so a typo is refused before the run with the keys that exist.
 */
public final class Policies {
    private static final Map<String, Supplier<SchedPolicy>> BUILTIN = new TreeMap<>();

    static {
        register("linux-wake", FairPolicy::linuxWake);
        register("global", GlobalQueuePolicy::new);
        register("random", RandomPolicy::new);
        register("pull", FairPolicy::pull);
        register("push", FairPolicy::push);
        register("shared-runq", FairPolicy::sharedRunq);
        register("pick2", org.schedlab.policy.reference.Pick2Policy::new);
    }

    private Policies() {}

    public static void register(String name, Supplier<SchedPolicy> s) {
        BUILTIN.put(name, s);
    }

    /** A policy instance with its options. */
    public static final class Resolved {
        public final SchedPolicy policy;
        public final Map<String, String> options;
        public final String spec;

        Resolved(SchedPolicy policy, Map<String, String> options, String spec) {
            this.policy = policy;
            this.options = options;
            this.spec = spec;
        }
    }

    public static Resolved resolve(String spec) {
        if (spec == null || spec.isBlank()) throw new InputError("empty policy");
        String name, body;
        if (spec.startsWith("class:")) {
            String rest = spec.substring(6);
            int colon = rest.indexOf(':');
            name = colon < 0 ? rest : rest.substring(0, colon);
            body = colon < 0 ? "" : rest.substring(colon + 1);
            SchedPolicy p = loadClass(name);
            List<PolicyOption> known;
            try {
                known = p.options();
            } catch (RuntimeException | LinkageError e) {
                throw new InputError("policy class '" + name + "': options() threw " + oneLine(e));
            }
            return new Resolved(p, parseOptions(spec, body, known), spec);
        }
        int colon = spec.indexOf(':');
        name = colon < 0 ? spec : spec.substring(0, colon);
        body = colon < 0 ? "" : spec.substring(colon + 1);
        Supplier<SchedPolicy> s = BUILTIN.get(name);
        if (s == null)
            throw new InputError("unknown policy '" + name + "'; known: " + String.join(", ", BUILTIN.keySet())
                    + ", or class:FULLY.QUALIFIED.Name");
        SchedPolicy p = s.get();
        return new Resolved(p, parseOptions(spec, body, p.options()), spec);
    }

    private static Map<String, String> parseOptions(String spec, String body, List<PolicyOption> known) {
        Map<String, String> out = new LinkedHashMap<>();
        if (body.isBlank()) return out;
        Map<String, PolicyOption> byKey = new LinkedHashMap<>();
        for (PolicyOption o : known) byKey.put(o.key(), o);
        for (String kv : body.split(",")) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new InputError("policy '" + spec + "': expected key=value, got '" + kv + "'");
            String k = kv.substring(0, eq).trim();
            String v = kv.substring(eq + 1).trim();
            PolicyOption o = byKey.get(k);
            if (o == null)
                throw new InputError("policy '" + spec + "': unknown key '" + k + "'"
                        + (byKey.isEmpty() ? "; this policy takes no options" : "; expected one of " + String.join(", ", byKey.keySet())));
            String expected = o.check(v);
            if (expected != null)
                throw new InputError("policy '" + spec + "': " + k + " must be " + expected + ", got '" + v + "'");
            if (out.put(k, v) != null) throw new InputError("policy '" + spec + "': key '" + k + "' given twice");
        }
        return out;
    }

    /**
     * Loads a {@code class:} policy without initialising it, so that naming any class on the class path runs none
     * of its code unless it is a {@link SchedPolicy}; then instantiates it. What its static initialiser or
     * constructor throws is one line naming the class.
     */
    private static SchedPolicy loadClass(String name) {
        Class<?> c;
        try {
            c = Class.forName(name, false, Thread.currentThread().getContextClassLoader());
        } catch (ClassNotFoundException e) {
            throw new InputError("policy class '" + name + "' not found on the class path");
        } catch (LinkageError e) {
            throw new InputError("policy class '" + name + "' cannot be loaded: " + oneLine(e));
        }
        if (!SchedPolicy.class.isAssignableFrom(c))
            throw new InputError("class '" + name + "' does not implement " + SchedPolicy.class.getName());
        try {
            return (SchedPolicy) c.getDeclaredConstructor().newInstance();
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw new InputError("policy class '" + name + "': its constructor threw " + oneLine(e.getCause()));
        } catch (ExceptionInInitializerError e) {
            throw new InputError("policy class '" + name + "': its static initialiser threw " + oneLine(e.getCause()));
        } catch (LinkageError e) {
            throw new InputError("policy class '" + name + "' cannot be initialised: " + oneLine(e));
        } catch (ReflectiveOperationException e) {
            throw new InputError("policy class '" + name + "' cannot be instantiated: needs to be a concrete class with a "
                    + "public no-argument constructor");
        }
    }

    private static String oneLine(Throwable t) {
        String s = t == null ? "an error" : t.toString();
        return s.lines().findFirst().orElse(s).trim();
    }

    public static java.util.Set<String> names() { return BUILTIN.keySet(); }
}
