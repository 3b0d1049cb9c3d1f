package dev.dunning.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class RunCommandTest {

    @Test
    void theBarFillsWithTheShareDoneAndShowsRateAndTimeLeft() {
        String bar = RunCommand.bar(new RunStatus.Progress(2_500, 10_000, 1234.5, 6L));

        assertThat(bar).isEqualTo("[########......................]  25% 2,500/10,000 customers, 1,235/s, 6 s left");
    }

    @Test
    void anEmptyRunShowsAnEmptyBarWithoutDividingByZero() {
        assertThat(RunCommand.bar(new RunStatus.Progress(0, 0, 0, null)))
                .isEqualTo("[..............................]   0% 0/0 customers, 0/s");
    }

    @Test
    void aDateIsThatDayAtMidnightUtcAndAnInstantIsTakenAsItIs() {
        assertThat(RunCommand.asOf("2026-11-23")).isEqualTo(Instant.parse("2026-11-23T00:00:00Z"));
        assertThat(RunCommand.asOf("2026-11-23T08:30:00Z")).isEqualTo(Instant.parse("2026-11-23T08:30:00Z"));
    }
}
