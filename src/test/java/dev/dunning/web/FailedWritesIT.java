package dev.dunning.web;

import static dev.dunning.web.Api.customerJson;
import static dev.dunning.web.Api.invoiceJson;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.facts.FactsService;
import dev.dunning.facts.FactsService.NewFailure;
import dev.dunning.facts.FactsService.NewPayment;
import java.math.BigDecimal;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.ObjectMapper;

/** A write that fails, early or half-way, leaves every fact table exactly as it was. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FailedWritesIT {

    static final List<String> TABLES = List.of("customers", "invoices", "payments", "payment_failures",
            "contact_attempts", "holds");

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    FactsService facts;

    @Test
    void rejectedWritesChangeNothing() {
        Api api = new Api(port, json);
        String customer = "FAIL-" + UUID.randomUUID();
        String other = "FAIL-" + UUID.randomUUID();
        api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR"));
        api.put("/api/v1/customers/" + other, customerJson("DE", "Europe/Berlin", "EUR"));
        String invoice = "/api/v1/invoices/" + customer + "-1";
        api.put(invoice, invoiceJson(customer, "EUR", "100.00", "2025-01-15", "2025-02-14"));
        api.post(invoice + "/payments", "{\"amount\": \"60\", \"currency\": \"EUR\", \"reference\": \"p-1\"}");
        api.put("/api/v1/invoices/" + other + "-1", invoiceJson(other, "EUR", "5", "2025-01-15", "2025-02-14"));
        List<String> before = snapshot();

        List<HttpResponse<String>> answers = List.of(
                api.post(invoice + "/payments", "{\"amount\": \"40.01\", \"currency\": \"EUR\"}"),
                api.post(invoice + "/payments", "{\"amount\": \"10\", \"currency\": \"USD\"}"),
                api.post(invoice + "/payments", "{\"amount\": \"11\", \"currency\": \"EUR\", \"reference\": \"p-1\"}"),
                api.put(invoice, invoiceJson(customer, "EUR", "59.99", "2025-01-15", "2025-02-14")),
                api.put(invoice, invoiceJson(customer, "USD", "100", "2025-01-15", "2025-02-14")),
                api.put(invoice, invoiceJson(other, "EUR", "100", "2025-01-15", "2025-02-14")),
                api.put("/api/v1/invoices/" + customer + "-2", invoiceJson("nobody", "EUR", "1", "2025-01-15",
                        "2025-02-14")),
                api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")
                        .replace("CONSUMER", "RETAIL")),
                api.post("/api/v1/customers/" + customer + "/holds", "{\"kind\": \"DISPUTE\", \"invoiceId\": \""
                        + other + "-1\", \"from\": \"2025-03-01\"}"),
                api.post("/api/v1/customers/" + customer + "/contacts", "{\"at\": \"2025-03-01T09:00:00Z\", "
                        + "\"channel\": \"EMAIL\", \"outcome\": \"SENT\", \"stage\": 100}"));

        assertThat(answers).allSatisfy(a -> assertThat(a.statusCode()).as(a.body()).isIn(400, 409));
        assertThat(snapshot()).isEqualTo(before);
    }

    /**
     * The payment row is written first and the invoice's amount paid second; when the second statement fails (a
     * trigger refuses it here), the first is rolled back with it.
     */
    @Test
    void aWriteThatFailsHalfWayLeavesNothingBehind() {
        String customer = "HALF-" + UUID.randomUUID();
        Api api = new Api(port, json);
        api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR"));
        String invoiceId = customer + "-1";
        api.put("/api/v1/invoices/" + invoiceId, invoiceJson(customer, "EUR", "100.00", "2025-01-15", "2025-02-14"));
        String trigger = "refuse_" + Long.toHexString(System.nanoTime());
        jdbc.sql("CREATE TRIGGER " + trigger + " BEFORE UPDATE ON invoices FOR EACH ROW BEGIN IF NEW.id = '"
                + invoiceId + "' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by test'; END IF; END")
                .update();
        List<String> before;
        try {
            before = snapshot();
            assertThatThrownBy(() -> facts.recordPayment(invoiceId, new NewPayment(new BigDecimal("10"), "EUR", null,
                    "half-1"))).isInstanceOf(DataAccessException.class).hasMessageContaining("refused by test");
            assertThatThrownBy(() -> facts.recordFailure(invoiceId, new NewFailure(null, "insufficient_funds", null,
                    "half-2"))).isInstanceOf(DataAccessException.class).hasMessageContaining("refused by test");
            assertThat(snapshot()).isEqualTo(before);
        } finally {
            jdbc.sql("DROP TRIGGER " + trigger).update();
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM payments WHERE invoice_id = ?").param(invoiceId).query(Long.class)
                .single()).isZero();
    }

    /** Row counts and a checksum of every fact table's content. */
    private List<String> snapshot() {
        List<String> state = new ArrayList<>();
        for (String table : TABLES) {
            state.add(table + " rows=" + jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single()
                    + " checksum=" + jdbc.sql("CHECKSUM TABLE " + table).query((rs, n) -> rs.getString(2)).single());
        }
        return state;
    }
}
