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
            CostModel.Range r = f.getAnnotation(CostModel.Range.class);
            if (f.getType() == long.class) f.setLong(c, Math.min((long) r.max(), (long) r.min() + 7L * i + 3));
            else f.setDouble(c, Math.min(r.max(), r.min() + i / 8.0 + 0.1));
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
                {"tickNs: 1\n\ncontextSwitchNs: -5\n", ":3: 'contextSwitchNs' must be an integer between 0 and 1000000 ns, got -5"},
                {"contextSwitchNs: fast\n", ":1: 'contextSwitchNs' must be an integer between 0 and 1000000 ns, got 'fast'"},
                {"contextSwitchNs: 1.5\n", ":1: 'contextSwitchNs' must be an integer between 0 and 1000000 ns, got '1.5'"},
                {"workJitter: -0.1\n", ":1: 'workJitter' must be a number between 0 and 1 relative standard deviation, got -0.1"},
                {"tickNs: [1, 2]\n", ":1: 'tickNs' must be an integer between 0 and 1000000 ns"},
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

    /** The profiles: a context switch of 2^63-1 ns gave utilisation 401, a zero bandwidth negative event times. */
    @Test
    void everyCostIsRefusedOutsideItsPhysicalRangeNamingFileKeyAndRange(@TempDir Path dir) throws Exception {
        String[][] cases = {
                {"contextSwitchNs: 9223372036854775807\n", ":1: 'contextSwitchNs' must be an integer between 0 and 1000000 ns, got 9223372036854775807"},
                {"refillLlcBytesPerNs: 0\n", ":1: 'refillLlcBytesPerNs' must be a number between 0.1 and 10000 bytes/ns, got 0"},
                {"tickNs: 5\nrefillDramBytesPerNs: 1e-300\n", ":2: 'refillDramBytesPerNs' must be a number between 0.1 and 10000 bytes/ns, got 1e-300"},
                {"transferRemoteNs: 10001\n", ":1: 'transferRemoteNs' must be an integer between 0 and 10000 ns, got 10001"},
                {"remoteMemoryFactor: 0.5\n", ":1: 'remoteMemoryFactor' must be a number between 1 and 10 times, got 0.5"},
                {"processForkNs: 1000000001\n", ":1: 'processForkNs' must be an integer between 0 and 1000000000 ns"},
        };
        for (String[] c : cases) {
            Path file = dir.resolve("bad.yaml");
            Files.writeString(file, c[0]);
            assertThatThrownBy(() -> CostProfile.load(file)).as(c[0]).isInstanceOf(InputError.class)
                    .hasMessageStartingWith(file + c[1]);
        }
    }

    @Test
    void everyConstantHasARangeThatHoldsTheBuiltInProfile() throws Exception {
        CostModel d = CostModel.defaults();
        for (java.lang.reflect.Field f : CostProfile.constants()) {
            CostModel.Range r = f.getAnnotation(CostModel.Range.class);
            assertThat(r).as(f.getName()).isNotNull();
            double v = f.getType() == long.class ? f.getLong(d) : f.getDouble(d);
            assertThat(v).as(f.getName()).isBetween(r.min(), r.max());
            assertThat(r.max()).as(f.getName()).isGreaterThan(r.min());
        }
    }

    @Test
    void aKeyGivenTwiceIsRefused(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("twice.yaml");
        Files.writeString(file, "tickNs: 5\ncontextSwitchNs: 900\ntickNs: 6\n");
        assertThatThrownBy(() -> CostProfile.load(file)).isInstanceOf(InputError.class)
                .hasMessage(file + ":3: key 'tickNs' appears twice");
    }
}
