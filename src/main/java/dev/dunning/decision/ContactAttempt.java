package dev.dunning.decision;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/** One earlier attempt to reach the customer and what came of it. Immutable input fact. */
public record ContactAttempt(
        @NotNull Instant at,
        @NotNull Channel channel,
        Action action,
        @Min(0) @Max(99) Integer stage,
        @NotNull Outcome outcome) {

    public int stageOrZero() {
        return stage == null ? 0 : stage;
    }
}
