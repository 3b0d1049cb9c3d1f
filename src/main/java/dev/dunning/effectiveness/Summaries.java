package dev.dunning.effectiveness;

import dev.dunning.database.Sql;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The summary job: brings the effectiveness summaries up to date with the audit log (new decisions, by sequence
 * number from the stored high-water mark) and the queue of later changes (messages sent, contact outcomes, payments),
 * one transaction per batch, applying to the summary rows only what changed. It resumes where the last committed batch
 * stopped; an instance that finds another one working skips its pass. The attribution rule is in
 * docs/effectiveness.md.
 */
@Component
public class Summaries {

    private static final Logger log = LoggerFactory.getLogger(Summaries.class);

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;
    private final JsonMapper json;
    private final EffectivenessProperties properties;
    private final Clock clock;
    private final Map<SummaryRows.Cell, Integer> cells = new ConcurrentHashMap<>();

    Summaries(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate transactions, JsonMapper json,
            EffectivenessProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.transactions = transactions;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * Applies everything recorded so far, waiting for another instance's pass to finish rather than skipping (for
     * commands, benchmarks and tests); returns the decisions and changes applied.
     */
    public long catchUp() {
        long total = 0;
        int done;
        do {
            done = pass(true);
            total += Math.max(done, 0);
        } while (done > 0);
        return total;
    }

    /** One scheduled pass: batches until nothing is left, or nothing if another instance holds the job. */
    long scheduledPass() {
        long total = 0;
        int done;
        do {
            done = pass(false);
            total += Math.max(done, 0);
        } while (done > 0);
        return total;
    }

    /** One batch in one transaction: the number of decisions and changes applied, or -1 if another instance works. */
    int pass(boolean wait) {
        Map<SummaryRows.Cell, Integer> learnt = new HashMap<>();
        Integer done = transactions.execute(status -> {
            var progress = jdbc.sql("SELECT audit_seq, window_days FROM effect_progress WHERE id = 1 FOR UPDATE"
                            + (wait ? "" : " SKIP LOCKED"))
                    .query((rs, n) -> new long[] {rs.getLong(1), rs.getInt(2)}).optional();
            if (progress.isEmpty()) {
                return -1;
            }
            long seq = progress.get()[0];
            if (progress.get()[1] != properties.windowDays()) {
                rebuild(progress.get()[1]);
                seq = 0;
            }
            SummaryRows rows = new SummaryRows(jdbc, jdbcTemplate, cells);
            Batch batch = new Batch(rows);
            long last = batch.newDecisions(seq);
            int changes = batch.queuedChanges();
            batch.apply();
            rows.write();
            jdbc.sql("UPDATE effect_progress SET audit_seq = ?, updated_at = ? WHERE id = 1")
                    .params(last, Sql.utc(clock.instant())).update();
            learnt.putAll(rows.learnt());
            return (int) (batch.newDecisions + changes);
        });
        cells.putAll(learnt);
        return done == null ? 0 : done;
    }

    private void rebuild(long formerWindow) {
        if (formerWindow >= 0) {
            log.warn("The attribution window changed from {} to {} days: the effectiveness summaries are rebuilt",
                    formerWindow, properties.windowDays());
        }
        for (String table : List.of("effect_decisions", "effect_decision_cells", "effect_decision_invoices",
                "effect_payments", "effect_daily", "effect_daily_amounts", "effect_daily_days", "effect_changes")) {
            jdbc.sql("DELETE FROM " + table).update();
        }
        jdbc.sql("INSERT INTO effect_changes (payment_id) SELECT id FROM payments ORDER BY id").update();
        jdbc.sql("UPDATE effect_progress SET audit_seq = 0, window_days = ? WHERE id = 1")
                .param(properties.windowDays()).update();
    }

    /** A decision's row as the summaries keep it. */
    private record Stored(String decisionId, String customerId, Instant decidedAt, LocalDate day,
            DecisionState state) {}

    /** The work of one transaction. */
    private final class Batch {

        private final SummaryRows rows;
        private final Duration window = Duration.ofDays(properties.windowDays());
        /** State before this batch of every decision it may change; NONE for decisions new in it. */
        private final Map<String, DecisionState> before = new LinkedHashMap<>();
        private final Set<Long> paymentsToAttribute = new LinkedHashSet<>();
        private final Map<String, List<Integer>> cellsOf = new HashMap<>();
        private final Map<String, Stored> storedCache = new HashMap<>();
        private long newDecisions;

        Batch(SummaryRows rows) {
            this.rows = rows;
        }

        /** Counts the decisions recorded after {@code seq}; returns the last sequence number taken. */
        long newDecisions(long seq) {
            record Audited(long seq, String decisionId, Instant at, String customerId, String version, String action,
                    String channel, String tone, String template, List<String> invoiceIds, String segment,
                    String language, String customerCurrency) {}
            // Segment, language and currency are the customer's as the decision saw them: its fact snapshot's, not the
            // customers row's now (a customer moved to another segment later still counts under the one decided on).
            // The server hands over the snapshot's customer object only (one JSON_EXTRACT, a few hundred bytes),
            // not the whole snapshot; the row's values stand in only where the snapshot has been erased.
            List<Audited> audited = jdbc.sql("""
                    SELECT a.seq, a.decision_id, a.recorded_at, a.customer_id, a.rule_set_version, a.action, a.channel,
                        a.tone, JSON_VALUE(a.content, '$.decision.template') AS template,
                        JSON_EXTRACT(a.content, '$.decision.invoiceIds') AS invoice_ids,
                        JSON_EXTRACT(f.facts, '$.customer') AS snapshot, c.segment, c.language, c.currency
                    FROM audit_records a LEFT JOIN audit_facts f ON f.seq = a.seq
                    LEFT JOIN customers c ON c.id = a.customer_id AND f.facts IS NULL
                    WHERE a.seq > ? ORDER BY a.seq LIMIT ?""")
                    .params(seq, properties.batchSize())
                    .query((rs, n) -> {
                        JsonNode customer = rs.getString("snapshot") == null ? null
                                : json.readTree(rs.getString("snapshot"));
                        return new Audited(rs.getLong("seq"), rs.getString("decision_id"),
                                Sql.instant(rs, "recorded_at"), rs.getString("customer_id"),
                                rs.getString("rule_set_version"), rs.getString("action"), rs.getString("channel"),
                                rs.getString("tone"), nullIfJsonNull(rs.getString("template")),
                                ids(rs.getString("invoice_ids")), text(customer, "segment", rs.getString("segment")),
                                text(customer, "language", rs.getString("language")),
                                text(customer, "currency", rs.getString("currency")));
                    })
                    .list();
            if (audited.isEmpty()) {
                return seq;
            }
            long first = audited.get(0).seq();
            long last = audited.get(audited.size() - 1).seq();
            Map<Long, Set<String>> policies = new HashMap<>();
            jdbc.sql("""
                    SELECT f.seq, COALESCE(r.policy, r.rule_name) AS reference FROM audit_firings f
                    JOIN audit_rules r ON r.id = f.rule_id
                    WHERE f.seq BETWEEN ? AND ? AND f.overridden = FALSE""")
                    .params(first, last)
                    .query(rs -> {
                        policies.computeIfAbsent(rs.getLong(1), k -> new LinkedHashSet<>()).add(rs.getString(2));
                    });
            Map<String, String> invoiceCurrency = new HashMap<>();
            Set<String> invoiceIds = new HashSet<>();
            audited.forEach(a -> invoiceIds.addAll(a.invoiceIds()));
            if (!invoiceIds.isEmpty()) {
                jdbc.sql("SELECT id, currency FROM invoices WHERE id IN (:ids)").param("ids", invoiceIds)
                        .query(rs -> {
                            invoiceCurrency.put(rs.getString(1), rs.getString(2));
                        });
            }
            List<Object[]> decisionRows = new ArrayList<>();
            List<Object[]> cellRows = new ArrayList<>();
            List<Object[]> invoiceRows = new ArrayList<>();
            for (Audited a : audited) {
                String currency = a.invoiceIds().stream().map(invoiceCurrency::get).filter(Objects::nonNull)
                        .findFirst().orElse(a.customerCurrency());
                List<Integer> ids = new ArrayList<>();
                ids.add(rows.cellId(cell(a.version(), a.segment(), currency, "NONE", "")));
                ids.add(rows.cellId(cell(a.version(), a.segment(), currency, "ACTION", a.action())));
                ids.add(rows.cellId(cell(a.version(), a.segment(), currency, "CHANNEL", a.channel())));
                ids.add(rows.cellId(cell(a.version(), a.segment(), currency, "TONE", a.tone())));
                ids.add(rows.cellId(cell(a.version(), a.segment(), currency, "TEMPLATE", a.template())));
                ids.add(rows.cellId(cell(a.version(), a.segment(), currency, "LANGUAGE", a.language())));
                for (String reference : policies.getOrDefault(a.seq(), Set.of())) {
                    ids.add(rows.cellId(cell(a.version(), a.segment(), currency, "POLICY", truncate(reference, 200))));
                }
                LocalDate day = LocalDate.ofInstant(a.at(), ZoneOffset.UTC);
                decisionRows.add(new Object[] {a.decisionId(), a.seq(), a.customerId(), Sql.utc(a.at()),
                    Date.valueOf(day), ids.get(0)});
                ids.forEach(id -> cellRows.add(new Object[] {a.decisionId(), id}));
                a.invoiceIds().forEach(i -> invoiceRows.add(new Object[] {i, a.decisionId()}));
                cellsOf.put(a.decisionId(), ids);
                before.put(a.decisionId(), DecisionState.NONE);
            }
            jdbcTemplate.batchUpdate("INSERT INTO effect_decisions (decision_id, seq, customer_id, decided_at, day, "
                    + "cell, contact) VALUES (?, ?, ?, ?, ?, ?, FALSE)", decisionRows);
            jdbcTemplate.batchUpdate("INSERT IGNORE INTO effect_decision_cells (decision_id, cell) VALUES (?, ?)",
                    cellRows);
            if (!invoiceRows.isEmpty()) {
                jdbcTemplate.batchUpdate("INSERT IGNORE INTO effect_decision_invoices (invoice_id, decision_id) "
                        + "VALUES (?, ?)", invoiceRows);
            }
            newDecisions = audited.size();
            return last;
        }

        /** Takes a batch of queued changes off the queue; returns how many. */
        int queuedChanges() {
            record Change(long id, String decisionId, Long paymentId) {}
            List<Change> changes = jdbc.sql("SELECT id, decision_id, payment_id FROM effect_changes ORDER BY id "
                            + "LIMIT ?")
                    .param(properties.batchSize())
                    .query((rs, n) -> new Change(rs.getLong(1), rs.getString(2), rs.getObject(3, Long.class))).list();
            if (changes.isEmpty()) {
                return 0;
            }
            jdbc.sql("DELETE FROM effect_changes WHERE id IN (:ids)")
                    .param("ids", changes.stream().map(Change::id).toList()).update();
            Set<String> decisions = new LinkedHashSet<>();
            List<Long> payments = new ArrayList<>();
            for (Change c : changes) {
                if (c.decisionId() != null && !before.containsKey(c.decisionId())) {
                    decisions.add(c.decisionId());
                }
                if (c.paymentId() != null) {
                    payments.add(c.paymentId());
                }
            }
            // A change of a decision not counted yet is seen when it is: it is read as it is then.
            if (!decisions.isEmpty()) {
                for (Stored s : stored(decisions).values()) {
                    before.put(s.decisionId(), s.state());
                }
            }
            if (!payments.isEmpty()) {
                jdbc.sql("""
                        INSERT IGNORE INTO effect_payments (payment_id, invoice_id, customer_id, currency, amount,
                            paid_at)
                        SELECT p.id, p.invoice_id, i.customer_id, p.currency, p.amount, p.paid_at
                        FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.id IN (:ids)""")
                        .param("ids", payments).update();
                paymentsToAttribute.addAll(payments);
            }
            return changes.size();
        }

        /** Reads the contacts of the decisions concerned, attributes payments, and applies what changed. */
        void apply() {
            if (before.isEmpty() && paymentsToAttribute.isEmpty()) {
                return;
            }
            refreshContacts();
            Set<String> paidChanged = attribute();
            Set<String> all = new LinkedHashSet<>(before.keySet());
            all.addAll(paidChanged);
            if (all.isEmpty()) {
                return;
            }
            Map<String, Integer> paidDays = new HashMap<>();
            jdbc.sql("SELECT decision_id, MIN(days) FROM effect_payments WHERE decision_id IN (:ids) "
                            + "GROUP BY decision_id")
                    .param("ids", all).query(rs -> {
                        paidDays.put(rs.getString(1), rs.getInt(2));
                    });
            Map<String, Stored> now = stored(all);
            List<Object[]> updates = new ArrayList<>();
            for (Stored s : now.values()) {
                DecisionState old = before.getOrDefault(s.decisionId(), s.state());
                DecisionState current = new DecisionState(true, s.state().contact(), s.state().sentAt(),
                        s.state().outcome(), paidDays.get(s.decisionId()), s.state().complained());
                if (!old.sameAs(current)) {
                    rows.change(s.day(), cells(s.decisionId()), old, current);
                }
                if (!Objects.equals(s.state().paidDays(), current.paidDays())) {
                    updates.add(new Object[] {current.paidDays(), s.decisionId()});
                }
            }
            if (!updates.isEmpty()) {
                jdbcTemplate.batchUpdate("UPDATE effect_decisions SET paid_days = ? WHERE decision_id = ?", updates);
            }
        }

        /** The outbox entry and contact of each decision concerned, as they are now. */
        private void refreshContacts() {
            if (before.isEmpty()) {
                return;
            }
            record Contact(String status, Instant sentAt, String outcome, boolean complained) {}
            Map<String, Contact> contacts = new HashMap<>();
            jdbc.sql("SELECT o.decision_id, o.status, o.sent_at, c.outcome, c.complained_at FROM outbox o "
                            + "LEFT JOIN contact_attempts c ON c.id = o.contact_id WHERE o.decision_id IN (:ids)")
                    .param("ids", before.keySet())
                    .query(rs -> {
                        contacts.put(rs.getString(1), new Contact(rs.getString(2), Sql.instant(rs, "sent_at"),
                                rs.getString(4), rs.getObject(5) != null));
                    });
            Map<String, Stored> stored = stored(before.keySet());
            List<Object[]> updates = new ArrayList<>();
            Set<String> reach = new LinkedHashSet<>();
            for (Stored s : stored.values()) {
                Contact c = contacts.get(s.decisionId());
                boolean contact = c != null;
                boolean sent = contact && "SENT".equals(c.status());
                Instant sentAt = sent ? c.sentAt() : null;
                String outcome = contact && (sent || "DEAD".equals(c.status())) ? c.outcome() : null;
                // A complaint counts for a message that went out, beside its outcome (docs/effectiveness.md).
                boolean complained = sent && c.complained();
                DecisionState old = s.state();
                if (old.contact() != contact || !Objects.equals(old.sentAt(), sentAt)
                        || !Objects.equals(old.outcome(), outcome) || old.complained() != complained) {
                    updates.add(new Object[] {contact, Sql.utc(sentAt), outcome, complained, s.decisionId()});
                    storedCache.remove(s.decisionId());
                }
                if (old.sentAt() != null && !old.sentAt().equals(sentAt)) {
                    // Sent again at another time (rare): what the old sending reached may move too.
                    Instant to = latest(s.decidedAt(), old.sentAt(), sentAt).plus(window);
                    jdbc.sql("SELECT payment_id FROM effect_payments WHERE customer_id = ? AND paid_at >= ? "
                                    + "AND paid_at <= ?")
                            .params(s.customerId(), Sql.utc(earliest(s.decidedAt(), old.sentAt(), sentAt)),
                                    Sql.utc(to))
                            .query(Long.class).list().forEach(paymentsToAttribute::add);
                } else if (!Objects.equals(old.sentAt(), sentAt)
                        || before.get(s.decisionId()) == DecisionState.NONE) {
                    reach.add(s.decisionId());
                }
            }
            if (!updates.isEmpty()) {
                jdbcTemplate.batchUpdate("UPDATE effect_decisions SET contact = ?, sent_at = ?, outcome = ?, "
                        + "complained = ? WHERE decision_id = ?", updates);
            }
            if (!reach.isEmpty()) {
                // Payments in reach of these decisions (new, or sent since) may now belong to them: one query.
                jdbc.sql("""
                        SELECT DISTINCT p.payment_id FROM effect_decisions d
                        JOIN effect_payments p ON p.customer_id = d.customer_id
                        WHERE d.decision_id IN (:ids)
                            AND p.paid_at >= LEAST(d.decided_at, COALESCE(d.sent_at, d.decided_at))
                            AND p.paid_at <= GREATEST(d.decided_at, COALESCE(d.sent_at, d.decided_at))
                                + INTERVAL :days DAY""")
                        .param("ids", reach).param("days", properties.windowDays())
                        .query(Long.class).list().forEach(paymentsToAttribute::add);
            }
        }

        /**
         * Attributes each payment concerned (docs/effectiveness.md): to the last contact sent about its invoice at
         * most the window before it; else to the customer's last decision within the window before it that had sent
         * nothing by then. Returns the decisions whose payments changed.
         */
        private Set<String> attribute() {
            Set<String> changed = new LinkedHashSet<>();
            if (paymentsToAttribute.isEmpty()) {
                return changed;
            }
            record Paid(long id, String invoiceId, String customerId, String currency, BigDecimal amount,
                    Instant paidAt, String decisionId, Integer days) {}
            List<Paid> paid = jdbc.sql("SELECT * FROM effect_payments WHERE payment_id IN (:ids)")
                    .param("ids", paymentsToAttribute)
                    .query((rs, n) -> new Paid(rs.getLong("payment_id"), rs.getString("invoice_id"),
                            rs.getString("customer_id"), rs.getString("currency"), rs.getBigDecimal("amount"),
                            Sql.instant(rs, "paid_at"), rs.getString("decision_id"), Sql.intOrNull(rs, "days")))
                    .list();
            // Payments no decision can reach (none of the customer's decided before it and touching the window) and
            // that belong to none: nothing to look up one by one. Necessary for any touch: decided at or before the
            // payment, and sent (or, having sent nothing, decided) at most the window before it.
            Set<Long> reachable = new HashSet<>(jdbc.sql("""
                    SELECT p.payment_id FROM effect_payments p
                    WHERE p.payment_id IN (:ids) AND (p.decision_id IS NOT NULL
                        OR EXISTS (SELECT 1 FROM effect_decisions d WHERE d.customer_id = p.customer_id
                            AND d.decided_at <= p.paid_at
                            AND COALESCE(d.sent_at, d.decided_at) >= p.paid_at - INTERVAL :days DAY))""")
                    .param("ids", paymentsToAttribute).param("days", properties.windowDays())
                    .query(Long.class).list());
            List<Object[]> updates = new ArrayList<>();
            for (Paid p : paid) {
                if (!reachable.contains(p.id())) {
                    continue;
                }
                Instant earliest = p.paidAt().minus(window);
                record Touch(String decisionId, Instant at) {}
                Touch touch = jdbc.sql("""
                        SELECT d.decision_id, d.sent_at FROM effect_decision_invoices i
                        JOIN effect_decisions d ON d.decision_id = i.decision_id
                        WHERE i.invoice_id = ? AND d.sent_at IS NOT NULL AND d.sent_at <= ? AND d.sent_at >= ?
                        ORDER BY d.sent_at DESC, d.decision_id DESC LIMIT 1""")
                        .params(p.invoiceId(), Sql.utc(p.paidAt()), Sql.utc(earliest))
                        .query((rs, n) -> new Touch(rs.getString(1), Sql.instant(rs, "sent_at"))).optional()
                        .orElseGet(() -> jdbc.sql("""
                                SELECT decision_id, decided_at FROM effect_decisions
                                WHERE customer_id = ? AND decided_at <= ? AND decided_at >= ?
                                    AND (sent_at IS NULL OR sent_at > ?)
                                ORDER BY decided_at DESC, decision_id DESC LIMIT 1""")
                                .params(p.customerId(), Sql.utc(p.paidAt()), Sql.utc(earliest), Sql.utc(p.paidAt()))
                                .query((rs, n) -> new Touch(rs.getString(1), Sql.instant(rs, "decided_at")))
                                .optional().orElse(null));
                String decisionId = touch == null ? null : touch.decisionId();
                Integer days = touch == null ? null
                        : (int) Duration.between(touch.at(), p.paidAt()).toDays();
                if (Objects.equals(decisionId, p.decisionId()) && Objects.equals(days, p.days())) {
                    continue;
                }
                updates.add(new Object[] {decisionId, days, p.id()});
                if (p.decisionId() != null) {
                    amount(p.decisionId(), p.currency(), p.amount(), -1);
                    changed.add(p.decisionId());
                }
                if (decisionId != null) {
                    amount(decisionId, p.currency(), p.amount(), 1);
                    changed.add(decisionId);
                }
            }
            if (!updates.isEmpty()) {
                jdbcTemplate.batchUpdate("UPDATE effect_payments SET decision_id = ?, days = ? WHERE payment_id = ?",
                        updates);
            }
            return changed;
        }

        private void amount(String decisionId, String currency, BigDecimal amount, int sign) {
            Stored s = stored(Set.of(decisionId)).get(decisionId);
            rows.payment(s.day(), cells(decisionId), currency, amount, sign);
        }

        private List<Integer> cells(String decisionId) {
            return cellsOf.computeIfAbsent(decisionId, id -> jdbc.sql(
                    "SELECT cell FROM effect_decision_cells WHERE decision_id = ? ORDER BY cell")
                    .param(id).query(Integer.class).list());
        }

        private Map<String, Stored> stored(Set<String> ids) {
            Map<String, Stored> found = new LinkedHashMap<>();
            Set<String> missing = new LinkedHashSet<>();
            for (String id : ids) {
                Stored s = storedCache.get(id);
                if (s != null) {
                    found.put(id, s);
                } else {
                    missing.add(id);
                }
            }
            if (!missing.isEmpty()) {
                jdbc.sql("SELECT * FROM effect_decisions WHERE decision_id IN (:ids)").param("ids", missing)
                        .query((rs, n) -> new Stored(rs.getString("decision_id"), rs.getString("customer_id"),
                                Sql.instant(rs, "decided_at"), Sql.date(rs, "day"),
                                new DecisionState(true, rs.getBoolean("contact"), Sql.instant(rs, "sent_at"),
                                        rs.getString("outcome"), Sql.intOrNull(rs, "paid_days"),
                                        rs.getBoolean("complained"))))
                        .list().forEach(s -> {
                            storedCache.put(s.decisionId(), s);
                            found.put(s.decisionId(), s);
                        });
            }
            return found;
        }
    }

    private static SummaryRows.Cell cell(String version, String segment, String currency, String cut, String value) {
        return new SummaryRows.Cell(cut, version, segment, currency, value);
    }

    private List<String> ids(String jsonArray) {
        if (jsonArray == null) {
            return List.of();
        }
        JsonNode node = json.readTree(jsonArray);
        List<String> ids = new ArrayList<>();
        node.forEach(n -> ids.add(n.asString()));
        return ids;
    }

    /** A text field of the snapshot's customer; {@code otherwise} when there is no snapshot. */
    private static String text(JsonNode customer, String field, String otherwise) {
        if (customer == null) {
            return otherwise;
        }
        JsonNode value = customer.get(field);
        return value == null || value.isNull() ? null : value.asString();
    }

    private static String nullIfJsonNull(String value) {
        return value == null || value.equals("null") ? null : value;
    }

    private static String truncate(String value, int max) {
        return value.length() <= max ? value : value.substring(0, max);
    }

    private static Instant latest(Instant first, Instant... more) {
        Instant latest = first;
        for (Instant i : more) {
            if (i != null && i.isAfter(latest)) {
                latest = i;
            }
        }
        return latest;
    }

    private static Instant earliest(Instant first, Instant... more) {
        Instant earliest = first;
        for (Instant i : more) {
            if (i != null && i.isBefore(earliest)) {
                earliest = i;
            }
        }
        return earliest;
    }
}
