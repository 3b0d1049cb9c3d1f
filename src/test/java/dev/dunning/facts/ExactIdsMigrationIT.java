package dev.dunning.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.database.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V39 on a database written under the server's utf8mb4_unicode_ci: there, ids that differ in case, accents or trailing
 * spaces were one id, and a row could name what it refers to in other case. Afterwards every id compares byte for
 * byte, the rows that named their customer or invoice in other case name it exactly, and the foreign keys still hold.
 */
class ExactIdsMigrationIT {

    private static final String CUSTOMER = """
            INSERT INTO customers (id, segment, country, language, time_zone, risk_score, tenure_months, consent_email,
                consent_sms, consent_phone, consent_letter, do_not_contact, vulnerable, third_party_collection,
                created_at, updated_at)
            VALUES (?, 'CONSUMER', 'DE', 'de', 'Europe/Berlin', 0, 0, TRUE, FALSE, FALSE, FALSE, FALSE, FALSE, FALSE,
                NOW(6), NOW(6))""";
    private static final String INVOICE = """
            INSERT INTO invoices (id, customer_id, number, currency, amount, issue_date, due_date, status, created_at,
                updated_at)
            VALUES (?, ?, 'N', 'EUR', 100, '2025-01-01', '2025-01-31', 'OPEN', NOW(6), NOW(6))""";
    private static final String PAYMENT = "INSERT INTO payments (invoice_id, amount, currency, paid_at, reference, "
            + "recorded_at) VALUES (?, 10, 'EUR', NOW(6), ?, NOW(6))";

    @Test
    void idsThatTheOldCollationFoldedTogetherBecomeDistinctAndReferencesNameTheirRowExactly() {
        TestDatabase.Connection db = TestDatabase.freshDatabase("v39");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        JdbcClient jdbc = JdbcClient.create(dataSource);
        // 33: the last version before V39 on this branch (34 to 38 come from other branches; a target must exist).
        Flyway.configure().dataSource(dataSource).target("33").load().migrate();

        jdbc.sql(CUSTOMER).param("acme-1").update();
        // The bug, in the database itself: another customer whose id differs only in case is a duplicate key.
        assertThatThrownBy(() -> jdbc.sql(CUSTOMER).param("ACME-1").update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql(CUSTOMER).param("acme-1 ").update())
                .isInstanceOf(DataIntegrityViolationException.class);
        // ... and rows that name the customer or invoice in other case were accepted by the foreign keys.
        jdbc.sql(INVOICE).params("inv-1", "ACME-1").update();
        jdbc.sql(PAYMENT).params("INV-1", "pay-1").update();
        assertThatThrownBy(() -> jdbc.sql(PAYMENT).params("inv-1", "PAY-1").update())
                .isInstanceOf(DataIntegrityViolationException.class);

        Flyway.configure().dataSource(dataSource).load().migrate();

        assertThat(jdbc.sql("SELECT customer_id FROM invoices WHERE id = 'inv-1'").query(String.class).single())
                .isEqualTo("acme-1");
        assertThat(jdbc.sql("SELECT invoice_id FROM payments WHERE reference = 'pay-1'").query(String.class).single())
                .isEqualTo("inv-1");
        for (String id : new String[] {"ACME-1", "acme-1 ", "Müller", "Muller", "Straße", "Strasse"}) {
            jdbc.sql(CUSTOMER).param(id).update();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM customers WHERE id = 'acme-1'").query(Long.class).single())
                .isEqualTo(1);
        jdbc.sql(INVOICE).params("INV-1", "ACME-1").update();
        jdbc.sql(PAYMENT).params("inv-1", "PAY-1").update();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payments WHERE invoice_id = 'inv-1'").query(Long.class).single())
                .isEqualTo(2);
        // The foreign keys are checked again, byte for byte: an invoice of a customer named in other case is refused.
        assertThatThrownBy(() -> jdbc.sql(INVOICE).params("inv-2", "Acme-1").update())
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThatThrownBy(() -> jdbc.sql(PAYMENT).params("Inv-1", "pay-2").update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }
}
