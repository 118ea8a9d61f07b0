package org.schedlab.experiment;

import org.junit.jupiter.api.Test;
import org.schedlab.InputError;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GridTest {
    private static RunSpec template() {
        RunSpec t = new RunSpec();
        t.durationNs = 5_000_000;
        t.hz = 1000;
        t.params.put("stale", "x");
        return t;
    }

    private static Map<String, List<String>> params(String... kv) {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put(kv[i], List.of(kv[i + 1].split(",")));
        return m;
    }

    @Test
    void expandsInDocumentedOrderSeedFastest() {
        Grid g = new Grid(template(), List.of("synthetic:cores=4"), List.of("poisson"),
                params("rate", "100,200", "ws", "1,2,3"), List.of("pull", "global"), Grid.seeds(2));
        List<RunSpec> all = g.expand();
        assertThat(all).hasSize(2 * 3 * 2 * 2).hasSize(g.size());
        assertThat(all.subList(0, 5)).extracting(s -> s.params + " " + s.policy + " " + s.seed).containsExactly(
                "{rate=100, ws=1} pull 1", "{rate=100, ws=1} pull 2", "{rate=100, ws=1} global 1",
                "{rate=100, ws=1} global 2", "{rate=100, ws=2} pull 1");
        assertThat(all.get(all.size() - 1).params).containsExactly(Map.entry("rate", "200"), Map.entry("ws", "3"));
        for (RunSpec s : all) {
            assertThat(s.durationNs).isEqualTo(5_000_000);
            assertThat(s.hz).isEqualTo(1000);
            assertThat(s.params).doesNotContainKey("stale");
        }
    }

    @Test
    void indexMatchesExpansion() {
        Grid g = new Grid(template(), List.of("synthetic:cores=2", "synthetic:cores=4"), List.of("poisson", "spec-rate"),
                params("x", "a,b,c"), List.of("pull", "global", "random"), List.of(7L, 9L));
        List<RunSpec> all = g.expand();
        List<Map<String, String>> combos = g.paramCombos();
        for (int t = 0; t < 2; t++)
            for (int w = 0; w < 2; w++)
                for (int c = 0; c < 3; c++)
                    for (int p = 0; p < 3; p++)
                        for (int s = 0; s < 2; s++) {
                            RunSpec r = all.get(g.index(t, w, c, p, s));
                            assertThat(r.topology).isEqualTo(g.topologies().get(t));
                            assertThat(r.workload).isEqualTo(g.workloads().get(w));
                            assertThat(r.params).isEqualTo(combos.get(c));
                            assertThat(r.policy).isEqualTo(g.policies().get(p));
                            assertThat(r.seed).isEqualTo(g.seeds().get(s));
                        }
    }

    @Test
    void noParamsIsOneEmptyCombination() {
        Grid g = new Grid(template(), List.of("synthetic"), List.of("poisson"), Map.of(), List.of("pull"), Grid.seeds(3));
        assertThat(g.paramCombos()).containsExactly(Map.of());
        assertThat(g.expand()).extracting(s -> s.seed).containsExactly(1L, 2L, 3L);
    }

    @Test
    void rejectsEmptyAndDuplicateLists() {
        assertThatThrownBy(() -> Grid.seeds(0)).isInstanceOf(InputError.class).hasMessageContaining("at least 1");
        assertThatThrownBy(() -> new Grid(template(), List.of("synthetic"), List.of("poisson"), Map.of(),
                List.of("pull", "pull"), Grid.seeds(1))).isInstanceOf(InputError.class).hasMessageContaining("duplicate policy");
        assertThatThrownBy(() -> new Grid(template(), List.of(), List.of("poisson"), Map.of(), List.of("pull"),
                Grid.seeds(1))).isInstanceOf(InputError.class).hasMessageContaining("no topology");
        assertThatThrownBy(() -> new Grid(template(), List.of("synthetic"), List.of("poisson"), params("rate", "1,1"),
                List.of("pull"), Grid.seeds(1))).isInstanceOf(InputError.class).hasMessageContaining("duplicate parameter 'rate'");
    }

    @Test
    void validatePreparesEveryCombinationOnce() {
        Grid g = new Grid(template(), List.of("synthetic:cores=2"), List.of("poisson"), params("rate", "10,20"),
                List.of("pull", "global"), Grid.seeds(4));
        assertThat(g.validate()).hasSize(4).extracting(p -> p.spec.policy).containsExactly("pull", "global", "pull", "global");
        Grid bad = new Grid(template(), List.of("synthetic:cores=2"), List.of("poisson"), params("rate", "10,-1"),
                List.of("pull"), Grid.seeds(1));
        assertThatThrownBy(bad::validate).isInstanceOf(InputError.class).hasMessageContaining("rate");
    }
}
