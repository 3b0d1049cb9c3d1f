package dev.dunning.facts;

import dev.dunning.database.Sql;
import dev.dunning.decision.DeclineClass;
import dev.dunning.decision.Invoice;
import dev.dunning.decision.InvoiceStatus;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Invoices. What the billing system says about an invoice (number, amounts, dates, status, payment method) is written
 * by upsert; what the service learns from payments and payment failures (amount paid, failed attempts, last decline)
 * is kept on the same row, in the same transaction as the payment or failure, so that one query loads it all.
 */
@Repository
public class Invoices {

    static final String COLUMNS = "i.id, i.customer_id, i.number, i.currency, i.amount, i.amount_paid, i.issue_date, "
            + "i.due_date, i.status, i.payment_method, i.failed_attempts, i.last_decline_code, i.last_decline_class, "
            + "i.last_failure_at, i.created_at, i.updated_at";

    /** Statuses a payment can move: the billing system's OPEN follows the payments, DISPUTED or WRITTEN_OFF stay. */
    private static final String SETTLED_STATUS = """
            CASE WHEN %1$s NOT IN ('OPEN', 'PARTIALLY_PAID', 'PAID') THEN %1$s
                 WHEN %2$s >= %3$s THEN 'PAID'
                 WHEN %2$s > 0 THEN 'PARTIALLY_PAID'
                 ELSE 'OPEN' END""";

    private final JdbcClient jdbc;

    public Invoices(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the invoice or updates what the billing system owns of it. Never moves an invoice to another customer,
     * never changes the currency of an invoice with payments, and never touches amount paid or failures. A status of OPEN, PARTIALLY_PAID or PAID is settled from the amount
     * paid (an invoice with payments is at least partially paid); DISPUTED and WRITTEN_OFF are kept as given.
     *
     * @return true if the invoice was new
     */
    public boolean upsert(String customerId, Invoice invoice, Instant now) {
        int rows = jdbc.sql("""
                INSERT INTO invoices (id, customer_id, number, currency, amount, amount_paid, issue_date, due_date,
                    status, payment_method, created_at, updated_at)
                VALUES (:id, :customerId, :number, :currency, :amount, 0, :issueDate, :dueDate,
                    %s, :paymentMethod, :now, :now)
                ON DUPLICATE KEY UPDATE number = VALUES(number),
                    currency = IF(amount_paid > 0, currency, VALUES(currency)),
                    status = %s, amount = VALUES(amount),
                    issue_date = VALUES(issue_date), due_date = VALUES(due_date),
                    payment_method = VALUES(payment_method), updated_at = VALUES(updated_at)
                """.formatted(
                        SETTLED_STATUS.formatted(":status", "0", ":amount"),
                        SETTLED_STATUS.formatted("VALUES(status)", "amount_paid", "VALUES(amount)")))
                .param("id", invoice.id())
                .param("customerId", customerId)
                .param("number", invoice.number())
                .param("currency", invoice.currency())
                .param("amount", invoice.amount())
                .param("issueDate", invoice.issueDate())
                .param("dueDate", invoice.dueDate())
                .param("status", invoice.status().name())
                .param("paymentMethod", invoice.paymentMethod())
                .param("now", Sql.utc(now))
                .update();
        return rows == 1;
    }

    public Optional<StoredInvoice> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM invoices i WHERE i.id = ?").param(id)
                .query((rs, n) -> stored(rs)).optional();
    }

    /**
     * The invoices of these ids that exist, by id, as {@link #find} reads each: one query (an IN list over the primary
     * key) instead of one per invoice.
     */
    public java.util.Map<String, StoredInvoice> findAll(Collection<String> ids) {
        java.util.Map<String, StoredInvoice> found = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        jdbc.sql("SELECT " + COLUMNS + " FROM invoices i WHERE i.id IN (:ids)").param("ids", List.copyOf(ids))
                .query(rs -> {
                    StoredInvoice invoice = stored(rs);
                    found.put(invoice.invoice().id(), invoice);
                });
        return found;
    }

    /** As {@link #find}, locking the row until the transaction ends. */
    public Optional<StoredInvoice> findForUpdate(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM invoices i WHERE i.id = ? FOR UPDATE").param(id)
                .query((rs, n) -> stored(rs)).optional();
    }

    /** Every invoice of the customer, newest due date first. */
    public List<StoredInvoice> ofCustomer(String customerId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM invoices i WHERE i.customer_id = ? ORDER BY i.due_date DESC, i.id")
                .param(customerId).query((rs, n) -> stored(rs)).list();
    }

    /**
     * A page of the customer's invoices, newest due date first, limited to the given statuses (all when empty). The
     * order is total (due date, then id) so that pages neither repeat nor skip an invoice.
     */
    public List<StoredInvoice> pageOfCustomer(String customerId, Collection<InvoiceStatus> statuses, int offset,
            int limit) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM invoices i WHERE i.customer_id = :customerId"
                        + statusFilter(statuses) + " ORDER BY i.due_date DESC, i.id LIMIT :limit OFFSET :offset")
                .param("customerId", customerId).param("statuses", names(statuses)).param("limit", limit)
                .param("offset", offset).query((rs, n) -> stored(rs)).list();
    }

    /** How many invoices {@link #pageOfCustomer} pages through. */
    public long countOfCustomer(String customerId, Collection<InvoiceStatus> statuses) {
        return jdbc.sql("SELECT COUNT(*) FROM invoices i WHERE i.customer_id = :customerId" + statusFilter(statuses))
                .param("customerId", customerId).param("statuses", names(statuses)).query(Long.class).single();
    }

    private static String statusFilter(Collection<InvoiceStatus> statuses) {
        return statuses.isEmpty() ? "" : " AND i.status IN (:statuses)";
    }

    private static List<String> names(Collection<InvoiceStatus> statuses) {
        return statuses.isEmpty() ? List.of("") : statuses.stream().map(Enum::name).toList();
    }

    /** Adds a payment to the amount paid and settles the status. The caller has checked it does not overpay. */
    void addPayment(String invoiceId, BigDecimal amount, Instant now) {
        jdbc.sql("UPDATE invoices SET amount_paid = amount_paid + :amount, status = "
                        + SETTLED_STATUS.formatted("status", "amount_paid", "amount")
                        + ", updated_at = :now WHERE id = :id")
                .param("amount", amount).param("now", Sql.utc(now)).param("id", invoiceId).update();
    }

    /** Counts a failed payment attempt and remembers it as the last one when it is the latest. */
    void addFailure(String invoiceId, String declineCode, DeclineClass declineClass, Instant failedAt, Instant now) {
        jdbc.sql("""
                UPDATE invoices SET failed_attempts = failed_attempts + 1,
                    last_decline_code = IF(last_failure_at IS NULL OR last_failure_at <= :at, :code, last_decline_code),
                    last_decline_class = IF(last_failure_at IS NULL OR last_failure_at <= :at, :class, last_decline_class),
                    last_failure_at = IF(last_failure_at IS NULL OR last_failure_at <= :at, :at, last_failure_at),
                    updated_at = :now
                WHERE id = :id
                """)
                .param("code", declineCode).param("class", declineClass.name()).param("at", Sql.utc(failedAt))
                .param("now", Sql.utc(now)).param("id", invoiceId).update();
    }

    static StoredInvoice stored(ResultSet rs) throws SQLException {
        return new StoredInvoice(rs.getString("customer_id"), map(rs), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "updated_at"));
    }

    static Invoice map(ResultSet rs) throws SQLException {
        String currency = rs.getString("currency");
        return new Invoice(
                rs.getString("id"),
                rs.getString("number"),
                currency,
                Sql.money(rs, "amount", currency),
                Sql.money(rs, "amount_paid", currency),
                Sql.date(rs, "issue_date"),
                Sql.date(rs, "due_date"),
                InvoiceStatus.valueOf(rs.getString("status")),
                rs.getString("payment_method"),
                rs.getInt("failed_attempts"),
                rs.getString("last_decline_code"),
                Sql.enumOrNull(rs, "last_decline_class", DeclineClass.class),
                Sql.instant(rs, "last_failure_at"));
    }
}
