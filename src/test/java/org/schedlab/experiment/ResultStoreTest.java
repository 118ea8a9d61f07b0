package org.schedlab.experiment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.schedlab.InputError;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResultStoreTest {
    @TempDir Path dir;

    private static RunSpec spec() {
        RunSpec s = new RunSpec();
        s.topology = "synthetic:cores=4";
        s.policy = "push:nohz=per-llc";
        s.workload = "poisson:service=exp:1ms";
        s.params.put("rate", "2000");
        s.params.put("ws", "64");
        s.seed = 3;
        return s;
    }

    @Test
    void fileNamesAreReadableAndStable() {
        String name = ResultStore.fileName(spec());
        assertThat(name).matches("poisson-service=exp-1ms-rate=2000-ws=64_push-nohz=per-llc_synthetic-cores=4_s3_[0-9a-f]{12}\\.json");
        assertThat(ResultStore.fileName(spec())).isEqualTo(name);
        assertThat(name).doesNotContain("/", ":", " ", ",");
    }

    @Test
    void paramOrderDoesNotMatterButEveryFieldDoes() {
        RunSpec a = spec(), b = spec();
        b.params.clear();
        b.params.put("ws", "64");
        b.params.put("rate", "2000");
        assertThat(ResultStore.fileName(b)).isEqualTo(ResultStore.fileName(a));
        assertThat(ResultStore.canonical(b)).isEqualTo(ResultStore.canonical(a));
        RunSpec c = spec();
        c.durationNs++;
        RunSpec d = spec();
        d.costs = false;
        RunSpec e = spec();
        e.hz = 1000;
        for (RunSpec x : new RunSpec[]{c, d, e}) assertThat(ResultStore.hash(x)).isNotEqualTo(ResultStore.hash(a));
    }

    @Test
    void longSlugsAreCut() {
        RunSpec s = spec();
        s.workload = "poisson:" + "x".repeat(300);
        assertThat(ResultStore.fileName(s).length()).isEqualTo(96 + 1 + 12 + 5);
    }

    @Test
    void doneMeansAParsableResult() throws Exception {
        try (ResultStore st = ResultStore.open(dir)) {
            RunSpec s = spec();
            assertThat(st.isDone(s)).isFalse();
            Files.writeString(st.path(s), "{\"schema\": \"schedlab-run/1\", \"metr");
            assertThat(st.isDone(s)).isFalse();
            ObjectNode r = Runner.JSON.createObjectNode();
            r.put("schema", "schedlab-run/1");
            r.putObject("metrics");
            st.write(s, r);
            assertThat(st.isDone(s)).isTrue();
        }
    }

    @Test
    void openingRemovesStaleTempFilesAndLocks() throws Exception {
        Files.writeString(dir.resolve(".a_b_c_s1_0123456789ab.json.123456.tmp"), "{\"partial");
        Files.writeString(dir.resolve("keep.json"), "{}");
        try (ResultStore st = ResultStore.open(dir)) {
            assertThat(Files.list(dir).map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("keep.json", ResultStore.LOCK);
            assertThatThrownBy(() -> ResultStore.open(dir)).isInstanceOf(InputError.class)
                    .hasMessageContaining("another sweep");
        }
        ResultStore.open(dir).close();
    }
}
