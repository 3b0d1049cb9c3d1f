package dev.dunning.facts;

import java.math.BigDecimal;
import java.time.Instant;

/** A payment received against an invoice; partial payments are several of these. */
public record Payment(
        long id, String invoiceId, BigDecimal amount, String currency, Instant paidAt, String reference,
        Instant recordedAt) {}
