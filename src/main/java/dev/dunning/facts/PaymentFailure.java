package dev.dunning.facts;

import dev.dunning.decision.DeclineClass;
import java.math.BigDecimal;
import java.time.Instant;

/** A failed attempt to collect an invoice, with the provider's decline code and its class (SOFT or HARD). */
public record PaymentFailure(
        long id, String invoiceId, Instant failedAt, String declineCode, DeclineClass declineClass, BigDecimal amount,
        String reference, Instant recordedAt) {}
