package dev.dunning.audit.web;

import dev.dunning.audit.AuditRecord;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.OutboxEntry;
import dev.dunning.dispatch.OutboxStatus;
import dev.dunning.facts.Contacts;
import dev.dunning.facts.Payment;
import dev.dunning.facts.Payments;
import dev.dunning.facts.StoredContact;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * What came of a decision, for its page: its outbox entry (what was to be sent, how often it was tried, where it
 * stands), the contact attempt its sending recorded with the latest outcome providers reported (delivered, opened,
 * replied, bounced), and the payments on its invoices after it, in time order. Read through the services the API
 * reads them with (the outbox's, the contacts' and the payments'); a decision that sends nothing has no entry.
 *
 * @param entry the outbox entry; null when the decision sent nothing
 * @param messageKey the Message-ID of its e-mail or the Idempotency-Key of its webhook
 * @param contact the contact attempt its sending recorded; null until it was sent
 * @param events what happened after the decision, oldest first
 */
record Dispatched(OutboxEntry entry, String messageKey, StoredContact contact, List<Event> events) {

    /**
     * One thing that happened after the decision. {@code kind} names it for the message bundle ({@code
     * dispatched.event.<kind>}); {@code detail} is shown as it is (a recipient, a reason, an amount).
     */
    record Event(Instant at, String kind, String detail) {}

    static Dispatched of(AuditRecord record, JsonNode decision, DispatchService dispatch, Contacts contacts,
            Payments payments) {
        OutboxEntry entry = dispatch.entryOf(record.decisionId()).orElse(null);
        List<Event> events = new ArrayList<>();
        StoredContact contact = null;
        List<String> invoiceIds = new ArrayList<>();
        decision.path("invoiceIds").forEach(id -> invoiceIds.add(id.asString()));
        if (entry != null) {
            events.add(new Event(entry.createdAt(), entry.status() == OutboxStatus.AWAITING_APPROVAL
                    || entry.reviewedAt() != null ? "awaitingApproval" : "queued", entry.route()));
            if (entry.reviewedAt() != null) {
                boolean rejected = entry.status() == OutboxStatus.REJECTED;
                events.add(new Event(entry.reviewedAt(), rejected ? "rejected" : "approved",
                        entry.reviewedBy() + ": " + entry.reviewReason()));
            }
            if (entry.sentAt() != null) {
                events.add(new Event(entry.sentAt(), "sent", entry.recipient()));
            }
            if (entry.status() == OutboxStatus.DEAD) {
                events.add(new Event(entry.updatedAt(), "dead", entry.lastError()));
            }
            if (entry.status() == OutboxStatus.SUPERSEDED) {
                events.add(new Event(entry.updatedAt(), "superseded", entry.supersededBy()));
            }
            if (entry.contactId() != null) {
                contact = contacts.find(entry.contactId()).orElse(null);
            }
            if (invoiceIds.isEmpty()) {
                invoiceIds.addAll(entry.invoiceIds());
            }
        }
        for (String invoiceId : invoiceIds) {
            for (Payment p : payments.paymentsOf(invoiceId)) {
                if (!p.paidAt().isBefore(record.asOf())) {
                    events.add(new Event(p.paidAt(), "paid", p.currency() + " " + p.amount().toPlainString()
                            + " · " + p.invoiceId()));
                }
            }
        }
        events.sort(Comparator.comparing(Event::at));
        return new Dispatched(entry, entry == null ? null : dispatch.messageKey(entry), contact, List.copyOf(events));
    }
}
