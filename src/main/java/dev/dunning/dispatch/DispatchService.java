package dev.dunning.dispatch;

import dev.dunning.decision.Complaint;
import dev.dunning.facts.Contacts;
import dev.dunning.facts.CustomerContactDetails;
import dev.dunning.facts.FactRejectedException;
import dev.dunning.facts.StoredContact;
import dev.dunning.facts.UnknownFactException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** What people and billing systems do with the outbox: enqueue decisions, approve, re-queue, report events, preview. */
@Service
public class DispatchService {

    private final Outbox outbox;
    private final Contacts contacts;
    private final CustomerContactDetails contactDetails;
    private final MessageFacts.Loader messageFacts;
    private final EmailChannel email;
    private final WebhookChannel webhooks;
    private final DispatchProperties properties;
    private final DispatchMetrics metrics;
    private final Clock clock;

    DispatchService(Outbox outbox, Contacts contacts, CustomerContactDetails contactDetails,
            MessageFacts.Loader messageFacts, EmailChannel email, WebhookChannel webhooks,
            DispatchProperties properties, DispatchMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.contacts = contacts;
        this.contactDetails = contactDetails;
        this.messageFacts = messageFacts;
        this.email = email;
        this.webhooks = webhooks;
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
    }

    /**
     * Writes the decision's outbox entry if it is to be sent, and supersedes the customer's older unsent entries, in one
     * transaction (superseding happens whether or not this decision sends anything: after a payment, a NO_ACTION
     * decision withdraws the reminder still waiting for the morning). Call it only once the decision is in the audit
     * log, which is where decisions are kept; the entry carries the decision as answered.
     *
     * @return the new entry, or empty if the decision sends nothing
     */
    @Transactional
    public Optional<OutboxEntry> enqueue(DispatchRequest request) {
        Instant now = clock.instant();
        List<OutboxEntry> superseded = outbox.supersede(request.customerId(), request.decisionId(), now);
        // Counted once committed: the audit log writes a group again after a passing conflict, and a rolled-back
        // attempt superseded nothing.
        afterCommit(() -> superseded.forEach(old -> metrics.superseded(old.route())));
        String route = Route.of(request.action(), request.channel(), properties.webhooks().keySet());
        if (route == null) {
            return Optional.empty();
        }
        outbox.insert(request, route, request.requiresApproval() ? OutboxStatus.AWAITING_APPROVAL
                : OutboxStatus.PENDING, now);
        return outbox.find(request.decisionId());
    }

    /**
     * {@link #enqueue} for a group of decisions at once, with set-based statements: the customers' unsent entries
     * locked and superseded in one statement each, the new entries written in one batch. The rows are exactly those
     * that calling {@link #enqueue} for each request in order would write (but for one {@code now} for all): a
     * customer's older entries are superseded by its first decision of the group, an entry of an earlier decision of
     * the group by the customer's next one. Each result is what {@link #enqueue} would have answered for its request,
     * made from what was written rather than read back. Call it, like {@link #enqueue}, only as work that commits with
     * the decisions' audit records. A failure leaves it to the transaction to roll back everything; it does not say
     * which decision was at fault (run {@link #enqueue} one by one to find out).
     *
     * @return per request, the new entry, or empty if the decision sends nothing
     */
    @Transactional
    public List<Optional<OutboxEntry>> enqueueAll(List<DispatchRequest> requests) {
        if (requests.isEmpty()) {
            return List.of();
        }
        // As the database keeps it (DATETIME(6)), so that the entries answered equal the rows.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Map<String, String> firstOfCustomer = new LinkedHashMap<>();
        Set<String> ids = new HashSet<>();
        for (DispatchRequest r : requests) {
            firstOfCustomer.putIfAbsent(r.customerId(), r.decisionId());
            ids.add(r.decisionId());
        }
        List<Outbox.Unsent> unsent = outbox.lockUnsent(firstOfCustomer.keySet());
        if (unsent.stream().anyMatch(u -> ids.contains(u.decisionId())) || ids.size() < requests.size()) {
            // An entry of one of these very decisions already exists, or a decision is given twice: what enqueue
            // does then depends on the order, so it is done in order.
            return requests.stream().map(this::enqueue).toList();
        }
        int changed = outbox.supersedeAll(unsent, firstOfCustomer, now);
        if (changed != unsent.size()) {
            throw new IllegalStateException("superseding " + unsent.size() + " locked outbox entries changed "
                    + changed + " rows");
        }
        List<String> superseded = new ArrayList<>(unsent.stream().map(Outbox.Unsent::route).toList());
        // The next decision of the same customer in the group, which supersedes an earlier one's entry at once.
        Map<String, String> next = new HashMap<>();
        String[] supersededBy = new String[requests.size()];
        for (int i = requests.size() - 1; i >= 0; i--) {
            DispatchRequest r = requests.get(i);
            supersededBy[i] = next.put(r.customerId(), r.decisionId());
        }
        List<Outbox.NewEntry> rows = new ArrayList<>();
        List<Optional<OutboxEntry>> answers = new ArrayList<>(requests.size());
        for (int i = 0; i < requests.size(); i++) {
            DispatchRequest r = requests.get(i);
            String route = Route.of(r.action(), r.channel(), properties.webhooks().keySet());
            if (route == null) {
                answers.add(Optional.empty());
                continue;
            }
            OutboxStatus status = r.requiresApproval() ? OutboxStatus.AWAITING_APPROVAL : OutboxStatus.PENDING;
            rows.add(new Outbox.NewEntry(r, route, supersededBy[i] == null ? status : OutboxStatus.SUPERSEDED,
                    supersededBy[i]));
            if (supersededBy[i] != null) {
                superseded.add(route);
            }
            Instant notBefore = Outbox.notBefore(r, now).truncatedTo(ChronoUnit.MICROS);
            answers.add(Optional.of(new OutboxEntry(r.decisionId(), r.customerId(), r.action(), r.channel(), route,
                    r.tone(), r.stage(), r.template(), List.copyOf(r.invoiceIds()), status, notBefore, notBefore, 0,
                    null, null, null, null, null, null, null, null, now, now, null)));
        }
        outbox.insertAll(rows, now);
        afterCommit(() -> superseded.forEach(metrics::superseded));
        return answers;
    }

    private static void afterCommit(Runnable action) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            action.run();
            return;
        }
        TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
            @Override
            public void afterCommit() {
                action.run();
            }
        });
    }

    /** A person approves (the entry is sent when due) or rejects (never sent) an entry awaiting approval. */
    @Transactional
    public OutboxEntry review(String decisionId, boolean approve, String by, String reason) {
        if (!outbox.review(decisionId, approve, by, reason, clock.instant())) {
            OutboxEntry entry = find(decisionId);
            throw FactRejectedException.conflict("decisionId", "the outbox entry of decision " + decisionId + " is "
                    + entry.status() + ", not AWAITING_APPROVAL; only entries awaiting approval can be approved or "
                    + "rejected");
        }
        return find(decisionId);
    }

    /** Puts a dead letter back in the queue, due now, with its attempts counted from zero. */
    @Transactional
    public OutboxEntry requeue(String decisionId) {
        if (!outbox.requeue(decisionId, clock.instant())) {
            OutboxEntry entry = find(decisionId);
            throw FactRejectedException.conflict("decisionId", "the outbox entry of decision " + decisionId + " is "
                    + entry.status() + "; only DEAD entries can be re-queued");
        }
        return find(decisionId);
    }

    public OutboxEntry find(String decisionId) {
        return outbox.find(decisionId).orElseThrow(() -> new UnknownFactException("outbox entry of decision",
                decisionId));
    }

    /** The outcome of an event and whether it withdrew the e-mail address, or the mobile number from texts. */
    public record EventResult(StoredContact contact, boolean emailWithdrawn, boolean smsWithdrawn) {}

    /**
     * Records what came of a sent message on its contact attempt, which the next decision sees. A hard bounce of an
     * e-mail withdraws that address: the next decision finds no usable e-mail and falls back to another channel.
     */
    @Transactional
    public EventResult record(String decisionId, ContactEventType type, boolean hardBounce, String detail) {
        return record(decisionId, type, hardBounce, null, detail);
    }

    /**
     * Records an event as {@link #record(String, ContactEventType, boolean, String)} does; a {@code COMPLAINED} event
     * names its {@code complaint} and is kept beside the outcome (the first complaint of a message only), never
     * changing it. A STOP reply (only to a text message) is an opt-out: it withdraws the number the text went to from
     * texts, in the same transaction, whatever complaint the message drew first; the next decision sees no SMS
     * consent. A spam report withdraws the e-mail address only with
     * {@code dunning.dispatch.spam-report-withdraws-email}.
     */
    @Transactional
    public EventResult record(String decisionId, ContactEventType type, boolean hardBounce, Complaint complaint,
            String detail) {
        if (type == ContactEventType.COMPLAINED && complaint == null) {
            throw FactRejectedException.invalid("complaint", "say what the complaint was: SPAM_REPORT (marked as "
                    + "spam), STOP_REPLY (a STOP reply to a text) or CUSTOMER (a complaint to a person)");
        }
        OutboxEntry entry = find(decisionId);
        if (entry.contactId() == null || entry.status() != OutboxStatus.SENT) {
            throw FactRejectedException.conflict("decisionId", "decision " + decisionId + " has not been sent (its "
                    + "outbox entry is " + entry.status() + "); events can only be reported for sent messages");
        }
        if (type == ContactEventType.COMPLAINED && complaint == Complaint.STOP_REPLY
                && !Route.SMS.equals(entry.route())) {
            throw FactRejectedException.invalid("complaint", "complaint STOP_REPLY is an answer to a text message, "
                    + "but decision " + decisionId + " was sent as " + entry.route() + "; report SPAM_REPORT (marked "
                    + "as spam) or CUSTOMER (a complaint to a person)");
        }
        StoredContact contact = contacts.find(entry.contactId()).orElseThrow();
        Instant now = clock.instant();
        if (type == ContactEventType.COMPLAINED) {
            contacts.complain(contact.id(), complaint, now);
            boolean emailWithdrawn = false;
            boolean smsWithdrawn = false;
            if (complaint == Complaint.STOP_REPLY) {
                smsWithdrawn = contactDetails.withdrawSms(entry.customerId(), entry.recipient(),
                        stopReason(decisionId, detail), now);
            } else if (complaint == Complaint.SPAM_REPORT && properties.spamReportWithdrawsEmail()
                    && Route.EMAIL.equals(entry.route()) && entry.recipient() != null) {
                emailWithdrawn = contactDetails.withdrawEmail(entry.customerId(), entry.recipient(),
                        reason("spam report of decision " + decisionId, detail), now);
            }
            return new EventResult(contacts.find(contact.id()).orElseThrow(), emailWithdrawn, smsWithdrawn);
        }
        if (type.rank() >= ContactEventType.rank(contact.attempt().outcome())) {
            contacts.updateOutcome(contact.id(), type.outcome());
        }
        boolean withdrawn = false;
        if (type == ContactEventType.BOUNCED && hardBounce && Route.EMAIL.equals(entry.route())
                && entry.recipient() != null) {
            withdrawn = contactDetails.withdrawEmail(entry.customerId(), entry.recipient(),
                    reason("hard bounce of decision " + decisionId, detail), now);
        }
        return new EventResult(contacts.find(contact.id()).orElseThrow(), withdrawn, false);
    }

    /** Why a number was withdrawn from texts: the same words for a reported STOP and a generated one. */
    public static String stopReason(String decisionId, String detail) {
        return reason("STOP reply to decision " + decisionId, detail);
    }

    /** What happened and the provider's detail, cut to the 500 characters the withdrawal's reason column holds. */
    private static String reason(String what, String detail) {
        String reason = detail == null ? what : what + ": " + detail;
        return reason.length() <= 500 ? reason : reason.substring(0, 499) + "…";
    }

    /** A message as it would be sent now, or why it could not be. */
    public record Preview(String decisionId, String route, RenderedMail email, String webhookBody, String problem) {}

    public Preview preview(String decisionId) {
        OutboxEntry entry = find(decisionId);
        try {
            MessageFacts facts = messageFacts.load(entry);
            if (Route.EMAIL.equals(entry.route())) {
                return new Preview(decisionId, entry.route(), email.render(facts), null, null);
            }
            return new Preview(decisionId, entry.route(), null, webhooks.body(facts, entry.route()), null);
        } catch (SendFailure failure) {
            return new Preview(decisionId, entry.route(), null, null, failure.getMessage());
        }
    }

    /** The decision's outbox entry, if it had one (a decision that sends nothing has none). */
    public Optional<OutboxEntry> entryOf(String decisionId) {
        return outbox.find(decisionId);
    }

    /**
     * The key a receiver knows a message by, the same at every send: an e-mail's Message-ID, or the decision id that a
     * webhook carries as its Idempotency-Key.
     */
    public String messageKey(OutboxEntry entry) {
        return Route.EMAIL.equals(entry.route())
                ? EmailChannel.messageId(entry.decisionId(), properties.company().email())
                : entry.decisionId();
    }

    public java.util.List<OutboxEntry> list(Outbox.Filter filter, int offset, int limit) {
        return outbox.list(filter, offset, limit);
    }

    public long count(Outbox.Filter filter) {
        return outbox.count(filter);
    }
}
