package org.schedlab.policy;

import org.junit.jupiter.api.Test;
import org.schedlab.InputError;
import org.schedlab.policy.linux.FairPolicy;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code class:NAME} runs no code of a class that is not a policy, and a policy whose static initialiser or
 * constructor throws is one line naming it.
 */
class PolicyClassLoadingTest {
    static final AtomicInteger INITIALISED = new AtomicInteger();

    /** Not a policy; initialising it would count. */
    public static final class NotAPolicy {
        static {
            INITIALISED.incrementAndGet();
        }
    }

    public static final class ThrowsInStaticInit extends ForwardingPolicy {
        static {
            if (INITIALISED.get() >= 0) throw new IllegalStateException("static boom");
        }

        public ThrowsInStaticInit() { super(FairPolicy.linuxWake()); }
    }

    public static final class ThrowsInConstructor extends ForwardingPolicy {
        public ThrowsInConstructor() {
            super(FairPolicy.linuxWake());
            throw new UnsupportedOperationException("constructor boom");
        }
    }

    public static final class ThrowsInOptions extends ForwardingPolicy {
        public ThrowsInOptions() { super(FairPolicy.linuxWake()); }

        @Override public java.util.List<PolicyOption> options() { throw new IllegalStateException("options boom"); }
    }

    public abstract static class Abstract extends ForwardingPolicy {
        protected Abstract() { super(FairPolicy.linuxWake()); }
    }

    private static String name(Class<?> c) { return "class:" + c.getName(); }

    @Test
    void aClassThatIsNotAPolicyIsRefusedWithoutRunningItsStaticInitialiser() {
        assertThatThrownBy(() -> Policies.resolve(name(NotAPolicy.class))).isInstanceOf(InputError.class)
                .hasMessage("class '" + NotAPolicy.class.getName() + "' does not implement " + SchedPolicy.class.getName());
        assertThat(INITIALISED.get()).isZero();
    }

    @Test
    void aThrowingPolicyIsOneLineNamingIt() {
        String[][] cases = {
                {name(ThrowsInStaticInit.class), "policy class '" + ThrowsInStaticInit.class.getName()
                        + "': its static initialiser threw java.lang.IllegalStateException: static boom"},
                {name(ThrowsInConstructor.class), "policy class '" + ThrowsInConstructor.class.getName()
                        + "': its constructor threw java.lang.UnsupportedOperationException: constructor boom"},
                {name(ThrowsInOptions.class), "policy class '" + ThrowsInOptions.class.getName()
                        + "': options() threw java.lang.IllegalStateException: options boom"},
                {name(Abstract.class), "policy class '" + Abstract.class.getName() + "' cannot be instantiated"},
                {"class:[Ljava.lang.String;", "does not implement"},
        };
        for (String[] c : cases)
            assertThatThrownBy(() -> Policies.resolve(c[0])).as(c[0]).isInstanceOf(InputError.class)
                    .hasMessageStartingWith(c[1].startsWith("does") ? "class '" : c[1]).hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
