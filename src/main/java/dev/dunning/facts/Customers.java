package dev.dunning.facts;

import dev.dunning.database.Sql;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Customer;
import dev.dunning.decision.Segment;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Customers, one row each; written by idempotent upsert. */
@Repository
public class Customers {

    static final String COLUMNS = "c.id, c.name, c.segment, c.country, c.language, c.time_zone, c.currency, "
            + "c.risk_score, c.tenure_months, c.consent_email, c.consent_sms, c.consent_phone, c.consent_letter, "
            + "c.do_not_contact, c.vulnerable, c.third_party_collection";

    private final JdbcClient jdbc;

    public Customers(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Inserts the customer or replaces every field of the stored one, in one statement (two concurrent upserts of the
     * same id leave one row holding one of the two versions whole).
     *
     * @return true if the customer was new
     */
    public boolean upsert(Customer customer, Instant now) {
        int rows = jdbc.sql("""
                INSERT INTO customers (id, name, segment, country, language, time_zone, currency, risk_score,
                    tenure_months, consent_email, consent_sms, consent_phone, consent_letter, do_not_contact,
                    vulnerable, third_party_collection, created_at, updated_at)
                VALUES (:id, :name, :segment, :country, :language, :timeZone, :currency, :riskScore, :tenureMonths,
                    :email, :sms, :phone, :letter, :doNotContact, :vulnerable, :thirdParty, :now, :now)
                ON DUPLICATE KEY UPDATE name = VALUES(name), segment = VALUES(segment), country = VALUES(country),
                    language = VALUES(language), time_zone = VALUES(time_zone), currency = VALUES(currency),
                    risk_score = VALUES(risk_score), tenure_months = VALUES(tenure_months),
                    consent_email = VALUES(consent_email), consent_sms = VALUES(consent_sms),
                    consent_phone = VALUES(consent_phone), consent_letter = VALUES(consent_letter),
                    do_not_contact = VALUES(do_not_contact), vulnerable = VALUES(vulnerable),
                    third_party_collection = VALUES(third_party_collection), updated_at = VALUES(updated_at)
                """)
                .param("id", customer.id())
                .param("name", customer.name())
                .param("segment", customer.segment().name())
                .param("country", customer.country())
                .param("language", customer.language())
                .param("timeZone", customer.timeZone())
                .param("currency", customer.currency())
                .param("riskScore", customer.riskScore())
                .param("tenureMonths", customer.tenureMonths())
                .param("email", customer.consentsTo(Channel.EMAIL))
                .param("sms", customer.consentsTo(Channel.SMS))
                .param("phone", customer.consentsTo(Channel.PHONE))
                .param("letter", customer.consentsTo(Channel.LETTER))
                .param("doNotContact", customer.doNotContact())
                .param("vulnerable", customer.vulnerable())
                .param("thirdParty", customer.thirdPartyCollection())
                .param("now", Sql.utc(now))
                .update();
        // MariaDB counts 1 for an insert, 2 for an update and 0 for an update that changed nothing.
        return rows == 1;
    }

    public Optional<Customer> find(String id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM customers c WHERE c.id = ?")
                .param(id)
                .query((rs, n) -> map(rs))
                .optional();
    }

    /**
     * The customers of these ids that exist, by id, as {@link #find} reads each: one query (an IN list over the
     * primary key) instead of one per customer.
     */
    public Map<String, Customer> findAll(java.util.Collection<String> ids) {
        Map<String, Customer> found = new java.util.HashMap<>();
        if (ids.isEmpty()) {
            return found;
        }
        jdbc.sql("SELECT " + COLUMNS + " FROM customers c WHERE c.id IN (:ids)").param("ids", List.copyOf(ids))
                .query(rs -> {
                    Customer customer = map(rs);
                    found.put(customer.id(), customer);
                });
        return found;
    }

    /**
     * Customers whose id or name starts with the text, by name then id, at most {@code limit}: two range reads, of the
     * primary key and of customers_name, whatever the number of customers. LIKE's wildcards in the text match only
     * themselves.
     */
    public java.util.List<Customer> search(String text, int limit) {
        String prefix = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.sql("SELECT * FROM ((SELECT " + COLUMNS + " FROM customers c WHERE c.id LIKE :prefix "
                        + "ORDER BY c.id LIMIT :limit) UNION (SELECT " + COLUMNS + " FROM customers c "
                        + "WHERE c.name LIKE :prefix ORDER BY c.name, c.id LIMIT :limit)) found "
                        + "ORDER BY name, id LIMIT :limit")
                .param("prefix", prefix)
                .param("limit", limit)
                .query((rs, n) -> map(rs))
                .list();
    }

    public boolean exists(String id) {
        return jdbc.sql("SELECT COUNT(*) FROM customers WHERE id = ?").param(id).query(Integer.class).single() > 0;
    }

    /** Locks the customer's row until the transaction ends, so that writes about one customer are serialised. */
    public boolean lock(String id) {
        return jdbc.sql("SELECT id FROM customers WHERE id = ? FOR UPDATE").param(id).query(String.class).optional()
                .isPresent();
    }

    static Customer map(ResultSet rs) throws SQLException {
        Map<Channel, Boolean> consents = new EnumMap<>(Channel.class);
        consents.put(Channel.EMAIL, rs.getBoolean("consent_email"));
        consents.put(Channel.SMS, rs.getBoolean("consent_sms"));
        consents.put(Channel.PHONE, rs.getBoolean("consent_phone"));
        consents.put(Channel.LETTER, rs.getBoolean("consent_letter"));
        return new Customer(
                rs.getString("id"),
                rs.getString("name"),
                Segment.valueOf(rs.getString("segment")),
                rs.getString("country"),
                rs.getString("language"),
                rs.getString("time_zone"),
                rs.getString("currency"),
                rs.getInt("risk_score"),
                rs.getInt("tenure_months"),
                consents,
                rs.getBoolean("do_not_contact"),
                rs.getBoolean("vulnerable"),
                rs.getBoolean("third_party_collection"));
    }
}
