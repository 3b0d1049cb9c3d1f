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
import tools.jackson.databind.ObjectMapper;

/**
 * Input that cannot be represented exactly is refused, on every way in (issue 16): text that is not Unicode, ids and
 * codes with control characters, values of another JSON type than the field's, and keys given twice. Each is a 400
 * problem+json naming the field. The same rules hold for every write endpoint (RobustnessIT walks them all); these
 * are the cases as they were found, with the answer a caller sees.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class ExactInputIT {

    /** Half a surrogate pair as a JSON escape: valid JSON syntax, but no Unicode text. */
    static final String LONE = "\\ud800";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    Api api;
    String customer;

    @BeforeEach
    void storedCustomer() {
        api = new Api(port, json);
        customer = "EXACT-" + UUID.randomUUID();
        assertThat(api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")).statusCode())
                .isEqualTo(201);
    }

    // --- Text that is not Unicode ---

    @Test
    void aLoneSurrogateInACustomerIdIsRefusedInEveryBody() {
        var put = api.put("/api/v1/customers/" + customer, withField(customerJson("DE", "Europe/Berlin", "EUR"),
                "\"id\": \"C-" + LONE + "\""));
        api.assertProblem(put, 400, "invalid-request", "id");
        assertThat(api.message(put, "id")).startsWith("is not valid Unicode: character 3 is half of a UTF-16 "
                + "surrogate pair (U+D800)");

        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"id\": \"C-1\"", "\"id\": \"C-" + LONE + "\"")),
                400, "invalid-request", "customer.id");
        api.assertProblem(api.post("/api/v1/decisions", "{\"customerId\": \"" + customer + LONE + "\"}"), 400,
                "invalid-request", "customerId");
    }

    @Test
    void aLoneSurrogateIsRefusedInAnyStringFieldAndNeverEchoed() {
        var response = api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")
                .replace("\"Ada Example\"", "\"Ada \\udc00Example\""));
        api.assertProblem(response, 400, "invalid-request", "name");
        assertThat(response.body()).doesNotContain("\\udc00").doesNotContain("\ufffd");

        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"2025-0001\"", "\"2025-" + LONE + "\"")), 400,
                "invalid-request", "invoices[0].number");
        api.assertProblem(api.post("/api/v1/customers/" + customer + "/holds",
                "{\"kind\": \"MANUAL\", \"from\": \"2025-03-01\", \"reason\": \"" + LONE + "\"}"), 400,
                "invalid-request", "reason");
        // A code is no known code then; the answer shows the half pair as U+FFFD, since it must be UTF-8 itself.
        var segment = evaluate(DecisionApiIT.EXAMPLE.replace("\"CONSUMER\"", "\"CONSUMER" + LONE + "\""));
        api.assertProblem(segment, 400, "invalid-request", "customer.segment");
        assertThat(api.message(segment, "customer.segment")).startsWith("\"CONSUMER\ufffd\" is not a known segment");
    }

    @Test
    void aLoneSurrogateInAPathIdIsRefusedBeforeAnyEndpointIsChosen() {
        // Half a surrogate pair has no UTF-8 form; %ED%A0%80 is what it would be. Tomcat refuses such bytes (and %FF)
        // outright, so no endpoint sees a replacement character instead of the id that was sent.
        for (String path : new String[] {"/api/v1/customers/C-%ED%A0%80", "/api/v1/invoices/I-%ED%B0%80/payments",
                "/api/v1/customers/" + customer + "%FF/holds"}) {
            refusedBeforeRouting(api.get(path));
        }
        refusedBeforeRouting(api.put("/api/v1/customers/C-%ED%A0%80", customerJson("DE", "Europe/Berlin", "EUR")));
        // A real character beyond U+FFFF, sent as UTF-8, is an id like any other: unknown here, so 404.
        assertThat(api.get("/api/v1/customers/C-%F0%9F%98%80").statusCode()).isEqualTo(404);
    }

    // --- Control characters in ids and codes ---

    @Test
    void aControlCharacterInAPathIdIsRefusedNamingTheVariable() {
        for (String id : new String[] {"C%091", "C%7F", "C%C2%851", "%1B%5B2J", "C%01"}) {
            var response = api.get("/api/v1/customers/" + id);
            api.assertProblem(response, 400, "invalid-request", "id");
            assertThat(api.message(response, "id")).as(id).startsWith("the id in the path holds a control character");
        }
        var tab = api.get("/api/v1/customers/C%091");
        assertThat(api.message(tab, "id")).isEqualTo("the id in the path holds a control character (U+0009) at "
                + "character 2; ids and codes are printable text, e.g. C-1001");
        api.assertProblem(api.post("/api/v1/customers/C%1F/holds", "{\"kind\": \"MANUAL\", \"from\": \"2025-03-01\"}"),
                400, "invalid-request", "id");
        api.assertProblem(api.put("/api/v1/invoices/I%091", invoiceJson(customer, "EUR", "1.00", "2025-01-15",
                "2025-02-14")), 400, "invalid-request", "id");
        api.assertProblem(api.get("/api/v1/decisions/" + UUID.randomUUID() + "%7F"), 400, "invalid-request", "id");
        // A NUL, a line feed and a carriage return never reach an endpoint (Tomcat, Spring Security's firewall).
        for (String id : new String[] {"C%001", "C%0A1", "C%0D1"}) {
            refusedBeforeRouting(api.get("/api/v1/customers/" + id));
        }
    }

    @Test
    void aControlCharacterInABodyIdOrCodeIsRefused() {
        var invoice = api.put("/api/v1/invoices/" + customer + "-1",
                invoiceJson(customer + "\\u0001", "EUR", "1.00", "2025-01-15", "2025-02-14"));
        api.assertProblem(invoice, 400, "invalid-request", "customerId");
        assertThat(api.message(invoice, "customerId")).isEqualTo("holds a control character (U+0001) at character "
                + (customer.length() + 1) + "; ids and codes are printable text, e.g. C-1001");

        api.put("/api/v1/invoices/" + customer + "-1", invoiceJson(customer, "EUR", "1.00", "2025-01-15", "2025-02-14"));
        api.assertProblem(api.post("/api/v1/invoices/" + customer + "-1/payment-failures",
                "{\"declineCode\": \"05\\u0007\"}"), 400, "invalid-request", "declineCode");
        api.assertProblem(api.post("/api/v1/invoices/" + customer + "-1/payments",
                "{\"amount\": \"1.00\", \"currency\": \"EUR\", \"reference\": \"p\\t1\"}"), 400, "invalid-request",
                "reference");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"id\": \"C-1\"", "\"id\": \"C-\\u000b1\"")), 400,
                "invalid-request", "customer.id");
        var separator = evaluate(DecisionApiIT.EXAMPLE.replace("\"id\": \"C-1\"", "\"id\": \"C-\\u20281\""));
        api.assertProblem(separator, 400, "invalid-request", "customer.id");
        assertThat(api.message(separator, "customer.id")).startsWith("holds a line break (U+2028) at character 3");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"failedAttempts\": 0",
                "\"failedAttempts\": 1, \"lastDeclineCode\": \"do_not_honor\\u0085\"")), 400, "invalid-request",
                "invoices[0].lastDeclineCode");
    }

    // --- No coercion between JSON types ---

    @Test
    void aBooleanIsOnlyTrueOrFalse() {
        for (String value : new String[] {"\"\"", "0", "1", "\"true\"", "\"false\"", "[]", "{}"}) {
            var put = api.put("/api/v1/customers/" + customer,
                    withField(customerJson("DE", "Europe/Berlin", "EUR"), "\"doNotContact\": " + value));
            api.assertProblem(put, 400, "invalid-request", "doNotContact");
            api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"doNotContact\": false",
                    "\"doNotContact\": " + value)), 400, "invalid-request", "customer.doNotContact");
        }
        var empty = evaluate(DecisionApiIT.EXAMPLE.replace("\"doNotContact\": false", "\"doNotContact\": \"\""));
        assertThat(api.message(empty, "customer.doNotContact")).isEqualTo("\"\" is not true or false");
        var zero = evaluate(DecisionApiIT.EXAMPLE.replace("\"doNotContact\": false", "\"doNotContact\": 0"));
        assertThat(api.message(zero, "customer.doNotContact")).isEqualTo("0 is not true or false");
        api.assertProblem(api.post("/api/v1/decisions", "{\"customerId\": \"" + customer + "\", \"dispatch\": 1}"),
                400, "invalid-request", "dispatch");
    }

    @Test
    void anInstantIsOnlyAnIsoString() {
        for (String value : new String[] {"1e309", "0", "1741757400", "\"0\"", "\"1741757400\"", "[]", "true",
                "\"2025-03-12T05:30:00\"", "\"2025-03-12\"", "\"\""}) {
            var decide = api.post("/api/v1/decisions", "{\"customerId\": \"" + customer + "\", \"asOf\": " + value
                    + "}");
            api.assertProblem(decide, 400, "invalid-request", "asOf");
            api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"2025-03-12T05:30:00Z\"", value)), 400,
                    "invalid-request", "asOf");
        }
        var number = evaluate(DecisionApiIT.EXAMPLE.replace("\"2025-03-12T05:30:00Z\"", "1e309"));
        assertThat(api.message(number, "asOf")).isEqualTo("expected an instant string such as "
                + "\"2025-03-12T05:30:00Z\", not a number");
        // An offset is ISO too, and the same instant.
        assertThat(evaluate(DecisionApiIT.EXAMPLE.replace("\"2025-03-12T05:30:00Z\"",
                "\"2025-03-12T06:30:00+01:00\"")).statusCode()).isEqualTo(200);
    }

    @Test
    void anInstantFinerThanTheDatabaseKeepsIsRefusedNotTruncated() {
        var nanos = api.post("/api/v1/decisions", "{\"customerId\": \"" + customer
                + "\", \"asOf\": \"2025-03-12T05:30:00.123456789Z\"}");
        api.assertProblem(nanos, 400, "invalid-request", "asOf");
        assertThat(api.message(nanos, "asOf")).startsWith("has more than 6 digits after the second");
        assertThat(api.post("/api/v1/decisions", "{\"customerId\": \"" + customer
                + "\", \"asOf\": \"2025-03-12T05:30:00.123456Z\"}").statusCode()).isEqualTo(200);
    }

    @Test
    void aDateIsOnlyAnIsoString() {
        var invoice = api.put("/api/v1/invoices/" + customer + "-1",
                invoiceJson(customer, "EUR", "1.00", "2025-01-15", "2025-02-14").replace("\"2025-01-15\"", "20250115"));
        api.assertProblem(invoice, 400, "invalid-request", "issueDate");
        assertThat(api.message(invoice, "issueDate")).isEqualTo("expected a date string such as \"2025-02-14\", not a "
                + "number");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"2025-03-05\"", "[2025, 3, 5]")), 400,
                "invalid-request", "invoices[0].dueDate");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"2025-03-05\"", "\"2025-03-05T00:00:00\"")), 400,
                "invalid-request", "invoices[0].dueDate");
    }

    @Test
    void anEmptyListIsNoOpenEnd() {
        var hold = api.post("/api/v1/customers/" + customer + "/holds",
                "{\"kind\": \"MANUAL\", \"from\": \"2025-03-01\", \"until\": []}");
        api.assertProblem(hold, 400, "invalid-request", "until");
        assertThat(api.message(hold, "until")).isEqualTo("expected a date string such as \"2025-02-14\", not a list");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"holds\": []",
                "\"holds\": [{\"kind\": \"MANUAL\", \"from\": \"2025-03-01\", \"until\": []}]")), 400,
                "invalid-request", "holds[0].until");
        assertThat(api.get("/api/v1/customers/" + customer + "/holds").body()).isEqualTo("[]");
    }

    @Test
    void aTimeZoneIsAnIanaRegionString() {
        for (String value : new String[] {"-1", "1.5", "true", "\"Not/AZone\"", "\"+01:00\"", "\"GMT+1\"", "[]"}) {
            api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")
                    .replace("\"Europe/Berlin\"", value)), 400, "invalid-request", "timeZone");
            api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"America/Los_Angeles\"", value)), 400,
                    "invalid-request", "customer.timeZone");
        }
        var number = api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")
                .replace("\"Europe/Berlin\"", "-1"));
        assertThat(api.message(number, "timeZone")).isEqualTo("-1 is not a text");
    }

    @Test
    void numbersAreNotTextAndTextIsNotAWholeNumber() {
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"riskScore\": 40", "\"riskScore\": \"40\"")), 400,
                "invalid-request", "customer.riskScore");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"2025-0001\"", "20250001")), 400,
                "invalid-request", "invoices[0].number");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"status\": \"OPEN\"", "\"status\": 0")), 400,
                "invalid-request", "invoices[0].status");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"amount\": \"120.00\"", "\"amount\": \"\"")), 400,
                "invalid-request", "invoices[0].amount");
        // Documented: an amount may be a string of digits, which keeps them exactly.
        assertThat(evaluate(DecisionApiIT.EXAMPLE.replace("\"amount\": \"120.00\"", "\"amount\": 120.00"))
                .statusCode()).isEqualTo(200);
    }

    @Test
    void objectsListsAndScalarsAreNotEachOther() {
        api.assertProblem(evaluate("{\"customer\": \"C-1\"}"), 400, "invalid-request", "customer");
        api.assertProblem(evaluate("{\"customer\": []}"), 400, "invalid-request", "customer");
        api.assertProblem(evaluate("{\"customer\": \"\"}"), 400, "invalid-request", "customer");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"contacts\": []", "\"contacts\": {}")), 400,
                "invalid-request", "contacts");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"contacts\": []", "\"contacts\": \"\"")), 400,
                "invalid-request", "contacts");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"holds\": []", "\"holds\": {\"kind\": \"MANUAL\", "
                + "\"from\": \"2025-03-01\"}")), 400, "invalid-request", "holds");
        api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")
                .replace("{\"EMAIL\": true, \"SMS\": false, \"PHONE\": true, \"LETTER\": true}", "[]")), 400,
                "invalid-request", "consents");
        api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")
                .replace("\"Ada Example\"", "[\"Ada Example\"]")), 400, "invalid-request", "name");
    }

    // --- Keys given twice ---

    @Test
    void aKeyGivenTwiceIsRefusedNamingIt() {
        var put = api.put("/api/v1/customers/" + customer, withField(customerJson("DE", "Europe/Berlin", "EUR"),
                "\"doNotContact\": true, \"doNotContact\": false"));
        api.assertProblem(put, 400, "invalid-request", "doNotContact");
        assertThat(api.message(put, "doNotContact")).isEqualTo("is given twice in one object; give each field once");

        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"doNotContact\": false",
                "\"doNotContact\": true, \"doNotContact\": false")), 400, "invalid-request", "customer.doNotContact");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"amount\": \"120.00\"",
                "\"amount\": \"1.00\", \"amount\": \"120.00\"")), 400, "invalid-request", "invoices[0].amount");
        api.assertProblem(evaluate(DecisionApiIT.EXAMPLE.replace("\"contacts\": [],", "\"contacts\": [], \"contacts\": "
                + "[],")), 400, "invalid-request", "contacts");
        api.assertProblem(api.post("/api/v1/decisions", "{\"customerId\": \"" + customer + "\", \"customerId\": \""
                + customer + "\"}"), 400, "invalid-request", "customerId");
        assertThat(api.get("/api/v1/customers/" + customer).body()).contains("\"doNotContact\":false");
    }

    /** A 400 problem+json given before any endpoint was chosen, so without a variable to name. */
    private static void refusedBeforeRouting(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.body()).contains("\"type\":\"https://dunning.dev/problems/invalid-request\"");
    }

    private HttpResponse<String> evaluate(String body) {
        return api.post("/api/v1/decisions/evaluate", body);
    }

    /** The object with one more field (or fields) at its start. */
    private static String withField(String object, String field) {
        int brace = object.indexOf('{');
        return object.substring(0, brace + 1) + field + ", " + object.substring(brace + 1);
    }
}
