package dev.dunning.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Hold;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.Outcome;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.FactsService.NewPayment;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** POST /api/v1/decisions and the decision history, on facts stored in the real MariaDB. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DecisionsByCustomerIT {

    /** 12 days after the due date below, 15:00 UTC: daytime in Berlin, so quiet hours do not shift anything. */
    static final Instant AS_OF = Instant.parse("2025-03-17T15:00:00Z");

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    FactsService facts;

    @Autowired
    JdbcClient jdbc;

    final HttpClient http = HttpClient.newHttpClient();

    /** A German consumer with one 120 EUR invoice due 2025-03-05; returns the customer id. */
    String customerWithOverdueInvoice() {
        String id = "DBC-" + UUID.randomUUID();
        facts.upsertCustomer(aCustomer().id(id).consumer().in("DE", "Europe/Berlin", "EUR").build());
        facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("EUR", "120.00").due("2025-03-05").build());
        return id;
    }

    @Test
    void decidesFromStoredFactsAndKeepsTheDecision() throws Exception {
        String customer = customerWithOverdueInvoice();

        HttpResponse<String> response = decide(customer, AS_OF);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode d = json.readTree(response.body());
        assertThat(d.get("action").asString()).isEqualTo("REMINDER");
        assertThat(d.get("channel").asString()).isEqualTo("EMAIL");
        assertThat(d.get("invoiceIds").get(0).asString()).isEqualTo(customer + "-I1");
        assertThat(d.get("asOf").asString()).isEqualTo(AS_OF.toString());
        String decisionId = d.get("decisionId").asString();
        // Time-ordered (UUID version 7), so ids sort in the order decisions were made.
        assertThat(UUID.fromString(decisionId).version()).isEqualTo(7);
        String stored = jdbc.sql("SELECT action FROM audit_records WHERE decision_id = ? AND customer_id = ?")
                .params(decisionId, customer).query(String.class).single();
        assertThat(stored).isEqualTo("REMINDER");
    }

    @Test
    void seesPaymentsHoldsAndContactsStoredSinceTheLastDecision() throws Exception {
        String customer = customerWithOverdueInvoice();
        String invoice = customer + "-I1";

        facts.recordContact(customer, new ContactAttempt(AS_OF.minusSeconds(86_400), Channel.EMAIL, Action.REMINDER, 1,
                Outcome.DELIVERED), null);
        JsonNode afterReminder = json.readTree(decide(customer, AS_OF).body());
        // Reminded yesterday: the ladder's interval between contacts holds the next step back.
        assertThat(afterReminder.get("action").asString()).isEqualTo("NO_ACTION");

        long hold = facts.addHold(customer, new Hold(HoldKind.PROMISE_TO_PAY, null, LocalDate.parse("2025-03-16"),
                LocalDate.parse("2025-03-30")), "will pay on the 30th").id();
        JsonNode held = json.readTree(decide(customer, AS_OF).body());
        assertThat(held.get("action").asString()).isEqualTo("HOLD");
        assertThat(held.get("nextReviewOn").asString()).isEqualTo("2025-03-31");

        facts.endHold(customer, hold);
        facts.recordPayment(invoice, new NewPayment(new BigDecimal("120.00"), "EUR", AS_OF, null));
        // Microseconds, as the database keeps them: a request's instant with nanoseconds is refused (issue 16).
        JsonNode paid = json.readTree(decide(customer, Instant.now().truncatedTo(ChronoUnit.MICROS)).body());
        assertThat(paid.get("action").asString()).isEqualTo("NO_ACTION");
        assertThat(paid.get("invoiceIds")).isEmpty();
    }

    @Test
    void historyListsTheCustomersDecisionsNewestFirstInPages() throws Exception {
        String customer = customerWithOverdueInvoice();
        String first = json.readTree(decide(customer, AS_OF).body()).get("decisionId").asString();
        String second = json.readTree(decide(customer, AS_OF.plusSeconds(60)).body()).get("decisionId").asString();
        String third = json.readTree(decide(customer, AS_OF.plusSeconds(120)).body()).get("decisionId").asString();

        JsonNode page0 = json.readTree(get("/api/v1/customers/" + customer + "/decisions?size=2").body());
        JsonNode page1 = json.readTree(get("/api/v1/customers/" + customer + "/decisions?size=2&page=1").body());

        assertThat(page0.get("total").asLong()).isEqualTo(3);
        assertThat(page0.get("decisions")).extracting(n -> n.get("decisionId").asString())
                .containsExactly(third, second);
        assertThat(page1.get("decisions")).extracting(n -> n.get("decisionId").asString()).containsExactly(first);
        // Each entry is the decision exactly as it was answered, trace included.
        assertThat(page1.get("decisions").get(0).get("trace")).isNotEmpty();
    }

    @Test
    void unknownCustomerIsNotFound() throws Exception {
        HttpResponse<String> response = decide("no-such-customer-" + UUID.randomUUID(), null);

        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(json.readTree(response.body()).get("detail").asString()).contains("No customer with id");
        assertThat(get("/api/v1/customers/no-such-customer/decisions").statusCode()).isEqualTo(404);
    }

    @Test
    void missingCustomerIdIsABadRequestNamingTheField() throws Exception {
        HttpResponse<String> response = post("/api/v1/decisions", "{\"asOf\": \"2025-03-17T15:00:00Z\"}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").get(0).get("field").asString())
                .isEqualTo("customerId");
    }

    @Test
    void aBadPageSizeIsABadRequest() throws Exception {
        String customer = customerWithOverdueInvoice();
        assertThat(get("/api/v1/customers/" + customer + "/decisions?size=0").statusCode()).isEqualTo(400);
        assertThat(get("/api/v1/customers/" + customer + "/decisions?size=abc").statusCode()).isEqualTo(400);
    }

    private HttpResponse<String> decide(String customerId, Instant asOf) throws Exception {
        return post("/api/v1/decisions", "{\"customerId\": \"" + customerId + "\""
                + (asOf == null ? "" : ", \"asOf\": \"" + asOf + "\"") + "}");
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
