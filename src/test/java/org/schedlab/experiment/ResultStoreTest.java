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
        RunSpec s = RunSpec.of("synthetic:cores=4", "push:nohz=per-llc", "poisson:service=exp:1ms", 1_000_000_000L, 1);
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
        RunSpec f = spec();
        f.delayDequeue = true;
        RunSpec g = spec();
        g.costScale = 2;
        for (RunSpec x : new RunSpec[]{c, d, e, f, g}) assertThat(ResultStore.hash(x)).isNotEqualTo(ResultStore.hash(a));
    }

    @Test
    void longSlugsAreCut() {
        RunSpec s = spec();
        s.workload = "poisson:" + "x".repeat(300);
        assertThat(ResultStore.fileName(s).length()).isEqualTo(96 + 1 + 12 + 5);
    }

    @Test
    void doneMeansAParsableResultOfExactlyThisSpec() throws Exception {
        try (ResultStore st = ResultStore.open(dir)) {
            RunSpec s = spec();
            assertThat(st.isDone(s)).isFalse();
            Files.writeString(st.path(s), "{\"schema\": \"schedlab-run/1\", \"metr");
            assertThat(st.isDone(s)).isFalse();
            ObjectNode r = Runner.JSON.createObjectNode();
            r.put("schema", "schedlab-run/1");
            r.putObject("metrics");
            st.write(s, r);
            assertThat(st.isDone(s)).as("a result that does not record its spec").isFalse();
            r.set("spec", s.canonical());
            st.write(s, r);
            assertThat(st.isDone(s)).isTrue();
        }
    }

    /** The case: a file copied from another run, or made with another duration, was taken as done. */
    @Test
    void aResultOfAnotherSpecUnderTheRunsNameIsNotDone() throws Exception {
        try (ResultStore st = ResultStore.open(dir)) {
            RunSpec s = spec(), longer = spec(), otherSeed = spec();
            longer.durationNs *= 2;
            otherSeed.seed = 4;
            for (RunSpec other : new RunSpec[]{longer, otherSeed}) {
                ObjectNode r = Runner.JSON.createObjectNode();
                r.put("schema", "schedlab-run/1");
                r.putObject("metrics");
                r.set("spec", other.canonical());
                st.write(s, r);   // under s's name, as a copy would be
                assertThat(st.isDone(s)).isFalse();
                assertThat(st.isDone(other)).isFalse();
            }
        }
    }

    @Test
    void theSpecIdentifiesTheCostProfileAndInputFilesByContent() throws Exception {
        Path profile = dir.resolve("p.yaml"), rt = dir.resolve("w.json");
        Files.writeString(profile, "tickNs: 1000\n");
        Files.writeString(rt, "{\"tasks\": {\"a\": {\"loop\": 1, \"run\": 100}}}");
        RunSpec s = spec();
        s.costProfile = profile.toString();
        s.workload = "rtapp:" + rt;
        s.params.clear();
        ObjectNode before = s.canonical();
        String hashBefore = ResultStore.hash(s);
        assertThat(before.get("costs_sha256").asText()).isEqualTo(org.schedlab.InputFiles.sha256(Files.readAllBytes(profile)));
        assertThat(before.get("workload_sha256").asText()).isEqualTo(org.schedlab.InputFiles.sha256(Files.readAllBytes(rt)));
        Files.writeString(profile, "tickNs: 2000\n");
        Files.setLastModifiedTime(profile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        assertThat(s.canonical()).isNotEqualTo(before);
        assertThat(ResultStore.hash(s)).isNotEqualTo(hashBefore);
        RunSpec d = spec();
        assertThat(d.canonical().get("costs_sha256").asText()).isEqualTo(org.schedlab.cost.CostProfile.builtinSha256());
        d.costs = false;
        assertThat(d.canonical().has("costs_sha256")).isFalse();
    }

    @Test
    void everyResultCarriesItsSpec() {
        RunSpec s = RunSpec.of("synthetic:cores=2", "pull", "poisson:rate=1000", 5_000_000L, 1);
        s.delayDequeue = true;
        s.costScale = 2;
        ObjectNode r = Runner.run(s);
        assertThat(r.get("spec")).isEqualTo(s.canonical());
        assertThat(r.get("spec").get("delay_dequeue").asText()).isEqualTo("on");
        assertThat(r.get("spec").get("cost_scale").asDouble()).isEqualTo(2.0);
    }

    /** The case: a sweep deleted every hidden .*.tmp in its directory, other programs' included. */
    @Test
    void theStoreRemovesTheTempFilesOfItsOwnFilesOnlyAndLocks() throws Exception {
        String own = "a_b_c_s1_0123456789ab.json";
        Files.writeString(dir.resolve("." + own + ".123456.tmp"), "{\"partial");          // an older writer's
        Files.writeString(dir.resolve("." + own + ".99999999-42.tmp"), "{\"partial");     // a killed writer's
        Files.writeString(dir.resolve(".other.json.123456.tmp"), "not ours");
        Files.writeString(dir.resolve(".editor-swap.tmp"), "not ours");
        Files.writeString(dir.resolve("keep.json"), "{}");
        try (ResultStore st = ResultStore.open(dir)) {
            st.removeStaleTemps(java.util.Set.of(own, "sweep.json"));
            assertThat(Files.list(dir).map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                    "keep.json", ResultStore.LOCK, ".other.json.123456.tmp", ".editor-swap.tmp");
            assertThatThrownBy(() -> ResultStore.open(dir)).isInstanceOf(InputError.class)
                    .hasMessageContaining("another sweep");
        }
        ResultStore.open(dir).close();
    }

    @Test
    void aStoreIsCreatedOnlyInAnExistingDirectory() {
        Path deep = dir.resolve("missing/out");
        assertThatThrownBy(() -> ResultStore.open(deep)).isInstanceOf(InputError.class)
                .hasMessage(deep + ": no such directory " + dir.resolve("missing") + " (create it first)");
        assertThat(Files.exists(dir.resolve("missing"))).isFalse();
        ResultStore.open(dir.resolve("out")).close();
        assertThat(Files.isDirectory(dir.resolve("out"))).isTrue();
    }
}
