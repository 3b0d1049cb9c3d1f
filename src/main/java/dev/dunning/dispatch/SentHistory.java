package dev.dunning.dispatch;

import dev.dunning.database.Sql;
import dev.dunning.decision.Complaint;
import dev.dunning.decision.Outcome;
import dev.dunning.facts.CustomerContactDetails;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Messages sent in the past, written as the dispatcher leaves a message it has sent: an outbox entry in state
 * {@code SENT} with its contact attempt (under the dispatcher's reference {@code outbox:<decision id>}) carrying the
 * outcome its contact events led to. For made-up histories (the {@code generate} command), which need sends at the
 * times they happened rather than now; set-based, one batch per call. Call it, like {@link DispatchService#enqueueAll},
 * only as work that commits with the decisions' audit records.
 */
@Service
public class SentHistory {

    /**
     * A decision's message as it was sent: when, the furthest its contact events got ({@code SENT} when none was
     * reported; {@code FAILED} for a call nobody answered), and the complaint it drew with when it was reported (both
     * null for none). A STOP reply answers a text message only.
     */
    public record Sent(DispatchRequest request, Instant sentAt, Outcome outcome, Complaint complaint,
            Instant complainedAt) {

        public Sent {
            if ((complaint == null) != (complainedAt == null)) {
                throw new IllegalArgumentException("a complaint needs the time it was reported, and only a complaint");
            }
        }

        /** A message that drew no complaint. */
        public Sent(DispatchRequest request, Instant sentAt, Outcome outcome) {
            this(request, sentAt, outcome, null, null);
        }
    }

    /** The dispatcher's reference of a message's contact attempt ({@code Dispatcher.reference}). */
    private static final String REFERENCE = "outbox:";

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final DispatchProperties properties;
    private final CustomerContactDetails contactDetails;

    SentHistory(JdbcClient jdbc, JdbcTemplate jdbcTemplate, DispatchProperties properties,
            CustomerContactDetails contactDetails) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.properties = properties;
        this.contactDetails = contactDetails;
    }

    /** Where the decision's message goes (as {@link DispatchService#enqueue} routes it), or null if it sends nothing. */
    public String route(DispatchRequest request) {
        return Route.of(request.action(), request.channel(), properties.webhooks().keySet());
    }

    /**
     * Writes the sent entries and their contact attempts, with the complaints they drew as {@link
     * DispatchService#record} keeps a reported one (on the contact attempt, the first of each message); a STOP reply
     * withdraws the customer's number from texts as a reported one does, as of when it came. Decisions that send
     * nothing ({@link #route} null) are skipped. Returns how many entries were written.
     */
    public int record(List<Sent> sends) {
        List<Sent> routed = sends.stream().filter(s -> route(s.request()) != null).toList();
        if (routed.isEmpty()) {
            return 0;
        }
        List<Object[]> contacts = new ArrayList<>(routed.size());
        for (Sent s : routed) {
            DispatchRequest r = s.request();
            String route = route(r);
            if (s.complaint() == Complaint.STOP_REPLY && !Route.SMS.equals(route)) {
                throw new IllegalArgumentException("a STOP reply answers a text message; decision " + r.decisionId()
                        + " was sent as " + route);
            }
            String channel = Route.reachesCustomer(route) ? route : "NONE";
            contacts.add(new Object[] {r.customerId(), Sql.utc(s.sentAt()), channel, r.action(), r.stage(),
                s.outcome().name(), REFERENCE + r.decisionId(), Sql.utc(s.sentAt()),
                s.complaint() == null ? null : s.complaint().name(), Sql.utc(s.complainedAt())});
        }
        jdbcTemplate.batchUpdate("INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, "
                + "outcome, reference, recorded_at, complaint, complained_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                contacts);
        for (Sent s : routed) {
            if (s.complaint() == Complaint.STOP_REPLY) {
                // The number the text went to is not kept for generated sends: the customer's number, as for a
                // reported STOP of such a message.
                contactDetails.withdrawSms(s.request().customerId(), null,
                        DispatchService.stopReason(s.request().decisionId(), null), s.complainedAt());
            }
        }
        Map<String, Long> contactIds = new HashMap<>();
        jdbc.sql("SELECT id, reference FROM contact_attempts WHERE customer_id IN (:customers) AND reference IN (:refs)")
                .param("customers", routed.stream().map(s -> s.request().customerId()).distinct().toList())
                .param("refs", routed.stream().map(s -> REFERENCE + s.request().decisionId()).toList())
                .query(rs -> {
                    contactIds.put(rs.getString(2).substring(REFERENCE.length()), rs.getLong(1));
                });
        List<Object[]> entries = new ArrayList<>(routed.size());
        for (Sent s : routed) {
            DispatchRequest r = s.request();
            Object sentAt = Sql.utc(s.sentAt());
            Object decidedAt = Sql.utc(r.asOf());
            entries.add(new Object[] {r.decisionId(), r.customerId(), r.action(), r.channel(), route(r), r.tone(),
                r.stage(), r.template(), r.decisionJson(), sentAt, sentAt, contactIds.get(r.decisionId()),
                r.requiresApproval() ? "generator" : null, r.requiresApproval() ? sentAt : null, decidedAt, sentAt,
                sentAt});
        }
        jdbcTemplate.batchUpdate("""
                INSERT INTO outbox (decision_id, customer_id, action, channel, route, tone, stage, template, decision,
                    status, not_before, due_at, attempts, contact_id, reviewed_by, reviewed_at, created_at, updated_at,
                    sent_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'SENT', ?, ?, 1, ?, ?, ?, ?, ?, ?)
                """, entries);
        return routed.size();
    }
}
