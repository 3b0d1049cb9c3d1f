package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The evaluate API over real HTTP: the documented example, and a 400 problem+json for each kind of bad input. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public class DecisionApiIT {

    public static final String EXAMPLE = """
            {"asOf": "2025-03-12T05:30:00Z",
             "customer": {"id": "C-1", "segment": "CONSUMER", "country": "US", "language": "en",
               "timeZone": "America/Los_Angeles", "currency": "USD", "riskScore": 40, "tenureMonths": 18,
               "consents": {"EMAIL": true, "SMS": false, "PHONE": true, "LETTER": true},
               "doNotContact": false, "vulnerable": false, "thirdPartyCollection": true},
             "invoices": [{"id": "I-1", "number": "2025-0001", "currency": "USD", "amount": "120.00",
               "amountPaid": "0.00", "issueDate": "2025-01-15", "dueDate": "2025-03-05", "status": "OPEN",
               "paymentMethod": "CARD", "failedAttempts": 0}],
             "contacts": [],
             "holds": []}
            """;

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    final HttpClient http = HttpClient.newHttpClient();

    @Test
    void evaluatesTheDocumentedExampleIntoAReminderHeldBackByQuietHours() throws Exception {
        HttpResponse<String> response = post(EXAMPLE);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode d = json.readTree(response.body());
        assertThat(d.get("action").asString()).isEqualTo("REMINDER");
        assertThat(d.get("channel").asString()).isEqualTo("EMAIL");
        assertThat(d.get("tone").asString()).isEqualTo("FRIENDLY");
        assertThat(d.get("stage").asInt()).isEqualTo(1);
        assertThat(d.get("template").asString()).isEqualTo("reminder-friendly");
        assertThat(d.get("invoiceIds").get(0).asString()).isEqualTo("I-1");
        // 05:30 UTC is 22:30 the evening before in Los Angeles (PDT): not before 08:00 local = 15:00 UTC.
        assertThat(d.get("notBefore").asString()).isEqualTo("2025-03-12T15:00:00Z");
        assertThat(d.get("requiresApproval").asBoolean()).isFalse();
        assertThat(d.get("ruleSetVersion").asString()).matches("[0-9a-f]{64}");
        JsonNode ladder = d.get("trace").get(0);
        assertThat(ladder.get("source").asString()).isEqualTo("decision-tables/escalation.xlsx");
        assertThat(ladder.get("sheet").asString()).isEqualTo("Ladder");
        assertThat(ladder.get("row").asInt()).isPositive();
        assertThat(ladder.get("metadata").get("policy").asString()).isEqualTo("ESC-C1");
    }

    @Test
    void acceptsFieldsItDoesNotKnow() throws Exception {
        HttpResponse<String> response = post(EXAMPLE.replace("\"contacts\": []", "\"contacts\": [], \"crmRef\": \"X-9\""));
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void malformedJsonIsABadRequest() throws Exception {
        assertProblem(post("{\"asOf\": \"2025-03-12T05:30:00Z\", \"customer\": {"), "(body)", "not valid JSON");
    }

    @Test
    void missingCustomerIsNamed() throws Exception {
        assertProblem(post("{\"asOf\": \"2025-03-12T05:30:00Z\", \"invoices\": []}"), "customer", "must not be null");
    }

    @Test
    void unknownEnumValueListsTheAllowedCodes() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"status\": \"OPEN\"", "\"status\": \"OVERDUE\"")),
                "invoices[0].status", "\"OVERDUE\" is not a known invoice status; use one of OPEN, PARTIALLY_PAID");
    }

    @Test
    void zeroWrittenWithAnExponentIsZeroNotTooLarge() throws Exception {
        HttpResponse<String> response = post(EXAMPLE.replace("\"amountPaid\": \"0.00\"", "\"amountPaid\": \"0e20\""));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertProblem(post(EXAMPLE.replace("\"amount\": \"120.00\"", "\"amount\": \"1e20\"")), "invoices[0].amount",
                "too large");
        // Zero with a billion digits after the point: subtracting it from the amount took seconds of CPU, then failed.
        assertProblem(post(EXAMPLE.replace("\"amountPaid\": \"0.00\"", "\"amountPaid\": \"0e-999999999\"")),
                "invoices[0].amountPaid", "too many digits after the decimal point");
    }

    @Test
    void negativeAmountIsRefused() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"amount\": \"120.00\"", "\"amount\": \"-5.00\"")),
                "invoices[0].amount", "greater than or equal to 0");
    }

    @Test
    void dueDateBeforeIssueDateIsRefused() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"dueDate\": \"2025-03-05\"", "\"dueDate\": \"2025-01-01\"")),
                "invoices[0].dueDate", "the due date 2025-01-01 is before the issue date 2025-01-15");
    }

    @Test
    void amountWithMoreDecimalsThanItsCurrencyIsAMixedUpCurrency() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"currency\": \"USD\", \"amount\": \"120.00\"",
                        "\"currency\": \"JPY\", \"amount\": \"120.50\"")),
                "invoices[0].amount", "has more decimals than JPY has (0)");
    }

    @Test
    void unknownCurrencyIsRefused() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"currency\": \"USD\", \"amount\"", "\"currency\": \"XYZ\", \"amount\"")),
                "invoices[0].currency", "\"XYZ\" is not an ISO 4217 currency code");
    }

    @Test
    void wrongTypeNamesTheField() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"riskScore\": 40", "\"riskScore\": \"high\"")),
                "customer.riskScore", "\"high\" is not a whole number");
    }

    @Test
    void invalidDateNamesTheField() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"issueDate\": \"2025-01-15\"", "\"issueDate\": \"2025-02-30\"")),
                "invoices[0].issueDate", "a date such as 2025-02-14");
    }

    @Test
    void reportsEveryProblemAtOnce() throws Exception {
        HttpResponse<String> response = post(EXAMPLE.replace("\"amount\": \"120.00\"", "\"amount\": \"-5.00\"")
                .replace("\"dueDate\": \"2025-03-05\"", "\"dueDate\": \"2025-01-01\"")
                .replace("America/Los_Angeles", "Mars/Olympus"));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json.readTree(response.body()).get("errors").findValuesAsString("field"))
                .containsExactly("customer.timeZone", "invoices[0].amount", "invoices[0].dueDate");
    }

    @Test
    void unknownTimeZoneIsRefused() throws Exception {
        assertProblem(post(EXAMPLE.replace("America/Los_Angeles", "Mars/Olympus")),
                "customer.timeZone", "is not a time zone");
    }

    @Test
    void holdOnAnInvoiceNotInTheRequestIsRefused() throws Exception {
        assertProblem(post(EXAMPLE.replace("\"holds\": []",
                        "\"holds\": [{\"kind\": \"DISPUTE\", \"invoiceId\": \"I-9\", \"from\": \"2025-03-01\"}]")),
                "holds[0].invoiceId", "no invoice with id \"I-9\"");
    }

    @Test
    void ruleSetEndpointNamesVersionAndFiles() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri("/api/v1/rule-set")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode rs = json.readTree(response.body());
        assertThat(rs.get("version").asString()).matches("[0-9a-f]{64}");
        assertThat(rs.get("ruleCount").asInt()).isGreaterThan(50);
        assertThat(rs.get("files").findValuesAsString("name")).contains("rules/holds.drl", "decision-tables/tone.csv");
    }

    private void assertProblem(HttpResponse<String> response, String field, String message) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        if (field.equals("(body)")) {
            assertThat(problem.get("detail").asString()).contains(message);
            return;
        }
        JsonNode errors = problem.get("errors");
        assertThat(errors).as(response.body()).isNotNull();
        assertThat(errors.findValuesAsString("field")).as(response.body()).contains(field);
        assertThat(problem.get("detail").asString()).contains(message);
    }

    private HttpResponse<String> post(String body) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri("/api/v1/decisions/evaluate"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }
}
