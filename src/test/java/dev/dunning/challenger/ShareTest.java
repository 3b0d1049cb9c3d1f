package dev.dunning.challenger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.facts.FactRejectedException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** The challenger's share as a credit controller gives it: percent, 0.01 to 50, at most two decimals. */
class ShareTest {

    @Test
    void aPercentageBecomesBasisPoints() {
        assertThat(ChallengerTests.shareBasisPoints(new BigDecimal("10"))).isEqualTo(1_000);
        assertThat(ChallengerTests.shareBasisPoints(new BigDecimal("0.01"))).isEqualTo(1);
        assertThat(ChallengerTests.shareBasisPoints(new BigDecimal("12.50"))).isEqualTo(1_250);
        assertThat(ChallengerTests.shareBasisPoints(new BigDecimal("50"))).isEqualTo(5_000);
        assertThat(ChallengerTests.percent(1_250)).isEqualTo("12.5 %");
    }

    @Test
    void aShareOutOfRangeOrTooPreciseIsRefusedNamingTheField() {
        for (String bad : new String[] {"0", "50.01", "-1", "1.125", "1e999999999", "9".repeat(60)}) {
            assertThatThrownBy(() -> ChallengerTests.shareBasisPoints(new BigDecimal(bad))).as(bad)
                    .isInstanceOf(FactRejectedException.class)
                    .satisfies(e -> assertThat(((FactRejectedException) e).field()).isEqualTo("sharePercent"))
                    .hasMessageContaining("0.01 to 50");
        }
        assertThatThrownBy(() -> ChallengerTests.shareBasisPoints(null)).isInstanceOf(FactRejectedException.class);
    }
}
