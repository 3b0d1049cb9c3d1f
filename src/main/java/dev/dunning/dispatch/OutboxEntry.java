package dev.dunning.dispatch;

import java.time.Instant;
import java.util.List;

/** One decision to send and everything the outbox knows about sending it. */
public record OutboxEntry(
        String decisionId,
        String customerId,
        String action,
        String channel,
        String route,
        String tone,
        int stage,
        String template,
        List<String> invoiceIds,
        OutboxStatus status,
        Instant notBefore,
        Instant dueAt,
        int attempts,
        String claimedBy,
        String recipient,
        String lastError,
        String supersededBy,
        String reviewedBy,
        String reviewReason,
        Instant reviewedAt,
        Long contactId,
        Instant createdAt,
        Instant updatedAt,
        Instant sentAt) {}
