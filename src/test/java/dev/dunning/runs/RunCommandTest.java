package dev.dunning.runs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
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

    @Test
    void dispatchNeedsALiveRunAndIsNotGivenToARestart() throws Exception {
        // Wrong uses are refused before any run is asked for: no Runs needed.
        RunCommand command = new RunCommand(null);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        assertThat(command.run(List.of("--as-of=2026-11-23", "--dispatch"), out, false)).isEqualTo(RunCommand.USAGE);
        assertThat(command.run(List.of("--restart=7", "--dispatch"), out, false)).isEqualTo(RunCommand.USAGE);
        assertThat(command.run(List.of("--as-of=2026-11-23", "--mode=live", "--dispatch=maybe"), out, false))
                .isEqualTo(RunCommand.USAGE);

        assertThat(bytes.toString(StandardCharsets.UTF_8))
                .contains("--dispatch needs --mode=live; a dry run dispatches nothing")
                .contains("a restarted run dispatches as it did when it was started")
                .contains("--dispatch=maybe is not valid");
    }

    @Test
    void theFlagIsOnAloneOrWithTrueAndOffWithFalse() {
        assertThat(RunCommand.flag("")).isTrue();
        assertThat(RunCommand.flag("true")).isTrue();
        assertThat(RunCommand.flag("FALSE")).isFalse();
    }
}
