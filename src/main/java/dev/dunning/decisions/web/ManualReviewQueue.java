package dev.dunning.decisions.web;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * The manual-review queue in MariaDB: the open entries read from the audit log, and the append-only records of the
 * reviews credit controllers dealt with (manual_reviews_dealt_with, V41).
 *
 * <p>An open entry is a customer's latest MANUAL_REVIEW decision that has no dealt-with record. The latest per
 * customer comes from the log's (action, customer_id, seq) index alone (MAX(seq) per customer, no row read); those
 * dealt with are left out by one probe each of the dealt-with table's unique seq; the page is the newest of the rest
 * below the cursor, and only its rows are read from the log, by primary key. The cost grows with the MANUAL_REVIEW
 * entries of the index (16,303 of 1,346,340 records in the benchmark: 12 to 54 ms a page), not with the log. Walking
 * the (action, seq) index back instead and testing each record read a row per MANUAL_REVIEW record passed over: 1.3
 * to 3 s once most were dealt with (docs/benchmarks.md, "The manual-review queue").
 */
@Repository
class ManualReviewQueue {

    static final String ACTION = "MANUAL_REVIEW";

    /** The customer has a MANUAL_REVIEW decision after {@code r}'s: one dive into the index. */
    private static final String NEWER = "EXISTS (SELECT 1 FROM audit_records n FORCE INDEX "
            + "(audit_records_action_customer_seq) WHERE n.action = '" + ACTION + "' AND n.customer_id = r.customer_id "
            + "AND n.seq > r.seq)";

    private static final String OPEN = "SELECT r.seq, r.decision_id, r.customer_id, r.recorded_at, r.as_of, r.content "
            + "FROM (SELECT MAX(l.seq) AS seq FROM audit_records l FORCE INDEX (audit_records_action_customer_seq) "
            + "WHERE l.action = '" + ACTION + "'%s) k "
            // The latest per customer first, then their rows: on a small log MariaDB chose to walk the whole log's
            // primary key back instead, which a large one must never do.
            + "STRAIGHT_JOIN audit_records r ON r.seq = k.seq "
            + "WHERE NOT EXISTS (SELECT 1 FROM manual_reviews_dealt_with d WHERE d.seq = k.seq)%s "
            + "ORDER BY k.seq DESC LIMIT ?";

    private static final String DEALT_WITH = "SELECT d.id, d.dealt_with_by, d.dealt_with_at, d.note, r.seq, "
            + "r.decision_id, r.customer_id, r.recorded_at, r.as_of, r.content, " + NEWER + " AS reopened "
            // Read from the dealt-with records (newest first) into the log by primary key, never the other way round.
            + "FROM manual_reviews_dealt_with d STRAIGHT_JOIN audit_records r ON r.seq = d.seq "
            + "WHERE 1 = 1%s ORDER BY d.id DESC LIMIT ?";

    private final JdbcClient jdbc;

    ManualReviewQueue(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A MANUAL_REVIEW decision as the log has it; {@code content} is the record's JSON, with the rules' reasons. */
    record Decision(long seq, String decisionId, String customerId, Instant recordedAt, Instant asOf, String content) {}

    /** A dealt-with record: who, when, what was done, and whether a newer decision reopened the customer's entry. */
    record Dealt(long id, Decision decision, String by, Instant at, String note, boolean reopened) {}

    /** Open entries, newest first, below {@code beforeSeq} (the newest when null); of one customer when named. */
    List<Decision> open(String customerId, Long beforeSeq, int limit) {
        Query q = openQuery(customerId, beforeSeq, limit);
        return jdbc.sql(q.sql()).params(q.params()).query((rs, n) -> decision(rs)).list();
    }

    /** Dealt-with records, newest first, below the dealt-with id {@code beforeId}; of one customer when named. */
    List<Dealt> dealtWith(String customerId, Long beforeId, int limit) {
        Query q = dealtQuery(customerId, beforeId, limit);
        return jdbc.sql(q.sql()).params(q.params()).query((rs, n) -> new Dealt(rs.getLong("id"), decision(rs),
                rs.getString("dealt_with_by"), Sql.instant(rs, "dealt_with_at"), rs.getString("note"),
                rs.getBoolean("reopened"))).list();
    }

    /** The customer's latest MANUAL_REVIEW decision if it is newer than the given one; empty if that is the latest. */
    Optional<Decision> newerThan(String customerId, long seq) {
        return jdbc.sql("SELECT seq, decision_id, customer_id, recorded_at, as_of, content FROM audit_records "
                        + "WHERE seq = (SELECT MAX(n.seq) FROM audit_records n FORCE INDEX "
                        + "(audit_records_action_customer_seq) WHERE n.action = '" + ACTION + "' AND n.customer_id = ? "
                        + "AND n.seq > ?)")
                .params(customerId, seq).query((rs, n) -> decision(rs)).optional();
    }

    /** The dealt-with record of a decision, if there is one. */
    Optional<Dealt> dealtWith(Decision decision) {
        return jdbc.sql("SELECT id, dealt_with_by, dealt_with_at, note FROM manual_reviews_dealt_with "
                        + "WHERE decision_id = ?")
                .param(decision.decisionId())
                .query((rs, n) -> new Dealt(rs.getLong("id"), decision, rs.getString("dealt_with_by"),
                        Sql.instant(rs, "dealt_with_at"), rs.getString("note"), false))
                .optional();
    }

    /** Records it; a second record of the same decision fails on the unique key (DuplicateKeyException). */
    Dealt insert(Decision decision, String by, Instant at, String note) {
        jdbc.sql("INSERT INTO manual_reviews_dealt_with (decision_id, seq, customer_id, dealt_with_by, dealt_with_at, "
                        + "note) VALUES (?, ?, ?, ?, ?, ?)")
                .params(decision.decisionId(), decision.seq(), decision.customerId(), by, Sql.utc(at), note).update();
        return dealtWith(decision).orElseThrow();
    }

    /** The plans MariaDB chooses for a page of open entries, one line per table as EXPLAIN shows it (for tests). */
    List<String> explainOpen(String customerId, Long beforeSeq, int limit) {
        return explain(openQuery(customerId, beforeSeq, limit));
    }

    /** The plans MariaDB chooses for a page of dealt-with records (for tests). */
    List<String> explainDealtWith(String customerId, Long beforeId, int limit) {
        return explain(dealtQuery(customerId, beforeId, limit));
    }

    private List<String> explain(Query q) {
        return jdbc.sql("EXPLAIN " + q.sql()).params(q.params())
                .query((rs, n) -> "id=" + rs.getString("id") + " select_type=" + rs.getString("select_type")
                        + " table=" + rs.getString("table") + " type=" + rs.getString("type") + " key="
                        + rs.getString("key") + " rows=" + rs.getString("rows") + " extra=" + rs.getString("Extra"))
                .list();
    }

    private record Query(String sql, List<Object> params) {}

    private static Query openQuery(String customerId, Long beforeSeq, int limit) {
        String customer = "";
        String before = "";
        List<Object> params = new ArrayList<>();
        if (customerId != null) {
            // One customer: their latest, one dive into the index (a group of one made MariaDB sort it).
            customer = " AND l.customer_id = ?";
            params.add(customerId);
        } else {
            customer = " GROUP BY l.customer_id";
        }
        if (beforeSeq != null) {
            before = " AND k.seq < ?";
            params.add(beforeSeq);
        }
        params.add(limit);
        return new Query(OPEN.formatted(customer, before), params);
    }

    private static Query dealtQuery(String customerId, Long beforeId, int limit) {
        StringBuilder where = new StringBuilder();
        List<Object> params = new ArrayList<>();
        if (customerId != null) {
            where.append(" AND d.customer_id = ?");
            params.add(customerId);
        }
        if (beforeId != null) {
            where.append(" AND d.id < ?");
            params.add(beforeId);
        }
        params.add(limit);
        return new Query(DEALT_WITH.formatted(where), params);
    }

    private static Decision decision(ResultSet rs) throws SQLException {
        return new Decision(rs.getLong("seq"), rs.getString("decision_id"), rs.getString("customer_id"),
                Sql.instant(rs, "recorded_at"), Sql.instant(rs, "as_of"), rs.getString("content"));
    }
}
