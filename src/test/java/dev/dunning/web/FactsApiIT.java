package dev.dunning.web;

import static dev.dunning.web.Api.customerJson;
import static dev.dunning.web.Api.invoiceJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The ingestion API end to end over HTTP on the real MariaDB: what billing systems write and read back. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FactsApiIT {

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    Api api;
    String customer;

    @BeforeEach
    void customer() {
        api = new Api(port, json);
        customer = "API-" + UUID.randomUUID();
        assertThat(api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")).statusCode())
                .isEqualTo(201);
    }

    @Test
    void putCustomerCreatesThenReplacesAndReadsBack() {
        String id = "API-" + UUID.randomUUID();
        HttpResponse<String> created = api.put("/api/v1/customers/" + id, customerJson("JP", "Asia/Tokyo", "JPY"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("http://localhost:" + port
                + "/api/v1/customers/" + id);

        HttpResponse<String> updated = api.put("/api/v1/customers/" + id, """
                {"id": "%s", "segment": "ENTERPRISE", "country": "US", "timeZone": "America/Chicago"}
                """.formatted(id));
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(updated.headers().firstValue("Location")).isEmpty();

        JsonNode read = api.body(api.get("/api/v1/customers/" + id));
        assertThat(read.get("segment").asString()).isEqualTo("ENTERPRISE");
        assertThat(read.get("timeZone").asString()).isEqualTo("America/Chicago");
        // A PUT replaces the whole customer: what the second body left out is gone, not kept from the first.
        assertThat(read.get("currency").isNull()).isTrue();
        assertThat(read.get("consents").get("EMAIL").asBoolean()).isFalse();
    }

    @Test
    void putInvoiceCreatesThenUpdatesAndTheCustomerListsItByStatusInPages() {
        String path = "/api/v1/invoices/" + customer + "-1";
        HttpResponse<String> created = api.put(path, invoiceJson(customer, "EUR", "120.00", "2025-01-15",
                "2025-02-14"));
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.headers().firstValue("Location")).hasValue("http://localhost:" + port + path);
        assertThat(api.put(path, invoiceJson(customer, "EUR", "150.5", "2025-01-15", "2025-02-14")).statusCode())
                .isEqualTo(200);
        api.put("/api/v1/invoices/" + customer + "-2", invoiceJson(customer, "EUR", "10", "2025-02-01",
                "2025-03-01"));
        api.put("/api/v1/invoices/" + customer + "-3", invoiceJson(customer, "EUR", "10", "2025-03-01",
                "2025-04-01").replace("\"paymentMethod\"", "\"status\": \"DISPUTED\", \"paymentMethod\""));

        HttpResponse<String> read = api.get(path);
        // Money at its currency's scale, as the billing system would print it.
        assertThat(read.body()).contains("\"amount\":150.50,");
        JsonNode invoice = api.body(read);
        assertThat(invoice.get("customerId").asString()).isEqualTo(customer);
        assertThat(invoice.get("status").asString()).isEqualTo("OPEN");

        JsonNode open = api.body(api.get("/api/v1/customers/" + customer + "/invoices?status=OPEN&size=1"));
        assertThat(open.get("total").asLong()).isEqualTo(2);
        assertThat(open.get("items").get(0).get("id").asString()).isEqualTo(customer + "-2"); // newest due date first
        JsonNode page1 = api.body(api.get("/api/v1/customers/" + customer + "/invoices?status=OPEN&size=1&page=1"));
        assertThat(page1.get("items").get(0).get("id").asString()).isEqualTo(customer + "-1");
        JsonNode all = api.body(api.get("/api/v1/customers/" + customer + "/invoices?status=OPEN,DISPUTED"));
        assertThat(all.get("total").asLong()).isEqualTo(3);
    }

    @Test
    void partialThenFullPaymentSettlesTheInvoiceAndARepeatedReferenceIsNotPaidTwice() {
        String invoice = "/api/v1/invoices/" + customer + "-P";
        api.put(invoice, invoiceJson(customer, "EUR", "100.00", "2025-01-15", "2025-02-14"));

        HttpResponse<String> partial = api.post(invoice + "/payments",
                "{\"amount\": \"40.00\", \"currency\": \"EUR\", \"paidAt\": \"2025-02-20T10:15:30Z\", "
                        + "\"reference\": \"pay-1\"}");
        assertThat(partial.statusCode()).isEqualTo(201);
        long paymentId = api.body(partial).get("id").asLong();
        assertThat(partial.headers().firstValue("Location")).hasValue("http://localhost:" + port + invoice
                + "/payments/" + paymentId);
        assertThat(api.body(api.get(invoice)).get("status").asString()).isEqualTo("PARTIALLY_PAID");

        HttpResponse<String> repeated = api.post(invoice + "/payments",
                "{\"amount\": \"40.00\", \"currency\": \"EUR\", \"reference\": \"pay-1\"}");
        assertThat(repeated.statusCode()).isEqualTo(200);
        assertThat(api.body(repeated).get("id").asLong()).isEqualTo(paymentId);
        assertThat(api.body(repeated).get("paidAt").asString()).isEqualTo("2025-02-20T10:15:30Z");

        assertThat(api.post(invoice + "/payments", "{\"amount\": \"60\", \"currency\": \"EUR\"}").statusCode())
                .isEqualTo(201);
        JsonNode paid = api.body(api.get(invoice));
        assertThat(paid.get("status").asString()).isEqualTo("PAID");
        assertThat(paid.get("amountPaid").decimalValue()).isEqualByComparingTo("100");
        assertThat(paid.get("outstanding").decimalValue()).isEqualByComparingTo("0");
        JsonNode payments = api.body(api.get(invoice + "/payments"));
        assertThat(payments.size()).isEqualTo(2);
        assertThat(api.body(api.get(invoice + "/payments/" + paymentId)).get("reference").asString())
                .isEqualTo("pay-1");
    }

    @Test
    void paymentFailuresAreClassifiedFromTheDeclineCodeList() {
        String invoice = "/api/v1/invoices/" + customer + "-F";
        api.put(invoice, invoiceJson(customer, "EUR", "100.00", "2025-01-15", "2025-02-14"));

        HttpResponse<String> soft = api.post(invoice + "/payment-failures",
                "{\"declineCode\": \"insufficient_funds\", \"failedAt\": \"2025-02-15T08:00:00Z\", \"amount\": \"100\"}");
        HttpResponse<String> hard = api.post(invoice + "/payment-failures",
                "{\"declineCode\": \"stolen_card\", \"failedAt\": \"2025-02-18T08:00:00Z\", \"reference\": \"f-2\"}");
        HttpResponse<String> unknown = api.post(invoice + "/payment-failures",
                "{\"declineCode\": \"something_new\", \"failedAt\": \"2025-02-16T08:00:00Z\"}");

        assertThat(soft.statusCode()).isEqualTo(201);
        assertThat(api.body(soft).get("declineClass").asString()).isEqualTo("SOFT");
        assertThat(api.body(hard).get("declineClass").asString()).isEqualTo("HARD");
        assertThat(api.body(unknown).get("declineClass").asString()).isEqualTo("SOFT");
        assertThat(api.body(unknown).get("knownCode").asBoolean()).isFalse();
        assertThat(api.post(invoice + "/payment-failures",
                "{\"declineCode\": \"stolen_card\", \"reference\": \"f-2\"}").statusCode()).isEqualTo(200);

        JsonNode stored = api.body(api.get(invoice));
        assertThat(stored.get("failedAttempts").asInt()).isEqualTo(3);
        // The latest failure is the last one, whatever order the reports came in.
        assertThat(stored.get("lastDeclineCode").asString()).isEqualTo("stolen_card");
        assertThat(stored.get("lastDeclineClass").asString()).isEqualTo("HARD");
        assertThat(api.body(api.get(invoice + "/payment-failures")).valueStream()
                .map(f -> f.get("declineCode").asString()))
                .containsExactly("insufficient_funds", "something_new", "stolen_card");
    }

    @Test
    void contactsAreKeptNewestFirstAndARepeatedReferenceIsRecordedOnce() {
        String contacts = "/api/v1/customers/" + customer + "/contacts";
        HttpResponse<String> first = api.post(contacts, """
                {"at": "2025-03-01T09:00:00Z", "channel": "EMAIL", "action": "REMINDER", "stage": 1,
                 "outcome": "DELIVERED", "reference": "msg-1"}""");
        assertThat(first.statusCode()).isEqualTo(201);
        assertThat(api.post(contacts, """
                {"at": "2025-03-01T09:00:00Z", "channel": "EMAIL", "outcome": "DELIVERED", "reference": "msg-1"}""")
                .statusCode()).isEqualTo(200);
        api.post(contacts, "{\"at\": \"2025-03-08T16:30:00Z\", \"channel\": \"PHONE\", \"outcome\": \"CONVERSATION\"}");

        JsonNode page = api.body(api.get(contacts));
        assertThat(page.get("total").asLong()).isEqualTo(2);
        assertThat(page.get("items").get(0).get("outcome").asString()).isEqualTo("CONVERSATION");
        assertThat(page.get("items").get(1).get("action").asString()).isEqualTo("REMINDER");
        assertThat(api.get(first.headers().firstValue("Location").orElseThrow().replaceFirst("http://[^/]+", ""))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void holdsAreEndedNotDeletedAndListedByState() {
        String holds = "/api/v1/customers/" + customer + "/holds";
        HttpResponse<String> promise = api.post(holds, """
                {"kind": "PROMISE_TO_PAY", "from": "2025-03-01", "until": "2999-12-31", "reason": "pays on the 30th"}""");
        assertThat(promise.statusCode()).isEqualTo(201);
        long promiseId = api.body(promise).get("id").asLong();
        api.post(holds, "{\"kind\": \"MANUAL\", \"from\": \"2025-01-01\", \"until\": \"2025-01-31\"}");
        api.post(holds, "{\"kind\": \"LEGAL\", \"from\": \"2025-02-01\"}");

        HttpResponse<String> ended = api.delete(holds + "/" + promiseId);
        assertThat(ended.statusCode()).isEqualTo(200);
        String endedAt = api.body(ended).get("endedAt").asString();
        assertThat(api.body(ended).get("active").asBoolean()).isFalse();
        HttpResponse<String> again = api.delete(holds + "/" + promiseId);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(api.body(again).get("endedAt").asString()).isEqualTo(endedAt);

        assertThat(api.body(api.get(holds)).size()).isEqualTo(3);
        assertThat(api.body(api.get(holds + "?state=ACTIVE")).valueStream().map(h -> h.get("kind").asString()))
                .containsExactly("LEGAL");
        // Ended by DELETE, or past its last day.
        assertThat(api.body(api.get(holds + "?state=ended")).valueStream().map(h -> h.get("kind").asString()))
                .containsExactlyInAnyOrder("PROMISE_TO_PAY", "MANUAL");
    }
}
