package dev.dunning.facts;

import dev.dunning.decision.Invoice;
import java.time.Instant;

/** An invoice as stored: the fact, the customer it belongs to, and when the service first and last heard of it. */
public record StoredInvoice(String customerId, Invoice invoice, Instant createdAt, Instant updatedAt) {}
