package dev.dunning.facts;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The contact details of customers, one row each beside the customer row. */
@Repository
public class CustomerContactDetails {

    private final JdbcClient jdbc;

    public CustomerContactDetails(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public ContactDetails of(String customerId) {
        return jdbc.sql("SELECT * FROM customer_contact_details WHERE customer_id = ?").param(customerId)
                .query((rs, n) -> map(rs))
                .optional().orElse(ContactDetails.NONE);
    }

    /**
     * The details of these customers, by customer id, as {@link #of} reads each (a customer without a row gets
     * {@link ContactDetails#NONE}): one query instead of one per customer.
     */
    public Map<String, ContactDetails> ofAll(Collection<String> customerIds) {
        Map<String, ContactDetails> found = new HashMap<>();
        if (!customerIds.isEmpty()) {
            jdbc.sql("SELECT * FROM customer_contact_details WHERE customer_id IN (:ids)")
                    .param("ids", List.copyOf(customerIds))
                    .query(rs -> {
                        found.put(rs.getString("customer_id"), map(rs));
                    });
        }
        for (String id : customerIds) {
            found.putIfAbsent(id, ContactDetails.NONE);
        }
        return found;
    }

    private static ContactDetails map(ResultSet rs) throws SQLException {
        return new ContactDetails(rs.getString("email"), rs.getString("mobile"), rs.getString("postal_address"),
                Sql.instant(rs, "email_withdrawn_at"), rs.getString("email_withdrawn_reason"),
                Sql.instant(rs, "sms_withdrawn_at"), rs.getString("sms_withdrawn_reason"));
    }

    /**
     * Replaces the details. A withdrawal stays only while the e-mail address is the one that bounced (and the mobile
     * number the one that answered STOP): a new address or number is usable again.
     */
    void replace(String customerId, ContactDetails details, Instant now) {
        ContactDetails old = of(customerId);
        boolean keepWithdrawal = old.emailWithdrawnAt() != null && Objects.equals(old.email(), details.email());
        boolean keepSmsWithdrawal = old.smsWithdrawnAt() != null && Objects.equals(old.mobile(), details.mobile());
        jdbc.sql("""
                INSERT INTO customer_contact_details (customer_id, email, mobile, postal_address, email_withdrawn_at,
                    email_withdrawn_reason, sms_withdrawn_at, sms_withdrawn_reason, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON DUPLICATE KEY UPDATE email = VALUES(email), mobile = VALUES(mobile),
                    postal_address = VALUES(postal_address), email_withdrawn_at = VALUES(email_withdrawn_at),
                    email_withdrawn_reason = VALUES(email_withdrawn_reason),
                    sms_withdrawn_at = VALUES(sms_withdrawn_at), sms_withdrawn_reason = VALUES(sms_withdrawn_reason), updated_at = VALUES(updated_at)
                """)
                .params(customerId, details.email(), details.mobile(), details.postalAddress(),
                        keepWithdrawal ? Sql.utc(old.emailWithdrawnAt()) : null,
                        keepWithdrawal ? old.emailWithdrawnReason() : null,
                        keepSmsWithdrawal ? Sql.utc(old.smsWithdrawnAt()) : null,
                        keepSmsWithdrawal ? old.smsWithdrawnReason() : null, Sql.utc(now))
                .update();
    }

    /**
     * Withdraws the address from use if it is still the customer's address (a bounce of an address the billing system
     * has since replaced changes nothing).
     *
     * @return true if the address was withdrawn now
     */
    public boolean withdrawEmail(String customerId, String email, String reason, Instant now) {
        return jdbc.sql("UPDATE customer_contact_details SET email_withdrawn_at = ?, email_withdrawn_reason = ?, "
                        + "updated_at = ? WHERE customer_id = ? AND email = ? AND email_withdrawn_at IS NULL")
                .params(Sql.utc(now), reason, Sql.utc(now), customerId, email).update() == 1;
    }

    /**
     * Withdraws the customer's mobile number from text messages (a STOP reply), if it is still the customer's number
     * and not withdrawn already: decisions then see no SMS consent. {@code mobile} is the number the text went to;
     * null for the customer's number now (a message whose number was not kept).
     *
     * @return true if the number was withdrawn now
     */
    public boolean withdrawSms(String customerId, String mobile, String reason, Instant now) {
        return jdbc.sql("UPDATE customer_contact_details SET sms_withdrawn_at = ?, sms_withdrawn_reason = ?, "
                        + "updated_at = ? WHERE customer_id = ? AND mobile IS NOT NULL "
                        + "AND mobile = COALESCE(?, mobile) AND sms_withdrawn_at IS NULL")
                .params(Sql.utc(now), reason, Sql.utc(now), customerId, mobile).update() == 1;
    }
}
