package org.schedlab.kernel;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

import static org.assertj.core.api.Assertions.assertThat;

class EventArgsTest {
    @Test
    void slotsHoldTheirArgumentsAndAreReusedFirstInFirstOut() {
        EventArgs a = new EventArgs();
        ArrayDeque<Integer> expectedFree = new ArrayDeque<>();
        int[] live = new int[100];
        for (int i = 0; i < 100; i++) {
            live[i] = a.put(i, -i);
            assertThat(live[i]).isEqualTo(i);
        }
        for (int i = 0; i < 100; i += 3) {
            assertThat(a.x(live[i])).isEqualTo(i);
            assertThat(a.y(live[i])).isEqualTo(-i);
            a.release(live[i]);
            expectedFree.add(live[i]);
        }
        for (int k = 0; k < 50; k++) {
            int slot = a.put(1000 + k, k);
            Integer reused = expectedFree.poll();
            assertThat(slot).isEqualTo(reused != null ? reused : 100 + k - 34);
            assertThat(a.x(slot)).isEqualTo(1000 + k);
        }
        assertThat(a.x(live[1])).isEqualTo(1);
    }
}
