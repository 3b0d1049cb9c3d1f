package dev.dunning.facts;

import dev.dunning.decision.ContactAttempt;
import java.time.Instant;

/** A contact attempt as stored, with its id and the billing system's reference (idempotency) if it gave one. */
public record StoredContact(long id, String customerId, ContactAttempt attempt, String reference, Instant recordedAt) {}
