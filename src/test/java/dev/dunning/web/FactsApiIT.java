package dev.dunning.web;

import static dev.dunning.web.Api.customerJson;
import static dev.dunning.web.Api.invoiceJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
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

    /**
     * Ids are the billing system's, compared byte for byte: ids that differ only in case, in accents or by a letter
     * that folds to two (ß, ss) are different customers. Under the server's utf8mb4_unicode_ci they were one row, and
     * the second PUT silently replaced the first customer.
     */
    @Test
    void idsThatDifferOnlyInCaseOrAccentsAreDifferentCustomers() {
        String marker = "X-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        List<String> ids = List.of(marker + "acme-1", marker + "ACME-1", marker + "Müller", marker + "Muller",
                marker + "Straße", marker + "Strasse");
        for (String id : ids) {
            HttpResponse<String> put = api.put(customerPath(id), """
                    {"name": "%s", "segment": "CONSUMER", "country": "DE", "timeZone": "Europe/Berlin"}"""
                    .formatted("Name of " + id));
            assertThat(put.statusCode()).as(id + ": " + put.body()).isEqualTo(201);
        }
        for (String id : ids) {
            JsonNode read = api.body(api.get(customerPath(id)));
            assertThat(read.get("id").asString()).isEqualTo(id);
            assertThat(read.get("name").asString()).isEqualTo("Name of " + id);
        }
    }

    /**
     * An invoice's id and its customerId are exact too: an invoice id in other case is another invoice (not the first
     * one moved or updated), and a customerId in other case is an unknown customer, not the stored one.
     */
    @Test
    void invoicesAndTheCustomersTheyNameAreMatchedByExactIds() {
        String other = "API-" + UUID.randomUUID();
        assertThat(api.put("/api/v1/customers/" + other, customerJson("DE", "Europe/Berlin", "EUR")).statusCode())
                .isEqualTo(201);
        String lower = customer + "-inv-é";
        String upper = customer + "-INV-e";
        assertThat(api.put(invoicePath(lower), invoiceJson(customer, "EUR", "10", "2025-01-15", "2025-02-14"))
                .statusCode()).isEqualTo(201);
        HttpResponse<String> second = api.put(invoicePath(upper), invoiceJson(other, "EUR", "20", "2025-01-15",
                "2025-02-14"));
        assertThat(second.statusCode()).as(second.body()).isEqualTo(201);
        assertThat(api.body(api.get(invoicePath(lower))).get("customerId").asString()).isEqualTo(customer);
        assertThat(api.body(api.get(invoicePath(upper))).get("customerId").asString()).isEqualTo(other);
        assertThat(api.body(api.get(invoicePath(upper))).get("id").asString()).isEqualTo(upper);

        HttpResponse<String> wrongCase = api.put(invoicePath(customer + "-X"), invoiceJson(customer.toLowerCase(),
                "EUR", "10", "2025-01-15", "2025-02-14"));
        api.assertProblem(wrongCase, 400, "invalid-request", "customerId");
        HttpResponse<String> hold = api.post("/api/v1/customers/" + customer + "/holds", """
                {"kind": "DISPUTE", "from": "2025-03-01", "invoiceId": "%s"}""".formatted(customer + "-INV-é"));
        api.assertProblem(hold, 400, "invalid-request", "invoiceId");
    }

    /** References are idempotency keys: one that differs in case is another payment, failure or contact. */
    @Test
    void referencesThatDifferOnlyInCaseAreDifferentPaymentsFailuresAndContacts() {
        String invoice = "/api/v1/invoices/" + customer + "-R";
        api.put(invoice, invoiceJson(customer, "EUR", "100.00", "2025-01-15", "2025-02-14"));
        for (String reference : List.of("pay-a", "PAY-A", "pay-á")) {
            HttpResponse<String> paid = api.post(invoice + "/payments",
                    "{\"amount\": \"10\", \"currency\": \"EUR\", \"reference\": \"" + reference + "\"}");
            assertThat(paid.statusCode()).as(reference + ": " + paid.body()).isEqualTo(201);
            assertThat(api.body(paid).get("reference").asString()).isEqualTo(reference);
        }
        assertThat(api.body(api.get(invoice)).get("amountPaid").decimalValue()).isEqualByComparingTo("30");
        for (String reference : List.of("f-a", "F-A")) {
            assertThat(api.post(invoice + "/payment-failures", "{\"declineCode\": \"insufficient_funds\", "
                    + "\"reference\": \"" + reference + "\"}").statusCode()).as(reference).isEqualTo(201);
        }
        assertThat(api.body(api.get(invoice)).get("failedAttempts").asInt()).isEqualTo(2);
        String contacts = "/api/v1/customers/" + customer + "/contacts";
        for (String reference : List.of("msg-a", "MSG-A")) {
            assertThat(api.post(contacts, """
                    {"at": "2025-03-01T09:00:00Z", "channel": "EMAIL", "outcome": "DELIVERED", "reference": "%s"}"""
                    .formatted(reference)).statusCode()).as(reference).isEqualTo(201);
        }
        assertThat(api.body(api.get(contacts)).get("total").asLong()).isEqualTo(2);
    }

    /**
     * White space at either end of an id is refused where an id is created or named in a body: "A1 " and "A1" look the
     * same to anyone reading them (and MariaDB's utf8mb4_bin, unlike the utf8mb4_nopad_bin the ids have, would even
     * compare them as equal). A path that names one finds nothing: it is no other customer's id.
     */
    @Test
    void anIdWithWhiteSpaceAtEitherEndIsRefusedWithTheReason() {
        HttpResponse<String> trailing = api.put(customerPath(customer + "-A1 "), customerJson("DE", "Europe/Berlin",
                "EUR"));
        api.assertProblem(trailing, 400, "invalid-request", "id");
        assertThat(api.message(trailing, "id")).contains("ends with white space (U+0020)");
        api.assertProblem(api.put(customerPath("\u2003" + customer + "-A1"), customerJson("DE", "Europe/Berlin",
                "EUR")), 400, "invalid-request", "id");
        assertThat(api.get(customerPath(customer + " ")).statusCode()).isEqualTo(404);

        HttpResponse<String> invoice = api.put(invoicePath(customer + "-W"), invoiceJson(customer + " ", "EUR", "10",
                "2025-01-15", "2025-02-14"));
        api.assertProblem(invoice, 400, "invalid-request", "customerId");
        assertThat(api.message(invoice, "customerId")).contains("ends with white space (U+0020) at character "
                + (customer.length() + 1));
        api.put(invoicePath(customer + "-W"), invoiceJson(customer, "EUR", "10", "2025-01-15", "2025-02-14"));
        api.assertProblem(api.post(invoicePath(customer + "-W") + "/payments",
                "{\"amount\": \"1\", \"currency\": \"EUR\", \"reference\": \" pay-1\"}"), 400, "invalid-request",
                "reference");
    }

    private static String customerPath(String id) {
        return "/api/v1/customers/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String invoicePath(String id) {
        return "/api/v1/invoices/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
