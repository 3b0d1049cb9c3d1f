package dev.dunning.dispatch;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Exponential backoff with jitter: the n-th retry waits {@code base * 2^(n-1)}, capped at {@code max}, of which the
 * fraction {@code jitter} is drawn at random (so entries that failed together do not all come back together).
 */
record Backoff(Duration base, Duration max, double jitter) {

    /**
     * @param failures how many attempts have failed so far (1 after the first)
     * @param random a number in [0, 1)
     */
    Duration delay(int failures, DoubleSupplier random) {
        long baseMillis = base.toMillis();
        long maxMillis = max.toMillis();
        long millis = baseMillis;
        for (int i = 1; i < failures && millis < maxMillis; i++) {
            millis = millis * 2;
        }
        millis = Math.min(millis, maxMillis);
        long randomPart = (long) (millis * jitter * random.getAsDouble());
        return Duration.ofMillis(millis - randomPart);
    }
}
