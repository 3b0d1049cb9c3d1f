package dev.dunning.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofSeconds(30), Duration.ofMinutes(10), 0.5);

    @Test
    void doublesTheDelayForEachFailureUpToTheMaximum() {
        assertThat(backoff.delay(1, () -> 0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(backoff.delay(2, () -> 0)).isEqualTo(Duration.ofSeconds(60));
        assertThat(backoff.delay(4, () -> 0)).isEqualTo(Duration.ofSeconds(240));
        assertThat(backoff.delay(6, () -> 0)).isEqualTo(Duration.ofMinutes(10));
        assertThat(backoff.delay(60, () -> 0)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void jitterTakesUpToItsFractionOffTheDelay() {
        assertThat(backoff.delay(2, () -> 0.999)).isGreaterThan(Duration.ofSeconds(30))
                .isLessThan(Duration.ofSeconds(31));
        assertThat(backoff.delay(2, () -> 0.5)).isEqualTo(Duration.ofSeconds(45));
    }

    @Test
    void signaturesVerifyOnlyTheSignedBodyWithinTheTolerance() {
        String header = Signatures.header("s3cret", 1_700_000_000L, "{\"a\":1}");
        assertThat(header).matches("t=1700000000,v1=[0-9a-f]{64}");
        assertThat(Signatures.verify("s3cret", header, "{\"a\":1}", 1_700_000_100L, 300)).isTrue();
        assertThat(Signatures.verify("s3cret", header, "{\"a\":2}", 1_700_000_100L, 300)).isFalse();
        assertThat(Signatures.verify("s3cret", header, "{\"a\":1}", 1_700_001_000L, 300)).isFalse();
    }
}
