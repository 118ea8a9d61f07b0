package org.schedlab.report;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextTableTest {
    @Test
    void alignsColumnsToTheirWidestEntry() {
        TextTable t = new TextTable().left("policy").right("mean").right("cv%").left("note");
        t.row("tip", "1.00", 2.5, "").row("sd_nohz_long", "10.25", null, "noisy");
        assertThat(t.render()).isEqualTo("""
                policy         mean  cv%  note
                ------------  -----  ---  -----
                tip            1.00  2.5
                sd_nohz_long  10.25       noisy
                """);
        assertThat(t.rowCount()).isEqualTo(2);
        assertThat(t.toString()).isEqualTo(t.render());
    }

    @Test
    void headingsAloneStillRender() {
        assertThat(new TextTable().right("n").render()).isEqualTo("n\n-\n");
    }

    @Test
    void rowsMustMatchTheColumns() {
        TextTable t = new TextTable().left("a").left("b");
        assertThatThrownBy(() -> t.row("x")).isInstanceOf(IllegalArgumentException.class);
        t.row("x", "y");
        assertThatThrownBy(() -> t.left("c")).isInstanceOf(IllegalStateException.class);
    }
}
