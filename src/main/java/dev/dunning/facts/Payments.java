package dev.dunning.facts;

import dev.dunning.database.Sql;
import dev.dunning.decision.DeclineClass;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** Payments and payment failures of invoices, append-only. */
@Repository
public class Payments {

    private final JdbcClient jdbc;

    public Payments(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long addPayment(String invoiceId, BigDecimal amount, String currency, Instant paidAt, String reference,
            Instant now) {
        var keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO payments (invoice_id, amount, currency, paid_at, reference, recorded_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?)")
                .params(invoiceId, amount, currency, Sql.utc(paidAt), reference, Sql.utc(now))
                .update(keys);
        return keys.getKey().longValue();
    }

    long addFailure(String invoiceId, Instant failedAt, String declineCode, DeclineClass declineClass,
            BigDecimal amount, String reference, Instant now) {
        var keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO payment_failures (invoice_id, failed_at, decline_code, decline_class, amount, reference, "
                        + "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                .params(invoiceId, Sql.utc(failedAt), declineCode, declineClass.name(), amount, reference,
                        Sql.utc(now))
                .update(keys);
        return keys.getKey().longValue();
    }

    public Optional<Payment> payment(long id) {
        return jdbc.sql("SELECT * FROM payments WHERE id = ?").param(id).query((rs, n) -> payment(rs)).optional();
    }

    /** The payment recorded earlier under the same reference, if any: a repeated request is not a second payment. */
    public Optional<Payment> paymentByReference(String invoiceId, String reference) {
        return jdbc.sql("SELECT * FROM payments WHERE invoice_id = ? AND reference = ?").params(invoiceId, reference)
                .query((rs, n) -> payment(rs)).optional();
    }

    public List<Payment> paymentsOf(String invoiceId) {
        return jdbc.sql("SELECT * FROM payments WHERE invoice_id = ? ORDER BY paid_at, id").param(invoiceId)
                .query((rs, n) -> payment(rs)).list();
    }

    public Optional<PaymentFailure> failure(long id) {
        return jdbc.sql("SELECT * FROM payment_failures WHERE id = ?").param(id).query((rs, n) -> failure(rs))
                .optional();
    }

    public Optional<PaymentFailure> failureByReference(String invoiceId, String reference) {
        return jdbc.sql("SELECT * FROM payment_failures WHERE invoice_id = ? AND reference = ?")
                .params(invoiceId, reference).query((rs, n) -> failure(rs)).optional();
    }

    public List<PaymentFailure> failuresOf(String invoiceId) {
        return jdbc.sql("SELECT * FROM payment_failures WHERE invoice_id = ? ORDER BY failed_at, id").param(invoiceId)
                .query((rs, n) -> failure(rs)).list();
    }

    private static Payment payment(ResultSet rs) throws SQLException {
        String currency = rs.getString("currency");
        return new Payment(rs.getLong("id"), rs.getString("invoice_id"), Sql.money(rs, "amount", currency), currency,
                Sql.instant(rs, "paid_at"), rs.getString("reference"), Sql.instant(rs, "recorded_at"));
    }

    private static PaymentFailure failure(ResultSet rs) throws SQLException {
        return new PaymentFailure(rs.getLong("id"), rs.getString("invoice_id"), Sql.instant(rs, "failed_at"),
                rs.getString("decline_code"), DeclineClass.valueOf(rs.getString("decline_class")),
                rs.getBigDecimal("amount") == null ? null : rs.getBigDecimal("amount").stripTrailingZeros(),
                rs.getString("reference"), Sql.instant(rs, "recorded_at"));
    }
}
