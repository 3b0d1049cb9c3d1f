package dev.dunning.effectiveness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V25 on a database that already holds invoices and payments: receivables and invoiced amounts are filled from them,
 * every payment is queued for attribution, and from then on the triggers keep the receivables as invoices change.
 */
class EffectivenessMigrationIT {

    @Test
    void existingInvoicesAndPaymentsAreTakenOverAndTheTriggersKeepTheReceivables() {
        TestDatabase.Connection db = TestDatabase.freshDatabase("v25");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Flyway.configure().dataSource(dataSource).target("17").load().migrate();
        jdbc.sql("""
                INSERT INTO customers (id, segment, country, language, time_zone, currency, risk_score, tenure_months,
                    consent_email, consent_sms, consent_phone, consent_letter, do_not_contact, vulnerable,
                    third_party_collection, created_at, updated_at)
                VALUES ('C1', 'CONSUMER', 'DE', 'de', 'Europe/Berlin', 'EUR', 10, 12, TRUE, FALSE, TRUE, TRUE, FALSE,
                    FALSE, FALSE, NOW(6), NOW(6))""").update();
        String invoice = "INSERT INTO invoices (id, customer_id, number, currency, amount, amount_paid, issue_date, "
                + "due_date, status, created_at, updated_at) VALUES (?, 'C1', ?, ?, ?, ?, ?, ?, ?, NOW(6), NOW(6))";
        jdbc.sql(invoice).params("I1", "N1", "EUR", "100.00", "40.00", "2025-01-01", "2025-01-31", "PARTIALLY_PAID")
                .update();
        jdbc.sql(invoice).params("I2", "N2", "EUR", "50.00", "50.00", "2025-01-01", "2025-01-31", "PAID").update();
        jdbc.sql(invoice).params("I3", "N3", "USD", "70.00", "0", "2025-01-05", "2025-02-04", "OPEN").update();
        String payment = "INSERT INTO payments (invoice_id, amount, currency, paid_at, reference, recorded_at) "
                + "VALUES (?, ?, 'EUR', NOW(6), ?, NOW(6))";
        jdbc.sql(payment).params("I1", "40.00", "p1").update();
        jdbc.sql(payment).params("I2", "50.00", "p2").update();

        Flyway.configure().dataSource(dataSource).load().migrate();

        assertThat(receivables(jdbc)).containsExactly("EUR|2025-01-31|60.0000|1", "USD|2025-02-04|70.0000|1");
        assertThat(jdbc.sql("SELECT CONCAT_WS('|', currency, issue_date, amount, invoices) FROM effect_sales "
                + "ORDER BY currency").query(String.class).list())
                .containsExactly("EUR|2025-01-01|150.0000|2", "USD|2025-01-05|70.0000|1");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM effect_changes WHERE payment_id IS NOT NULL").query(Long.class)
                .single()).isEqualTo(2);

        jdbc.sql("UPDATE invoices SET amount_paid = 100.00, status = 'PAID' WHERE id = 'I1'").update();
        jdbc.sql("UPDATE invoices SET due_date = '2025-03-01', issue_date = '2025-01-30' WHERE id = 'I3'").update();
        assertThat(receivables(jdbc)).containsExactly("EUR|2025-01-31|0.0000|0", "USD|2025-02-04|0.0000|0",
                "USD|2025-03-01|70.0000|1");
    }

    private static List<String> receivables(JdbcClient jdbc) {
        return jdbc.sql("SELECT CONCAT_WS('|', currency, due_date, open_amount, invoices) FROM effect_receivables "
                + "ORDER BY currency, due_date").query(String.class).list();
    }
}
