package dev.dunning.decisions;

import java.time.Instant;

/** A decision made by customer id, as stored: the main codes for filtering, and the full response as JSON. */
public record StoredDecision(
        String id, String customerId, Instant decidedAt, Instant asOf, String ruleSetVersion, String action,
        String channel, String tone, int stage, String body) {}
