package org.schedlab.cost;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;

import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostProfileTest {
    @Test
    void builtInProfileHoldsTheCompiledConstants() {
        assertThat(CostProfile.differences(CostProfile.builtin(), new CostModel())).isEmpty();
        assertThat(CostProfile.differences(CostModel.defaults(), new CostModel())).isEmpty();
        assertThat(CostModel.defaults().isFree()).isFalse();
    }

    @Test
    void builtInProfileNamesEveryConstant() throws Exception {
        String text = new String(CostProfile.class.getResourceAsStream(CostProfile.DEFAULT_RESOURCE).readAllBytes());
        for (Field f : CostProfile.constants())
            assertThat(text).as(f.getName()).containsPattern("(?m)^" + f.getName() + ": ");
    }

    @Test
    void writtenProfileReadsBackEqual(@TempDir Path dir) throws Exception {
        CostModel c = new CostModel();
        int i = 1;
        for (Field f : CostProfile.constants()) {
            if (f.getType() == long.class) f.setLong(c, 7L * i + 3);
            else f.setDouble(c, i / 8.0 + 0.1);
            i++;
        }
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, CostProfile.write("test", List.of("a test"), c, Map.of("tickNs", "measured"), null, null));
        CostModel back = CostProfile.load(file);
        assertThat(CostProfile.differences(c, back)).isEmpty();
        assertThat(CostProfile.differences(c, CostProfile.builtin())).isNotEmpty();
    }

    @Test
    void keysLeftOutKeepTheDefault(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, "profile: vm\ncontextSwitchNs: 4000\nworkJitter: 0\n");
        CostModel c = CostProfile.load(file);
        assertThat(c.contextSwitchNs).isEqualTo(4000);
        assertThat(c.workJitter).isZero();
        CostModel d = CostModel.defaults();
        d.contextSwitchNs = 4000;
        d.workJitter = 0;
        assertThat(CostProfile.differences(c, d)).isEmpty();
    }

    @Test
    void badProfilesNameFileLineAndWhatWasExpected(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"tickNs: 1\nctxSwitchNs: 5\n", ":2: unknown key 'ctxSwitchNs'"},
                {"tickNs: 1\n\ncontextSwitchNs: -5\n", ":3: 'contextSwitchNs' must be a non-negative integer, got -5"},
                {"contextSwitchNs: fast\n", ":1: 'contextSwitchNs' must be a non-negative integer, got 'fast'"},
                {"contextSwitchNs: 1.5\n", ":1: 'contextSwitchNs' must be a non-negative integer, got '1.5'"},
                {"workJitter: -0.1\n", ":1: 'workJitter' must be a non-negative number, got -0.1"},
                {"tickNs: [1, 2]\n", ":1: 'tickNs' must be a non-negative integer"},
                {"tickNs: 1\nprofile: \"abc\n", "malformed YAML"},
                {"- 1\n- 2\n", ":1: expected a mapping of cost constants"},
                {"", ": empty cost profile"},
                {"host: 3\n", ":1: 'host' must be a mapping"},
        };
        for (String[] c : cases) {
            Path file = dir.resolve("bad.yaml");
            Files.writeString(file, c[0]);
            assertThatThrownBy(() -> CostProfile.load(file)).as(c[0]).isInstanceOf(InputError.class)
                    .hasMessageStartingWith(file.toString())
                    .hasMessageContaining(c[1])
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
        }
    }

    @Test
    void missingFileIsOneLine(@TempDir Path dir) {
        assertThatThrownBy(() -> CostProfile.resolve(dir.resolve("nope.yaml").toString()))
                .isInstanceOf(InputError.class).hasMessageEndingWith("nope.yaml: no such file (expected a cost profile)");
    }
}
