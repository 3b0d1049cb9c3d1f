package dev.dunning.facts;

import dev.dunning.decision.Hold;
import java.time.Instant;

/** A hold as stored; {@code endedAt} is set when someone ended it, after which later decisions no longer see it. */
public record StoredHold(long id, String customerId, Hold hold, String reason, Instant createdAt, Instant endedAt) {

    public boolean ended() {
        return endedAt != null;
    }
}
