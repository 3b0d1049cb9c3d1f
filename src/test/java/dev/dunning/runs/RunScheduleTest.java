package dev.dunning.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RunScheduleTest {

    static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-23T06:00:00Z"), ZoneOffset.UTC);

    static RunProperties properties(boolean scheduleDispatch) {
        return new RunProperties(500, 0, "0 0 6 * * *", scheduleDispatch, 0, false, Duration.ofSeconds(2),
                Duration.ofMinutes(5));
    }

    @Test
    void theScheduledRunIsALiveRunOfAllCustomersAsOfItsFiring() {
        RunRequest request = new RunSchedule(null, CLOCK, properties(false)).request();

        assertThat(request).isEqualTo(new RunRequest(CLOCK.instant(), false, null, null, null, "scheduler", false));
    }

    @Test
    void scheduleDispatchMakesTheScheduledRunADispatchingOne() {
        RunRequest request = new RunSchedule(null, CLOCK, properties(true)).request();

        assertThat(request.dispatch()).isTrue();
        assertThat(request.dryRun()).isFalse();
    }
}
