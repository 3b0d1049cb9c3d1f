package dev.dunning.facts;

import dev.dunning.decision.Hold;
import java.time.Instant;

/**
 * A hold as stored; {@code endedAt} is set when someone ended it, after which later decisions no longer see it.
 * {@code createdBy} and {@code endedBy} name who did it (the API key's name or the signed-in person's); null where
 * the hold came from elsewhere (demo data, holds written before they were recorded).
 */
public record StoredHold(long id, String customerId, Hold hold, String reason, Instant createdAt, String createdBy,
        Instant endedAt, String endedBy) {

    public boolean ended() {
        return endedAt != null;
    }
}
