package dev.dunning.decision;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Instant;

/**
 * One earlier attempt to reach the customer and what came of it. Immutable input fact. {@code complaint}: the
 * recipient's complaint about it (a spam report, a STOP reply, a complaint to a person), null when there was none; it
 * does not change the outcome.
 */
public record ContactAttempt(
        @NotNull Instant at,
        @NotNull Channel channel,
        Action action,
        @Min(0) @Max(99) Integer stage,
        @NotNull Outcome outcome,
        Complaint complaint) {

    /** An attempt that drew no complaint. */
    public ContactAttempt(Instant at, Channel channel, Action action, Integer stage, Outcome outcome) {
        this(at, channel, action, stage, outcome, null);
    }

    /** Whether the recipient complained about it. */
    public boolean complained() {
        return complaint != null;
    }

    public int stageOrZero() {
        return stage == null ? 0 : stage;
    }
}
