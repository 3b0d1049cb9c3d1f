package dev.dunning.dispatch;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The outbox table. Every state change is one conditional UPDATE that names the state it expects, so that two
 * instances (or an operator and a dispatcher) never both move an entry.
 */
@Repository
public class Outbox {

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final JsonMapper json;

    Outbox(JdbcClient jdbc, JdbcTemplate jdbcTemplate, JsonMapper json) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.json = json;
    }

    /** Which entries to list: any filter may be null. */
    public record Filter(OutboxStatus status, String channel, String customerId) {}

    void insert(DispatchRequest request, String route, OutboxStatus status, Instant now) {
        Instant notBefore = notBefore(request, now);
        jdbc.sql("""
                INSERT INTO outbox (decision_id, customer_id, action, channel, route, tone, stage, template, decision,
                    status, not_before, due_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
                .params(request.decisionId(), request.customerId(), request.action(), request.channel(), route,
                        request.tone(), request.stage(), request.template(), request.decisionJson(), status.name(),
                        Sql.utc(notBefore), Sql.utc(notBefore), Sql.utc(now), Sql.utc(now))
                .update();
    }

    /**
     * How long superseding waits for a row another transaction holds (a dispatcher completing a send, an approval):
     * such locks last milliseconds. It runs inside the audit log's group commit, where MariaDB's default of 50 s
     * would hold up every decision of the group past its write timeout; a wait that runs out is a passing conflict,
     * and the group is written again (AuditLog).
     */
    static final int SUPERSEDE_LOCK_WAIT_SECONDS = 2;

    /** Unsent entries of the customer made before this decision; returns them, now marked superseded. */
    List<OutboxEntry> supersede(String customerId, String byDecisionId, Instant now) {
        List<String> ids = jdbc.sql("SET STATEMENT innodb_lock_wait_timeout = " + SUPERSEDE_LOCK_WAIT_SECONDS
                        + " FOR SELECT decision_id FROM outbox WHERE customer_id = ? AND status IN "
                        + "('PENDING', 'AWAITING_APPROVAL', 'DEAD') AND decision_id <> ? FOR UPDATE")
                .params(customerId, byDecisionId).query(String.class).list();
        List<OutboxEntry> superseded = new ArrayList<>();
        for (String id : ids) {
            int rows = jdbc.sql("UPDATE outbox SET status = 'SUPERSEDED', superseded_by = ?, updated_at = ? "
                            + "WHERE decision_id = ? AND status IN ('PENDING', 'AWAITING_APPROVAL', 'DEAD')")
                    .params(byDecisionId, Sql.utc(now), id).update();
            if (rows == 1) {
                find(id).ifPresent(superseded::add);
            }
        }
        return superseded;
    }

    /** An unsent entry about to be superseded: which one, whose, and where it would have gone (for the metrics). */
    record Unsent(String decisionId, String customerId, String route) {}

    /**
     * The unsent entries (PENDING, AWAITING_APPROVAL, DEAD) of all these customers, locked as {@link #supersede} locks
     * a customer's: one statement for a group of decisions, waiting at most as long for a row another transaction holds.
     */
    List<Unsent> lockUnsent(java.util.Collection<String> customerIds) {
        if (customerIds.isEmpty()) {
            return List.of();
        }
        return jdbc.sql("SET STATEMENT innodb_lock_wait_timeout = " + SUPERSEDE_LOCK_WAIT_SECONDS
                        + " FOR SELECT decision_id, customer_id, route FROM outbox WHERE customer_id IN (:customers) "
                        + "AND status IN ('PENDING', 'AWAITING_APPROVAL', 'DEAD') ORDER BY decision_id FOR UPDATE")
                .param("customers", customerIds)
                .query((rs, n) -> new Unsent(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    /**
     * Marks entries locked by {@link #lockUnsent} superseded, each by the decision its customer maps to, in one
     * statement; returns how many rows it changed.
     */
    int supersedeAll(List<Unsent> entries, Map<String, String> byDecisionOfCustomer, Instant now) {
        if (entries.isEmpty()) {
            return 0;
        }
        StringBuilder byCase = new StringBuilder("CASE customer_id");
        List<Object> params = new ArrayList<>();
        new java.util.TreeSet<>(entries.stream().map(Unsent::customerId).toList()).forEach(customer -> {
            byCase.append(" WHEN ? THEN ?");
            params.add(customer);
            params.add(byDecisionOfCustomer.get(customer));
        });
        byCase.append(" END");
        params.add(Sql.utc(now));
        StringBuilder ids = new StringBuilder();
        for (Unsent entry : entries) {
            ids.append(ids.isEmpty() ? "?" : ", ?");
            params.add(entry.decisionId());
        }
        return jdbc.sql("UPDATE outbox SET status = 'SUPERSEDED', superseded_by = " + byCase + ", updated_at = ? "
                        + "WHERE decision_id IN (" + ids + ") AND status IN ('PENDING', 'AWAITING_APPROVAL', 'DEAD')")
                .params(params).update();
    }

    /** A new entry as {@link #insert} writes it, or already superseded by a later decision of the same group. */
    record NewEntry(DispatchRequest request, String route, OutboxStatus status, String supersededBy) {}

    /**
     * Writes new entries with one batched statement (the driver sends the rows together). Their keys are the
     * decisions' ids, so nothing needs to be read back.
     */
    void insertAll(List<NewEntry> entries, Instant now) {
        if (entries.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(entries.size());
        for (NewEntry e : entries) {
            DispatchRequest r = e.request;
            Instant notBefore = notBefore(r, now);
            rows.add(new Object[] {r.decisionId(), r.customerId(), r.action(), r.channel(), e.route, r.tone(),
                r.stage(), r.template(), r.decisionJson(), e.status.name(), e.supersededBy, Sql.utc(notBefore),
                Sql.utc(notBefore), Sql.utc(now), Sql.utc(now)});
        }
        jdbcTemplate.batchUpdate("""
                INSERT INTO outbox (decision_id, customer_id, action, channel, route, tone, stage, template, decision,
                    status, superseded_by, not_before, due_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, rows);
    }

    /** When a new entry may first be sent: the decision's notBefore, or now if that has passed or there is none. */
    static Instant notBefore(DispatchRequest request, Instant now) {
        return request.notBefore() == null || request.notBefore().isBefore(now) ? now : request.notBefore();
    }

    /*
     * The later entry is looked up through the customer's entries (outbox_customer), named: with index statistics that
     * made a customer's entries look many (InnoDB counts them now and then; a busy outbox outgrows the last count),
     * MariaDB read the primary key backwards for ORDER BY ... LIMIT 1 instead, every newer entry of every customer
     * for each entry of the batch, and the dispatchers spent most of their time in this query (docs/benchmarks.md,
     * section 5; OutboxPlanIT).
     */
    static final String NEWER_BY_CUSTOMER = " FORCE INDEX (outbox_customer)";
    static final String NEWER_ENTRIES = "SELECT o.decision_id, (SELECT n.decision_id FROM outbox n%s "
            + "WHERE n.customer_id = o.customer_id AND n.decision_id > o.decision_id "
            + "ORDER BY n.decision_id DESC LIMIT 1) AS newer FROM outbox o WHERE o.decision_id IN (:ids)";

    /**
     * For each of these entries that has one, the latest later entry of the same customer, by the entry's decision id,
     * in one query for a batch. An entry that was being sent when the later decision came could not be superseded
     * then; if it comes back (a retry, a released claim) it must not be sent after all.
     */
    Map<String, String> newerEntries(java.util.Collection<OutboxEntry> entries) {
        Map<String, String> newer = new java.util.HashMap<>();
        if (entries.isEmpty()) {
            return newer;
        }
        jdbc.sql(NEWER_ENTRIES.formatted(NEWER_BY_CUSTOMER))
                .param("ids", entries.stream().map(OutboxEntry::decisionId).distinct().toList())
                .query(rs -> {
                    if (rs.getString("newer") != null) {
                        newer.put(rs.getString("decision_id"), rs.getString("newer"));
                    }
                });
        return newer;
    }

    /**
     * Claims due entries for this dispatcher: PENDING ones whose time has come, and SENDING ones whose claim lapsed.
     * Rows another dispatcher holds are skipped, not waited for. Run inside a transaction.
     */
    List<Claim> claim(String claimedBy, Instant now, int limit, Instant leaseUntil) {
        // One status per query, so that the scan walks the (status, due_at) index in order and stops at the limit:
        // with an IN list MariaDB sorts every due row first and locks them all, leaving nothing for other dispatchers.
        // Entries still SENDING were claimed by a dispatcher whose lease ran out; who that was is read before the
        // claim below overwrites it, so that the take-over can name it.
        Map<String, String> lapsed = new LinkedHashMap<>();
        jdbc.sql("SELECT decision_id, claimed_by FROM outbox WHERE status = 'SENDING' AND due_at <= ? "
                        + "ORDER BY due_at, decision_id LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(Sql.utc(now), limit)
                .query((rs, n) -> lapsed.put(rs.getString("decision_id"), String.valueOf(rs.getString("claimed_by"))))
                .list();
        List<String> ids = new ArrayList<>(lapsed.keySet());
        if (ids.size() < limit) {
            ids.addAll(due("PENDING", now, limit - ids.size()));
        }
        if (ids.isEmpty()) {
            return List.of();
        }
        String token = UUID.randomUUID().toString();
        jdbc.sql("UPDATE outbox SET status = 'SENDING', claim_token = :token, claimed_by = :by, due_at = :lease, "
                        + "updated_at = :now WHERE decision_id IN (:ids)")
                .param("token", token).param("by", claimedBy).param("lease", Sql.utc(leaseUntil))
                .param("now", Sql.utc(now)).param("ids", ids).update();
        // Read back by primary key: the rows are this transaction's, locked above (claim_token has no index, and a
        // read by it scans the whole outbox).
        return jdbc.sql("SELECT * FROM outbox WHERE decision_id IN (:ids) ORDER BY decision_id")
                .param("ids", ids)
                .query((rs, n) -> new Claim(map(rs), token, lapsed.get(rs.getString("decision_id")))).list();
    }

    private List<String> due(String status, Instant now, int limit) {
        return jdbc.sql("SELECT decision_id FROM outbox WHERE status = ? AND due_at <= ? ORDER BY due_at, decision_id "
                        + "LIMIT ? FOR UPDATE SKIP LOCKED")
                .params(status, Sql.utc(now), limit).query(String.class).list();
    }

    /**
     * A claimed entry and the token that proves the claim is still this dispatcher's; {@code lapsedClaimant} names the
     * dispatcher whose lease ran out when the entry was taken over from it, and is null for an entry claimed from
     * PENDING.
     */
    record Claim(OutboxEntry entry, String token, String lapsedClaimant) {}

    /** Marks a claimed entry sent; false if the claim was lost (another dispatcher took it after the lease ran out). */
    boolean markSent(String decisionId, String token, String recipient, long contactId, Instant now) {
        return jdbc.sql("UPDATE outbox SET status = 'SENT', sent_at = ?, attempts = attempts + 1, recipient = ?, "
                        + "last_error = NULL, contact_id = ?, claim_token = NULL, updated_at = ? "
                        + "WHERE decision_id = ? AND status = 'SENDING' AND claim_token = ?")
                .params(Sql.utc(now), recipient, contactId, Sql.utc(now), decisionId, token).update() == 1;
    }

    /** A claimed entry that was sent, for {@link #markAllSent}. */
    record SentEntry(String decisionId, String token, String recipient, long contactId) {}

    /**
     * Of these claimed entries, the ids of those whose claim is still this dispatcher's ({@code SENDING} under the
     * token given for each), locked until the transaction ends so that no lapsed-lease take-over can come between;
     * in the order of their ids, the order every dispatcher locks them in. Run inside a transaction.
     */
    java.util.Set<String> lockStillClaimed(Map<String, String> tokenOfEntry) {
        if (tokenOfEntry.isEmpty()) {
            return java.util.Set.of();
        }
        java.util.Set<String> ours = new java.util.HashSet<>();
        jdbc.sql("SELECT decision_id, claim_token FROM outbox WHERE decision_id IN (:ids) AND status = 'SENDING' "
                        + "ORDER BY decision_id FOR UPDATE")
                .param("ids", List.copyOf(tokenOfEntry.keySet()))
                .query((rs, n) -> {
                    String id = rs.getString("decision_id");
                    if (rs.getString("claim_token") != null && rs.getString("claim_token").equals(tokenOfEntry.get(id))) {
                        ours.add(id);
                    }
                    return id;
                })
                .list();
        return ours;
    }

    /**
     * Marks claimed entries sent, as {@link #markSent} marks one, in one statement; returns how many rows it changed
     * (all of them when they were locked with {@link #lockStillClaimed} in the same transaction).
     */
    int markAllSent(List<SentEntry> sent, Instant now) {
        if (sent.isEmpty()) {
            return 0;
        }
        StringBuilder recipients = new StringBuilder("CASE decision_id");
        StringBuilder contacts = new StringBuilder("CASE decision_id");
        StringBuilder where = new StringBuilder();
        List<Object> recipientParams = new ArrayList<>();
        List<Object> contactParams = new ArrayList<>();
        List<Object> whereParams = new ArrayList<>();
        for (SentEntry e : sent) {
            recipients.append(" WHEN ? THEN ?");
            recipientParams.add(e.decisionId());
            recipientParams.add(e.recipient());
            contacts.append(" WHEN ? THEN ?");
            contactParams.add(e.decisionId());
            contactParams.add(e.contactId());
            where.append(where.isEmpty() ? "" : " OR ").append("(decision_id = ? AND claim_token = ?)");
            whereParams.add(e.decisionId());
            whereParams.add(e.token());
        }
        List<Object> params = new ArrayList<>();
        params.add(Sql.utc(now));
        params.addAll(recipientParams);
        params.addAll(contactParams);
        params.add(Sql.utc(now));
        params.addAll(whereParams);
        return jdbc.sql("UPDATE outbox SET status = 'SENT', sent_at = ?, attempts = attempts + 1, recipient = "
                        + recipients + " END, last_error = NULL, contact_id = " + contacts + " END, claim_token = NULL, "
                        + "updated_at = ? WHERE status = 'SENDING' AND (" + where + ")")
                .params(params).update();
    }

    boolean markRetry(String decisionId, String token, String error, Instant dueAt, Instant now) {
        return jdbc.sql("UPDATE outbox SET status = 'PENDING', attempts = attempts + 1, last_error = ?, due_at = ?, "
                        + "claim_token = NULL, updated_at = ? WHERE decision_id = ? AND status = 'SENDING' "
                        + "AND claim_token = ?")
                .params(truncate(error), Sql.utc(dueAt), Sql.utc(now), decisionId, token).update() == 1;
    }

    boolean markDead(String decisionId, String token, String error, Long contactId, Instant now) {
        return jdbc.sql("UPDATE outbox SET status = 'DEAD', attempts = attempts + 1, last_error = ?, contact_id = ?, "
                        + "claim_token = NULL, updated_at = ? WHERE decision_id = ? AND status = 'SENDING' "
                        + "AND claim_token = ?")
                .params(truncate(error), contactId, Sql.utc(now), decisionId, token).update() == 1;
    }

    /** A claimed entry that needs no sending any more (a newer decision, every invoice paid). */
    boolean markSuperseded(String decisionId, String token, String by, String why, Instant now) {
        return jdbc.sql("UPDATE outbox SET status = 'SUPERSEDED', superseded_by = ?, last_error = ?, claim_token = NULL, "
                        + "updated_at = ? WHERE decision_id = ? AND status = 'SENDING' AND claim_token = ?")
                .params(by, truncate(why), Sql.utc(now), decisionId, token).update() == 1;
    }

    /** Gives a claimed entry back unsent (the dispatcher is stopping): due at once for the next dispatcher. */
    boolean release(String decisionId, String token, Instant now) {
        return jdbc.sql("UPDATE outbox SET status = 'PENDING', due_at = ?, claim_token = NULL, updated_at = ? "
                        + "WHERE decision_id = ? AND status = 'SENDING' AND claim_token = ?")
                .params(Sql.utc(now), Sql.utc(now), decisionId, token).update() == 1;
    }

    boolean requeue(String decisionId, Instant now) {
        return jdbc.sql("UPDATE outbox SET status = 'PENDING', attempts = 0, due_at = ?, updated_at = ? "
                        + "WHERE decision_id = ? AND status = 'DEAD'")
                .params(Sql.utc(now), Sql.utc(now), decisionId).update() == 1;
    }

    boolean review(String decisionId, boolean approved, String by, String reason, Instant now) {
        return jdbc.sql("UPDATE outbox SET status = ?, reviewed_by = ?, review_reason = ?, reviewed_at = ?, "
                        + "due_at = GREATEST(not_before, ?), updated_at = ? "
                        + "WHERE decision_id = ? AND status = 'AWAITING_APPROVAL'")
                .params(approved ? "PENDING" : "REJECTED", by, reason, Sql.utc(now), Sql.utc(now), Sql.utc(now),
                        decisionId).update() == 1;
    }

    public Optional<OutboxEntry> find(String decisionId) {
        return jdbc.sql("SELECT * FROM outbox WHERE decision_id = ?").param(decisionId).query((rs, n) -> map(rs))
                .optional();
    }

    /** The decision as the API answered it. */
    Optional<String> decisionJson(String decisionId) {
        return jdbc.sql("SELECT decision FROM outbox WHERE decision_id = ?").param(decisionId).query(String.class)
                .optional();
    }

    /** A page of entries, newest first. */
    public List<OutboxEntry> list(Filter filter, int offset, int limit) {
        Where where = where(filter);
        return jdbc.sql("SELECT * FROM outbox" + where.sql + " ORDER BY created_at DESC, decision_id DESC LIMIT ? "
                        + "OFFSET ?")
                .params(where.with(limit, offset)).query((rs, n) -> map(rs)).list();
    }

    public long count(Filter filter) {
        Where where = where(filter);
        return jdbc.sql("SELECT COUNT(*) FROM outbox" + where.sql).params(where.params).query(Long.class).single();
    }

    private record Where(String sql, List<Object> params) {
        List<Object> with(Object... more) {
            List<Object> all = new ArrayList<>(params);
            all.addAll(List.of(more));
            return all;
        }
    }

    private static Where where(Filter filter) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        if (filter.status() != null) {
            conditions.add("status = ?");
            params.add(filter.status().name());
        }
        if (filter.channel() != null) {
            conditions.add("(channel = ? OR route = ?)");
            params.add(filter.channel());
            params.add(filter.channel());
        }
        if (filter.customerId() != null) {
            conditions.add("customer_id = ?");
            params.add(filter.customerId());
        }
        return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
    }

    private static String truncate(String error) {
        return error == null || error.length() <= 2000 ? error : error.substring(0, 1997) + "...";
    }

    private OutboxEntry map(ResultSet rs) throws SQLException {
        JsonNode decision = json.readTree(rs.getString("decision"));
        List<String> invoiceIds = decision.path("invoiceIds").valueStream().map(JsonNode::asString).toList();
        Long contactId = rs.getObject("contact_id", Long.class);
        return new OutboxEntry(rs.getString("decision_id"), rs.getString("customer_id"), rs.getString("action"),
                rs.getString("channel"), rs.getString("route"), rs.getString("tone"), rs.getInt("stage"),
                rs.getString("template"), invoiceIds, OutboxStatus.valueOf(rs.getString("status")),
                Sql.instant(rs, "not_before"), Sql.instant(rs, "due_at"), rs.getInt("attempts"),
                rs.getString("claimed_by"), rs.getString("recipient"), rs.getString("last_error"),
                rs.getString("superseded_by"), rs.getString("reviewed_by"), rs.getString("review_reason"),
                Sql.instant(rs, "reviewed_at"), contactId,
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"), Sql.instant(rs, "sent_at"));
    }
}
