package dev.dunning.effectiveness;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;

import dev.dunning.database.Sql;
import dev.dunning.decision.Segment;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.FactsService.NewPayment;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hand-built histories for attribution tests: customers, invoices and payments through the facts service as billing
 * systems write them; decisions, outbox entries and contact outcomes written as the audit log, the decision service
 * and the dispatcher write them, but at chosen instants (the service would stamp them with the clock), each decision
 * with its fact snapshot (the stored facts at the decision, as the audit log serialises them). The summaries read only
 * what is written here; the audit chain's hashes are not part of what they read.
 */
final class Histories {

    static final String VERSION = "a".repeat(64);

    private final JdbcClient jdbc;
    private final FactsService facts;
    private final CustomerFacts customerFacts;
    private final JsonMapper canonical;
    private final AtomicLong references = new AtomicLong();

    Histories(JdbcClient jdbc, FactsService facts, CustomerFacts customerFacts, JsonMapper json) {
        this.jdbc = jdbc;
        this.facts = facts;
        this.customerFacts = customerFacts;
        this.canonical = json.rebuild().enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
                .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS).disable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    String customer(String prefix, String currency, Segment segment, String language) {
        String id = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        facts.upsertCustomer(aCustomer().id(id).segment(segment).in("DE", "Europe/Berlin", currency)
                .language(language).build());
        return id;
    }

    String invoice(String customerId, String currency, String amount, LocalDate due) {
        String id = customerId + "-I" + references.incrementAndGet();
        facts.upsertInvoice(customerId, anInvoice().id(id).amount(currency, amount).due(due.toString()).build());
        return id;
    }

    /** A decision as the audit log records it, made at {@code at}; returns its id. */
    String decide(String customerId, Instant at, String action, String channel, String tone, String template,
            List<String> invoiceIds, String... policies) {
        String decisionId = UUID.randomUUID().toString();
        long seq;
        synchronized (this) {
            seq = jdbc.sql("SELECT COALESCE(MAX(seq), 0) + 1 FROM audit_records").query(Long.class).single();
            StringBuilder ids = new StringBuilder();
            for (String i : invoiceIds) {
                ids.append(ids.isEmpty() ? "" : ",").append('"').append(i).append('"');
            }
            String content = "{\"decision\": {\"action\": \"" + action + "\", \"template\": "
                    + (template == null ? "null" : "\"" + template.replace("\"", "\\\"") + "\"")
                    + ", \"invoiceIds\": [" + ids + "]}}";
            jdbc.sql("""
                    INSERT INTO audit_records (seq, decision_id, recorded_at, as_of, customer_id, principal,
                        entry_point, rule_set_version, action, channel, tone, facts_hash, content, prev_hash, hash)
                    VALUES (?, ?, ?, ?, ?, 'test', 'decide', ?, ?, ?, ?, ?, ?, ?, ?)""")
                    .params(seq, decisionId, Sql.utc(at), Sql.utc(at), customerId, VERSION, action, channel, tone,
                            "0".repeat(64), content, "0".repeat(64), "0".repeat(64))
                    .update();
            // The minute's seq bounds, as the audit writer keeps them (V40): time-range searches read them.
            jdbc.sql("INSERT INTO audit_minutes (minute, min_seq, max_seq) VALUES (?, ?, ?) ON DUPLICATE KEY UPDATE "
                            + "min_seq = LEAST(min_seq, VALUES(min_seq)), max_seq = GREATEST(max_seq, VALUES(max_seq))")
                    .params(Sql.utc(at.truncatedTo(java.time.temporal.ChronoUnit.MINUTES)), seq, seq).update();
            // The fact snapshot the decision was made on, as the audit log keeps it: the stored facts at the
            // decision, serialised as canonical JSON (keys sorted, no whitespace).
            customerFacts.load(customerId, at).ifPresent(f -> jdbc.sql("INSERT INTO audit_facts (seq, facts, "
                    + "facts_hash) VALUES (?, ?, ?)").params(seq, canonical.writeValueAsString(f), "0".repeat(64))
                    .update());
            int ordinal = 0;
            for (String policy : policies) {
                String rule = "rule " + policy;
                jdbc.sql("INSERT IGNORE INTO audit_rule_names (rule_name) VALUES (?)").param(rule).update();
                int nameId = jdbc.sql("SELECT id FROM audit_rule_names WHERE rule_name = ?").param(rule)
                        .query(Integer.class).single();
                jdbc.sql("INSERT IGNORE INTO audit_rules (rule_set_version, rule_name, name_id, source, policy) "
                        + "VALUES (?, ?, ?, 'escalation.csv', ?)").params(VERSION, rule, nameId, policy).update();
                int ruleId = jdbc.sql("SELECT id FROM audit_rules WHERE rule_set_version = ? AND rule_name = ?")
                        .params(VERSION, rule).query(Integer.class).single();
                jdbc.sql("INSERT INTO audit_firings (seq, ordinal, rule_id, name_id, overridden) VALUES (?, ?, ?, ?, "
                        + "FALSE)").params(seq, ordinal++, ruleId, nameId).update();
            }
        }
        return decisionId;
    }

    /** A decision that sends something: its outbox entry, pending. */
    String contact(String customerId, Instant at, String action, String channel, String tone, String template,
            List<String> invoiceIds, String... policies) {
        String id = decide(customerId, at, action, channel, tone, template, invoiceIds, policies);
        jdbc.sql("""
                INSERT INTO outbox (decision_id, customer_id, action, channel, route, tone, stage, template, decision,
                    status, not_before, due_at, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, 1, ?, '{}', 'PENDING', ?, ?, ?, ?)""")
                .params(id, customerId, action, channel, channel, tone, template, Sql.utc(at), Sql.utc(at),
                        Sql.utc(at), Sql.utc(at))
                .update();
        return id;
    }

    /** The dispatcher sends the entry at {@code at}: its contact attempt, and the entry marked sent. */
    void send(String decisionId, Instant at) {
        var entry = jdbc.sql("SELECT customer_id, channel, action FROM outbox WHERE decision_id = ?").param(decisionId)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).single();
        jdbc.sql("INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, outcome, reference, "
                        + "recorded_at) VALUES (?, ?, ?, ?, 1, 'SENT', ?, ?)")
                .params(entry[0], Sql.utc(at), entry[1], entry[2], "outbox:" + decisionId, Sql.utc(at)).update();
        long contactId = jdbc.sql("SELECT id FROM contact_attempts WHERE reference = ?").param("outbox:" + decisionId)
                .query(Long.class).single();
        jdbc.sql("UPDATE outbox SET status = 'SENDING' WHERE decision_id = ?").param(decisionId).update();
        jdbc.sql("UPDATE outbox SET status = 'SENT', sent_at = ?, contact_id = ? WHERE decision_id = ?")
                .params(Sql.utc(at), contactId, decisionId).update();
    }

    /** The dispatcher gives up: a FAILED contact and a dead entry. */
    void die(String decisionId, Instant at) {
        var entry = jdbc.sql("SELECT customer_id, channel, action FROM outbox WHERE decision_id = ?").param(decisionId)
                .query((rs, n) -> new String[] {rs.getString(1), rs.getString(2), rs.getString(3)}).single();
        jdbc.sql("INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, outcome, reference, "
                        + "recorded_at) VALUES (?, ?, ?, ?, 1, 'FAILED', ?, ?)")
                .params(entry[0], Sql.utc(at), entry[1], entry[2], "outbox:" + decisionId, Sql.utc(at)).update();
        long contactId = jdbc.sql("SELECT id FROM contact_attempts WHERE reference = ?").param("outbox:" + decisionId)
                .query(Long.class).single();
        jdbc.sql("UPDATE outbox SET status = 'DEAD', contact_id = ? WHERE decision_id = ?")
                .params(contactId, decisionId).update();
    }

    /** A contact event as DispatchService records it: the contact's outcome moves on. */
    void outcome(String decisionId, String outcome) {
        jdbc.sql("UPDATE contact_attempts SET outcome = ? WHERE reference = ?").params(outcome, "outbox:" + decisionId)
                .update();
    }

    void pay(String invoiceId, String amount, String currency, Instant at) {
        facts.recordPayment(invoiceId, new NewPayment(new BigDecimal(amount), currency, at,
                "ref-" + references.incrementAndGet()));
    }

    static LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, ZoneOffset.UTC);
    }
}
