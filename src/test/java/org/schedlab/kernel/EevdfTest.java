package org.schedlab.kernel;

import org.junit.jupiter.api.Test;
import org.schedlab.engine.Rng;
import org.schedlab.workload.Dist;
import org.schedlab.workload.Op;
import org.schedlab.workload.TaskTemplate;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** EEVDF arithmetic on a bare runqueue, checked against the definitions it implements. */
class EevdfTest {
    private static final long SLICE = 3_000_000L, TICK = 4_000_000L;
    private static final int[] NICES = {-10, -5, 0, 0, 3, 7, 15};

    private static Task task(int pid, int nice) {
        TaskTemplate tt = new TaskTemplate("t" + pid, new Op[]{new Op.Run(Dist.constant(1))}, 1);
        tt.nice = nice;
        Task t = new Task(pid, tt.comm, tt, 0, Rng.stream(1, "t"), null, 1, 0, 0, 0);
        t.slice = SLICE;
        return t;
    }

    /** Queues {@code t} with the vruntime and deadline it already has. */
    static void queue(Cpu rq, Task t) {
        Eevdf.addEntity(rq, t);
        t.onRq = true;
        rq.tasks.add(t);
        rq.timeline.insert(t);
        rq.nrRunning++;
    }

    /** {@code t} runs: it leaves the tree (set_next_entity). */
    private static void run(Cpu rq, Task t) {
        rq.timeline.remove(t);
        rq.curr = t;
    }

    private static Cpu randomQueue(Random r, int n, List<Task> out) {
        Cpu rq = new Cpu(0, 1024, 1024, 0, 500_000);
        for (int i = 0; i < n; i++) {
            Task t = task(i + 1, NICES[r.nextInt(NICES.length)]);
            t.vruntime = 1_000_000_000L + r.nextInt(40_000_000) - 20_000_000;
            t.deadline = t.vruntime + r.nextInt(6_000_000);
            queue(rq, t);
            out.add(t);
        }
        return rq;
    }

    private static BigInteger weightedSum(List<Task> ts) {
        BigInteger s = BigInteger.ZERO;
        for (Task t : ts) s = s.add(BigInteger.valueOf(t.weight).multiply(BigInteger.valueOf(t.vruntime)));
        return s;
    }

    private static long totalWeight(List<Task> ts) {
        long w = 0;
        for (Task t : ts) w += t.weight;
        return w;
    }

    @Test
    void avgVruntimeIsTheWeightedMeanRoundedDown() {
        Random r = new Random(11);
        for (int trial = 0; trial < 500; trial++) {
            List<Task> ts = new ArrayList<>();
            Cpu rq = randomQueue(r, 1 + r.nextInt(8), ts);
            BigInteger[] qr = weightedSum(ts).divideAndRemainder(BigInteger.valueOf(totalWeight(ts)));
            long floor = qr[0].longValueExact() - (qr[1].signum() < 0 ? 1 : 0);
            assertThat(Eevdf.avgVruntime(rq)).isEqualTo(floor);
        }
    }

    @Test
    void eligibleExactlyWhenTheLagIsNotNegative() {
        Random r = new Random(12);
        for (int trial = 0; trial < 500; trial++) {
            List<Task> ts = new ArrayList<>();
            Cpu rq = randomQueue(r, 1 + r.nextInt(8), ts);
            BigInteger sum = weightedSum(ts), w = BigInteger.valueOf(totalWeight(ts));
            for (Task t : ts) {
                // lag ≥ 0  ⇔  v ≤ Σ w·v / Σ w  ⇔  v·Σw ≤ Σ w·v
                boolean expected = BigInteger.valueOf(t.vruntime).multiply(w).compareTo(sum) <= 0;
                assertThat(Eevdf.eligible(rq, t)).as("%s", t).isEqualTo(expected);
            }
        }
    }

    @Test
    void pickEevdfTakesTheEligibleEntityWithTheEarliestDeadlineNotTheEarliestOverall() {
        Cpu rq = new Cpu(0, 1024, 1024, 0, 500_000);
        Task ahead = task(1, 0), a = task(2, 0), b = task(3, 0);
        ahead.vruntime = 30_000_000; ahead.deadline = 31_000_000;   // far ahead of V: not eligible
        a.vruntime = 10_000_000;     a.deadline = 40_000_000;
        b.vruntime = 12_000_000;     b.deadline = 35_000_000;
        for (Task t : List.of(ahead, a, b)) queue(rq, t);
        assertThat(Eevdf.eligible(rq, ahead)).isFalse();
        assertThat(Eevdf.pickEevdf(rq, true)).isSameAs(b);
    }

    @Test
    void aProtectedRunningEntityIsKeptUntilItsProtectionEnds() {
        Cpu rq = new Cpu(0, 1024, 1024, 0, 500_000);
        Task curr = task(1, 0), other = task(2, 0);
        curr.vruntime = 10_000_000; curr.deadline = 14_000_000;
        other.vruntime = 10_000_000; other.deadline = 12_000_000;
        queue(rq, curr);
        queue(rq, other);
        run(rq, curr);
        Eevdf.setProtectSlice(curr, SLICE);
        assertThat(curr.vprot).isEqualTo(Math.min(curr.deadline, curr.vruntime + SLICE));
        assertThat(Eevdf.pickEevdf(rq, true)).isSameAs(curr);
        assertThat(Eevdf.pickEevdf(rq, false)).isSameAs(other);
        // past its protection the earlier deadline wins
        Eevdf.updateCurr(rq, curr, SLICE, SLICE);
        assertThat(Eevdf.pickEevdf(rq, true)).isSameAs(other);
    }

    @Test
    void placementWithLagKeepsTheLagRelativeToTheNewAverage() {
        Random r = new Random(13);
        for (int trial = 0; trial < 500; trial++) {
            List<Task> ts = new ArrayList<>();
            Cpu rq = randomQueue(r, 1 + r.nextInt(8), ts);
            Task se = task(100, NICES[r.nextInt(NICES.length)]);
            long lag = r.nextInt(8_000_000) - 4_000_000;
            se.vlag = lag;
            Eevdf.placeEntity(rq, se, false, SLICE);
            queue(rq, se);
            // V' = V − w·lag'/(W + w) with lag' = lag·(W + w)/W, so V' − v = lag up to integer rounding
            long lagAfter = Eevdf.avgVruntime(rq) - se.vruntime;
            assertThat(Math.abs(lagAfter - lag)).as("lag %d placed as %d", lag, lagAfter).isLessThanOrEqualTo(2);
            assertThat(se.deadline).isEqualTo(se.vruntime + SLICE * 1024L / se.weight);
        }
    }

    @Test
    void aNewEntityStartsAtTheAverageWithHalfASlice() {
        Random r = new Random(14);
        List<Task> ts = new ArrayList<>();
        Cpu rq = randomQueue(r, 5, ts);
        long v = Eevdf.avgVruntime(rq);
        Task se = task(100, 5);
        se.vlag = 3_000_000;   // ignored for a new task
        Eevdf.placeEntity(rq, se, true, SLICE);
        assertThat(se.vruntime).isEqualTo(v);
        assertThat(se.deadline).isEqualTo(v + SLICE * 1024L / se.weight / 2);
    }

    @Test
    void aMigratedEntityKeepsItsRelativeDeadline() {
        Cpu rq = new Cpu(0, 1024, 1024, 0, 500_000);
        Task other = task(1, 0);
        other.vruntime = 50_000_000;
        queue(rq, other);
        Task se = task(2, 0);
        se.vlag = 0;
        se.relDeadline = 1_234_567;
        Eevdf.placeEntity(rq, se, false, SLICE);
        assertThat(se.deadline - se.vruntime).isEqualTo(1_234_567);
        assertThat(se.relDeadline).isEqualTo(Long.MIN_VALUE);
    }

    @Test
    void lagOnDequeueIsClampedToASliceAndATick() {
        Cpu rq = new Cpu(0, 1024, 1024, 0, 500_000);
        Task lead = task(1, 0), far = task(2, 0), near = task(3, 0);
        lead.vruntime = 100_000_000;
        far.vruntime = 0;
        near.vruntime = 51_000_000;   // close to V
        for (Task t : List.of(lead, far, near)) queue(rq, t);
        long v = Eevdf.avgVruntime(rq);
        long limit = (SLICE + TICK) * 1024L / 1024;
        Eevdf.updateEntityLag(rq, far, SLICE, TICK);
        assertThat(far.vlag).isEqualTo(limit);
        Eevdf.updateEntityLag(rq, lead, SLICE, TICK);
        assertThat(lead.vlag).isEqualTo(Math.max(-limit, v - lead.vruntime));
        Eevdf.updateEntityLag(rq, near, SLICE, TICK);
        assertThat(near.vlag).isEqualTo(v - near.vruntime);
    }

    @Test
    void runningTimeAdvancesVruntimeInverselyToWeightAndKeepsTheSumsExact() {
        Random r = new Random(15);
        for (int trial = 0; trial < 200; trial++) {
            List<Task> ts = new ArrayList<>();
            Cpu rq = randomQueue(r, 2 + r.nextInt(6), ts);
            Task curr = ts.get(r.nextInt(ts.size()));
            run(rq, curr);
            long v0 = curr.vruntime, delta = 1 + r.nextInt(5_000_000);
            curr.deadline = v0 + 10_000_000_000L;
            assertThat(Eevdf.updateCurr(rq, curr, delta, SLICE)).isFalse();
            assertThat(curr.vruntime - v0).isEqualTo(delta * 1024L / curr.weight);
            Cpu fresh = new Cpu(1, 1024, 1024, 0, 500_000);
            for (Task t : ts) Eevdf.addEntity(fresh, t);
            assertThat(Eevdf.avgVruntime(rq)).isEqualTo(Eevdf.avgVruntime(fresh));
        }
    }

    @Test
    void reachingTheDeadlineGrantsANewSlice() {
        Cpu rq = new Cpu(0, 1024, 1024, 0, 500_000);
        Task t = task(1, 0);
        t.vruntime = 0;
        t.deadline = 1_000_000;
        queue(rq, t);
        assertThat(Eevdf.updateCurr(rq, t, 999_999, SLICE)).isFalse();
        assertThat(Eevdf.updateCurr(rq, t, 1, SLICE)).isTrue();
        assertThat(t.deadline).isEqualTo(1_000_000 + SLICE);
    }

    /**
     * The tree's answers equal a scan of its entities: the eligible one of earliest deadline (equal deadlines: the
     * earlier inserted) and the one of least vruntime, through random inserts and removals with many ties.
     */
    @Test
    void theTreeFindsWhatAScanOfItsEntitiesFinds() {
        Random r = new Random(16);
        for (int trial = 0; trial < 200; trial++) {
            Cpu rq = new Cpu(0, 1024, 1024, 0, 500_000);
            List<Task> in = new ArrayList<>();
            for (int op = 0; op < 300; op++) {
                if (in.isEmpty() || r.nextInt(3) > 0) {
                    Task t = task(op + 1, NICES[r.nextInt(NICES.length)]);
                    t.vruntime = r.nextInt(20) * 1_000_000L;
                    t.deadline = t.vruntime + r.nextInt(4) * 1_000_000L;
                    Eevdf.addEntity(rq, t);
                    rq.timeline.insert(t);
                    in.add(t);
                } else {
                    Task t = in.remove(r.nextInt(in.size()));
                    Eevdf.removeEntity(rq, t);
                    rq.timeline.remove(t);
                }
                Task best = null, least = null;
                for (Task t : in) {
                    if (least == null || t.vruntime < least.vruntime) least = t;
                    if (Eevdf.eligible(rq, t) && (best == null || t.deadline < best.deadline)) best = t;
                }
                assertThat(rq.timeline.size()).isEqualTo(in.size());
                assertThat(rq.timeline.earliestEligible(rq)).isSameAs(best);
                assertThat(rq.timeline.minVruntime()).isSameAs(least);
            }
        }
    }

    @Test
    void yieldMovesTheDeadlineOneSliceLater() {
        Task t = task(1, 7);
        t.deadline = 5_000_000;
        Eevdf.yieldTask(t);
        assertThat(t.deadline).isEqualTo(5_000_000 + SLICE * 1024L / t.weight);
    }
}
