package org.schedlab.experiment;

import org.junit.jupiter.api.Test;
import org.schedlab.InputError;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SweepFileTest {
    private static final String GOOD = """
            topology: [synthetic:cores=2, synthetic:cores=4]
            policy: [pull, linux-wake]
            workload: poisson
            seeds: 3
            duration: 20ms
            warmup: 5ms
            params:
              rate: [100, 200.5]
              service: [exp:1ms]
            costs: none
            hz: 1000
            task_group: autogroup
            tg_load_ratelimit: off
            fair: cfs
            """;

    @Test
    void parsesEveryKey() {
        Grid g = SweepFile.parse("s.yaml", GOOD);
        assertThat(g.topologies()).containsExactly("synthetic:cores=2", "synthetic:cores=4");
        assertThat(g.policies()).containsExactly("pull", "linux-wake");
        assertThat(g.workloads()).containsExactly("poisson");
        assertThat(g.seeds()).containsExactly(1L, 2L, 3L);
        assertThat(g.params()).containsExactly(Map.entry("rate", List.of("100", "200.5")),
                Map.entry("service", List.of("exp:1ms")));
        RunSpec t = g.template();
        assertThat(t.durationNs).isEqualTo(20_000_000);
        assertThat(t.warmupNs).isEqualTo(5_000_000);
        assertThat(t.costs).isFalse();
        assertThat(t.hz).isEqualTo(1000);
        assertThat(t.autogroup).isTrue();
        assertThat(t.tgLoadRatelimit).isFalse();
        assertThat(t.cfs).isTrue();
        assertThat(g.size()).isEqualTo(2 * 2 * 2 * 3);
    }

    @Test
    void aSteadyWarmupMakesTheDurationTheWindowAfterIt() {
        Grid g = SweepFile.parse("s.yaml", BASE + "seeds: 1\nduration: 1ms\nwarmup: steady\n");
        assertThat(g.template().warmupNs).isEqualTo(RunSpec.WARMUP_STEADY);
        assertThat(g.template().durationNs).isEqualTo(1_000_000);
        assertThat(SweepFile.parse("s.yaml", BASE + "seeds: 1\nduration: 1ms\nwarmup: auto\n").template().warmupNs)
                .isEqualTo(RunSpec.WARMUP_AUTO);
    }

    @Test
    void seedsMayBeAList() {
        Grid g = SweepFile.parse("s.yaml", "topology: [synthetic]\npolicy: [pull]\nworkload: [poisson]\n"
                + "seeds: [5, 0, 42]\nduration: 1ms\n");
        assertThat(g.seeds()).containsExactly(5L, 0L, 42L);
        assertThat(g.template().hz).isEqualTo(250);
        assertThat(g.template().costs).isTrue();
        assertThat(g.template().autogroup).isFalse();
        assertThat(g.template().tgLoadRatelimit).isTrue();
    }

    private static void assertError(String yaml, String... parts) {
        assertThatThrownBy(() -> SweepFile.parse("bad.yaml", yaml)).isInstanceOf(InputError.class)
                .satisfies(e -> assertThat(e.getMessage()).startsWith("bad.yaml").contains(parts).doesNotContain("\n"));
    }

    private static final String BASE = "topology: [synthetic]\npolicy: [pull]\nworkload: [poisson]\n";

    @Test
    void errorsNameTheFileAndLine() {
        assertError(BASE + "seeds: 2\nduration: 1ms\nfoo: 1\n", "bad.yaml:6:", "unknown key 'foo'");
        assertError("topology: [synthetic]\npolicy: []\nworkload: [poisson]\nseeds: 2\nduration: 1ms\n",
                "bad.yaml:2:", "'policy' must not be empty");
        assertError(BASE + "seeds: two\nduration: 1ms\n", "bad.yaml:4:", "'seeds' must be");
        assertError(BASE + "seeds: 0\nduration: 1ms\n", "bad.yaml:4:", "at least 1");
        assertError(BASE + "seeds: []\nduration: 1ms\n", "bad.yaml:4:", "'seeds' must not be empty");
        assertError(BASE + "seeds: [1, 1]\nduration: 1ms\n", "bad.yaml:4:", "twice");
        assertError(BASE + "seeds: 2\nduration: 1ms\nhz: fast\n", "bad.yaml:6:", "'hz' must be an integer");
        assertError(BASE + "seeds: 2\nduration: 1ms\nhz: 2.5\n", "bad.yaml:6:", "'hz'");
        assertError(BASE + "seeds: 2\nduration: 1ms\nhz: 99\n", "bad.yaml:6:", "100, 250, 300 or 1000");
        assertError(BASE + "seeds: 2\nduration: 1ms\ntask_group: user\n", "bad.yaml:6:", "root or autogroup");
        assertError(BASE + "seeds: 2\nduration: 1ms\ntg_load_ratelimit: 2\n", "bad.yaml:6:", "on or off");
        assertError(BASE + "seeds: 2\nduration: 1ms\nfair: bfs\n", "bad.yaml:6:", "eevdf or cfs");
        assertError("topology: [synthetic]\npolicy: {a: b}\nworkload: [poisson]\nseeds: 2\nduration: 1ms\n",
                "bad.yaml:2:", "'policy' must be");
        assertError(BASE + "seeds: 2\nduration: 1\n", "bad.yaml:5:", "no unit");
        assertError(BASE + "seeds: 2\n", "missing 'duration'");
        assertError(BASE + "duration: 1ms\n", "missing 'seeds'");
        assertError("policy: [pull]\nworkload: [poisson]\nseeds: 1\nduration: 1ms\n", "missing 'topology'");
        assertError(BASE + "policy: [x]\nseeds: 2\nduration: 1ms\n", "bad.yaml:4:", "'policy' appears twice");
        assertError("topology: [synthetic]\npolicy: [pull, pull]\nworkload: [poisson]\nseeds: 2\nduration: 1ms\n",
                "bad.yaml:2:", "'pull' twice");
        assertError(BASE + "seeds: 2\nduration: 1ms\nparams:\n  rate: []\n", "bad.yaml:6:", "'params.rate' must not be empty");
        assertError(BASE + "seeds: 2\nduration: 1ms\nparams:\n  rate: [[1]]\n", "bad.yaml:6:", "scalar");
        assertError(BASE + "seeds: 2\nduration: 1ms\nparams: [1]\n", "bad.yaml:6:", "'params' must be a map");
        assertError(BASE + "seeds: 2\nduration: 1ms\ncosts: some\n", "bad.yaml:6:", "default or none");
        assertError(BASE + "seeds: 2\nduration: 1ms\nwarmup: soon\n", "bad.yaml:6:", "warmup: 'soon' is not auto, steady or a duration");
        assertError(BASE + "seeds: 2\nduration: 1ms\nwarmup: 2ms\n", "bad.yaml:6:", "not shorter than 'duration'");
        assertError("topology: [synthetic\npolicy: [pull]\n", "bad.yaml:");
        assertError("- a\n- b\n", "bad.yaml:1:", "expected a mapping");
        assertError("\n", "empty sweep file");
        assertError("topology: [synthetic:llcs=2,cores=4]\npolicy: [pull]\nworkload: [poisson]\nseeds: 1\nduration: 1ms\n",
                "bad.yaml:1:", "'cores=4'", "quote specs that contain commas");
    }

    @Test
    void everyRunIsResolvedWhenLoading() {
        assertError("topology: [synthetic]\npolicy: [pull, nope]\nworkload: [poisson]\nseeds: 1\nduration: 1ms\n",
                "unknown policy 'nope'");
        assertError(BASE + "seeds: 1\nduration: 1ms\nparams:\n  bogus: [1]\n", "unknown key 'bogus'");
        assertError("topology: [nope]\npolicy: [pull]\nworkload: [poisson]\nseeds: 1\nduration: 1ms\n", "'nope'");
    }

    @Test
    void seedsBeyondTheLimitAreRefusedBeforeAnythingIsAllocated() {
        assertError(BASE + "seeds: 2147483647\nduration: 1ms\n", "bad.yaml:4:", "limit of " + Grid.MAX_SEEDS);
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i <= Grid.MAX_SEEDS; i++) list.append(i == 0 ? "" : ",").append(i);
        assertError(BASE + "seeds: " + list + "]\nduration: 1ms\n", "bad.yaml:4:", "limit of " + Grid.MAX_SEEDS);
    }

    @Test
    void aGridBeyondTheLimitIsRefusedBeforeItIsExpanded() {
        StringBuilder params = new StringBuilder("params:\n");
        for (String k : new String[]{"a", "b", "c", "d", "e"}) {
            params.append("  ").append(k).append(": [");
            for (int v = 0; v < 100; v++) params.append(v == 0 ? "" : ",").append(v);
            params.append("]\n");
        }
        // 10^10 points: the limit is named before any combination is built
        assertError(BASE + "seeds: 1\nduration: 1ms\n" + params, "10000000000 runs", "limit of " + Grid.MAX_RUNS + " runs");
    }

    /** Found by the reader fuzz test: a quoted value with a newline made a two-line message. */
    @Test
    void aValueWithControlCharactersIsQuotedOnOneLine() {
        assertThatThrownBy(() -> SweepFile.parse("s.yaml", "topology: synthetic\npolicy: [\"push\\nohz=\\u0001x\"]\n"
                + "workload: schbench\nseeds: 1\nduration: 1ms\n")).isInstanceOf(InputError.class)
                .hasMessageStartingWith("s.yaml: unknown policy 'push\\nohz=\\u0001x'; known: ");
    }
}
