package dev.dunning.audit;

import java.time.Instant;

/** A record of the log as stored; {@code content} is the chained canonical JSON, with the decision as answered. */
public record AuditRecord(
        long seq,
        String decisionId,
        Instant recordedAt,
        Instant asOf,
        String customerId,
        String principal,
        String entryPoint,
        String ruleSetVersion,
        String action,
        String channel,
        String tone,
        String factsHash,
        String content,
        String prevHash,
        String hash) {}
