package dev.dunning.effectiveness;

import dev.dunning.database.Sql;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The attribution rule of docs/effectiveness.md written a second time, as plainly as possible, over the raw tables
 * (audit log, outbox, contact attempts, payments): a brute-force recount the summaries must equal.
 */
final class Recount {

    /** {@code complained}: the message went out and drew a complaint (counted beside its outcome). */
    record Decision(String id, String customerId, Instant at, String action, List<String> invoiceIds, boolean contact,
            Instant sentAt, String outcome, boolean complained) {}

    record Payment(String invoiceId, String customerId, String currency, BigDecimal amount, Instant paidAt) {}

    /** Expected figures of one key. */
    static final class Expected {
        long decisions, contacts, sent, delivered, opened, replied, bounced, failed, paid, complaints;
        final Map<String, BigDecimal> recovered = new TreeMap<>();
        final Map<String, Long> payments = new TreeMap<>();
        final List<Long> days = new ArrayList<>();

        Double median() {
            if (days.isEmpty()) {
                return null;
            }
            List<Long> sorted = days.stream().sorted().toList();
            int n = sorted.size();
            return (sorted.get((n - 1) / 2) + sorted.get(n / 2)) / 2.0;
        }
    }

    static Map<String, Expected> byAction(JdbcClient jdbc, JsonMapper json, String customerPrefix, int windowDays) {
        List<Decision> decisions = jdbc.sql("""
                SELECT a.decision_id, a.customer_id, a.recorded_at, a.action, a.content, o.status, o.sent_at,
                    c.outcome, c.complained_at FROM audit_records a LEFT JOIN outbox o ON o.decision_id = a.decision_id
                LEFT JOIN contact_attempts c ON c.id = o.contact_id WHERE a.customer_id LIKE ?""")
                .param(customerPrefix + "%")
                .query((rs, n) -> {
                    List<String> invoices = new ArrayList<>();
                    json.readTree(rs.getString("content")).path("decision").path("invoiceIds")
                            .forEach(i -> invoices.add(i.asString()));
                    String status = rs.getString("status");
                    boolean sent = "SENT".equals(status);
                    return new Decision(rs.getString("decision_id"), rs.getString("customer_id"),
                            Sql.instant(rs, "recorded_at"), rs.getString("action"), invoices, status != null,
                            sent ? Sql.instant(rs, "sent_at") : null,
                            sent || "DEAD".equals(status) ? rs.getString("outcome") : null,
                            sent && rs.getObject("complained_at") != null);
                }).list();
        List<Payment> payments = jdbc.sql("SELECT p.invoice_id, i.customer_id, p.currency, p.amount, p.paid_at "
                        + "FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE i.customer_id LIKE ?")
                .param(customerPrefix + "%")
                .query((rs, n) -> new Payment(rs.getString(1), rs.getString(2), rs.getString(3), rs.getBigDecimal(4),
                        Sql.instant(rs, "paid_at"))).list();
        Duration window = Duration.ofDays(windowDays);
        // A decision names only its own customer's invoices, so a payment's candidates are its customer's decisions.
        Map<String, List<Decision>> ofCustomer = new HashMap<>();
        decisions.forEach(d -> ofCustomer.computeIfAbsent(d.customerId(), k -> new ArrayList<>()).add(d));
        Map<String, List<Payment>> attributed = new HashMap<>();
        Map<String, Instant> touchedAt = new HashMap<>();
        for (Payment p : payments) {
            Instant earliest = p.paidAt().minus(window);
            Comparator<Decision> bySent = Comparator.comparing(Decision::sentAt).thenComparing(Decision::id);
            Decision touch = ofCustomer.getOrDefault(p.customerId(), List.of()).stream()
                    .filter(d -> d.sentAt() != null && d.invoiceIds().contains(p.invoiceId())
                            && !d.sentAt().isAfter(p.paidAt()) && !d.sentAt().isBefore(earliest))
                    .max(bySent).orElse(null);
            Instant at = touch == null ? null : touch.sentAt();
            if (touch == null) {
                Comparator<Decision> byDecided = Comparator.comparing(Decision::at).thenComparing(Decision::id);
                touch = ofCustomer.getOrDefault(p.customerId(), List.of()).stream()
                        .filter(d -> d.customerId().equals(p.customerId()) && !d.at().isAfter(p.paidAt())
                                && !d.at().isBefore(earliest)
                                && (d.sentAt() == null || d.sentAt().isAfter(p.paidAt())))
                        .max(byDecided).orElse(null);
                at = touch == null ? null : touch.at();
            }
            if (touch != null) {
                attributed.computeIfAbsent(touch.id(), k -> new ArrayList<>()).add(p);
                touchedAt.put(touch.id(), at);
            }
        }
        Map<String, Expected> expected = new TreeMap<>();
        for (Decision d : decisions) {
            for (String key : List.of(d.action(), "TOTAL")) {
                Expected e = expected.computeIfAbsent(key, k -> new Expected());
                e.decisions++;
                e.contacts += d.contact() ? 1 : 0;
                e.sent += d.sentAt() != null ? 1 : 0;
                String o = d.outcome() == null ? "" : d.outcome();
                e.delivered += List.of("DELIVERED", "OPENED", "REPLIED", "CONVERSATION").contains(o) ? 1 : 0;
                e.opened += List.of("OPENED", "REPLIED", "CONVERSATION").contains(o) ? 1 : 0;
                e.replied += List.of("REPLIED", "CONVERSATION").contains(o) ? 1 : 0;
                e.bounced += o.equals("BOUNCED") ? 1 : 0;
                e.failed += o.equals("FAILED") ? 1 : 0;
                e.complaints += d.complained() ? 1 : 0;
                List<Payment> paid = attributed.getOrDefault(d.id(), List.of());
                if (!paid.isEmpty()) {
                    e.paid++;
                    Instant first = paid.stream().map(Payment::paidAt).min(Comparator.naturalOrder()).orElseThrow();
                    e.days.add(Duration.between(touchedAt.get(d.id()), first).toDays());
                }
                for (Payment p : paid) {
                    e.recovered.merge(p.currency(), p.amount(), BigDecimal::add);
                    e.payments.merge(p.currency(), 1L, Long::sum);
                }
            }
        }
        return expected;
    }

    /** The figures of one row of the API's JSON in the shape of {@link Expected}, for comparison. */
    static String describe(Expected e) {
        StringBuilder s = new StringBuilder();
        s.append(List.of(e.decisions, e.contacts, e.sent, e.delivered, e.opened, e.replied, e.bounced, e.failed,
                e.paid, e.complaints));
        e.recovered.forEach((c, a) -> s.append(' ').append(c).append(' ').append(a.stripTrailingZeros().toPlainString())
                .append('/').append(e.payments.get(c)));
        s.append(" median ").append(e.median());
        return s.toString();
    }

    static String describe(JsonNode row) {
        StringBuilder s = new StringBuilder();
        List<Long> counts = new ArrayList<>();
        for (String f : List.of("decisions", "contacts", "sent", "delivered", "opened", "replied", "bounced", "failed",
                "paid", "complaints")) {
            counts.add(row.get(f).asLong());
        }
        s.append(counts);
        row.get("recovered").forEach(r -> s.append(' ').append(r.get("currency").asString()).append(' ')
                .append(new BigDecimal(r.get("amount").asString()).stripTrailingZeros().toPlainString()).append('/')
                .append(r.get("payments").asLong()));
        JsonNode median = row.get("medianDaysToPayment");
        s.append(" median ").append(median == null || median.isNull() ? null : median.asDouble());
        return s.toString();
    }
}
