package dev.dunning.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Every endpoint that changes something, fed with what a broken or hostile client sends: malformed JSON, wrong types,
 * missing and extra fields, huge strings and numbers, invalid dates, unknown codes, impossible ids. Each answer must be
 * a 4xx problem+json, never a 5xx, and the database must be exactly as before. Endpoints found by walking the request
 * mappings get the body-level cases whoever wrote them; the known ones also get every field spoilt one at a time.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RobustnessIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("robust");
        registry.add("dunning.test.own-database", () -> "true");
        registry.add("spring.datasource.url", db::url);
        registry.add("spring.datasource.username", db::user);
        registry.add("spring.datasource.password", db::password);
        registry.add("dunning.database.demo-data", () -> "false");
    }

    @LocalServerPort
    int port;
    @Autowired
    JsonMapper json;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    final HttpClient http = HttpClient.newHttpClient();
    final List<String> failures = new ArrayList<>();
    String checksum;

    /** What a field holds, so that the test knows what is wrong for it. */
    enum Kind { TEXT, INT, DECIMAL, DATE, INSTANT, CODE, BOOL, OBJECT, LIST }

    /** A valid request of a known endpoint, its fields' kinds and which of them are required. */
    record Template(String method, String path, String body, Map<String, Kind> fields, Set<String> required) {}

    static final String LONG_ID = "x".repeat(300);

    static final List<Template> TEMPLATES = List.of(
            new Template("PUT", "/api/v1/customers/R-NEW", """
                    {"name": "Ada", "segment": "CONSUMER", "country": "DE", "language": "de",
                     "timeZone": "Europe/Berlin", "currency": "EUR", "riskScore": 30, "tenureMonths": 12,
                     "consents": {"EMAIL": true}, "doNotContact": false, "vulnerable": false,
                     "thirdPartyCollection": false}""",
                    fields("name", Kind.TEXT, "segment", Kind.CODE, "country", Kind.TEXT, "language", Kind.TEXT,
                            "timeZone", Kind.TEXT, "currency", Kind.TEXT, "riskScore", Kind.INT,
                            "tenureMonths", Kind.INT, "consents", Kind.OBJECT, "doNotContact", Kind.BOOL,
                            "vulnerable", Kind.BOOL, "thirdPartyCollection", Kind.BOOL),
                    Set.of("segment", "country", "timeZone")),
            new Template("PUT", "/api/v1/invoices/R-INV-NEW", """
                    {"customerId": "R-1", "number": "1", "currency": "EUR", "amount": "10.00",
                     "issueDate": "2025-01-01", "dueDate": "2025-02-01", "status": "OPEN", "paymentMethod": "CARD"}""",
                    fields("customerId", Kind.TEXT, "number", Kind.TEXT, "currency", Kind.TEXT,
                            "amount", Kind.DECIMAL, "issueDate", Kind.DATE, "dueDate", Kind.DATE, "status", Kind.CODE,
                            "paymentMethod", Kind.TEXT),
                    Set.of("customerId", "currency", "amount", "issueDate", "dueDate")),
            new Template("POST", "/api/v1/invoices/R-INV-1/payments", """
                    {"amount": "5.00", "currency": "EUR", "paidAt": "2025-03-01T10:00:00Z", "reference": "p1"}""",
                    fields("amount", Kind.DECIMAL, "currency", Kind.TEXT, "paidAt", Kind.INSTANT,
                            "reference", Kind.TEXT),
                    Set.of("amount", "currency")),
            new Template("POST", "/api/v1/invoices/R-INV-1/payment-failures", """
                    {"declineCode": "expired_card", "failedAt": "2025-03-01T10:00:00Z", "amount": "5.00",
                     "reference": "f1"}""",
                    fields("declineCode", Kind.TEXT, "failedAt", Kind.INSTANT, "amount", Kind.DECIMAL,
                            "reference", Kind.TEXT),
                    Set.of("declineCode")),
            new Template("POST", "/api/v1/customers/R-1/holds", """
                    {"kind": "DISPUTE", "invoiceId": "R-INV-1", "from": "2025-03-01", "until": "2025-03-30",
                     "reason": "disputed"}""",
                    fields("kind", Kind.CODE, "invoiceId", Kind.TEXT, "from", Kind.DATE, "until", Kind.DATE,
                            "reason", Kind.TEXT),
                    Set.of("kind", "from")),
            new Template("POST", "/api/v1/customers/R-1/contacts", """
                    {"at": "2025-03-01T10:00:00Z", "channel": "EMAIL", "action": "REMINDER", "stage": 1,
                     "outcome": "SENT", "reference": "c1"}""",
                    fields("at", Kind.INSTANT, "channel", Kind.CODE, "action", Kind.CODE, "stage", Kind.INT,
                            "outcome", Kind.CODE, "reference", Kind.TEXT),
                    Set.of("at", "channel", "outcome")),
            new Template("POST", "/api/v1/decisions", """
                    {"customerId": "R-1", "asOf": "2025-03-12T10:00:00Z"}""",
                    fields("customerId", Kind.TEXT, "asOf", Kind.INSTANT), Set.of("customerId")),
            new Template("POST", "/api/v1/decisions/evaluate", """
                    {"asOf": "2025-03-12T18:00:00Z",
                     "customer": {"id": "E-1", "segment": "CONSUMER", "country": "US", "timeZone": "America/New_York",
                                  "currency": "USD", "consents": {"EMAIL": true}},
                     "invoices": [{"id": "E-I-1", "number": "1", "currency": "USD", "amount": "100.00",
                                   "amountPaid": "0.00", "issueDate": "2025-01-01", "dueDate": "2025-02-01",
                                   "status": "OPEN"}],
                     "contacts": [], "holds": []}""",
                    fields("asOf", Kind.INSTANT, "customer", Kind.OBJECT, "invoices", Kind.LIST,
                            "contacts", Kind.LIST, "holds", Kind.LIST),
                    Set.of("customer")),
            new Template("POST", "/api/v1/api-keys", """
                    {"name": "robot", "roles": ["AUDITOR"]}""",
                    fields("name", Kind.TEXT, "roles", Kind.LIST), Set.of("name", "roles")));

    @Test
    void everyWriteEndpointAnswersBadInputWithA4xxProblemAndChangesNothing() {
        seed();
        checksum = checksum();

        List<String> covered = new ArrayList<>();
        for (var entry : mappings.getHandlerMethods().entrySet()) {
            RequestMappingInfo info = entry.getKey();
            HandlerMethod handler = entry.getValue();
            for (RequestMethod method : info.getMethodsCondition().getMethods()) {
                if (method == RequestMethod.GET || method == RequestMethod.HEAD || method == RequestMethod.OPTIONS) {
                    continue;
                }
                for (String pattern : info.getPathPatternsCondition().getPatternValues()) {
                    covered.add(method + " " + pattern);
                    spoilPathVariables(method.name(), pattern, handler);
                    boolean takesJson = info.getConsumesCondition().getConsumableMediaTypes().stream()
                            .anyMatch(t -> t.getSubtype().contains("json"))
                            && java.util.Arrays.stream(handler.getMethodParameters())
                                    .anyMatch(p -> p.hasParameterAnnotation(RequestBody.class));
                    if (takesJson) {
                        String path = pattern.replaceAll("\\{[^}]+}", "1");
                        malformedBodies().forEach((what, body) -> expectRejected(method.name(), path, body, what));
                    }
                }
            }
        }
        for (Template t : TEMPLATES) {
            spoilFields(t);
        }
        assertThat(covered).as("the walk found the write endpoints").contains("PUT /api/v1/customers/{id}",
                "POST /api/v1/decisions/evaluate", "DELETE /api/v1/customers/{id}/holds/{holdId}");
        assertThat(failures).as("requests not answered with a 4xx problem, or that changed the database").isEmpty();
    }

    /** Bodies that no JSON endpoint can take. */
    private static Map<String, String> malformedBodies() {
        Map<String, String> bodies = new LinkedHashMap<>();
        bodies.put("truncated JSON", "{\"a\": ");
        bodies.put("not JSON", "this is not json");
        bodies.put("unbalanced", "{\"a\": [1, 2}");
        bodies.put("a number instead of an object", "42");
        bodies.put("a string instead of an object", "\"text\"");
        bodies.put("an empty body", "");
        bodies.put("a body over the size limit", "{\"a\": \"" + "x".repeat(1_100_000) + "\"}");
        bodies.put("deeply nested", "[".repeat(5000) + "]".repeat(5000));
        return bodies;
    }

    /** Numbers where ids are numeric, absurd ids where they are text; with a valid body where there is a template. */
    private void spoilPathVariables(String method, String pattern, HandlerMethod handler) {
        if (!pattern.contains("{")) {
            return;
        }
        String body = TEMPLATES.stream().filter(t -> t.method().equals(method)
                        && t.path().matches(pattern.replaceAll("\\{[^}]+}", "[^/]+")))
                .map(Template::body).findFirst().orElse(null);
        boolean numeric = java.util.Arrays.stream(handler.getMethodParameters())
                .anyMatch(p -> p.getParameterType() == long.class || p.getParameterType() == int.class);
        List<String> values = new ArrayList<>(List.of(LONG_ID, "%00", "..%2F..%2Fetc"));
        if (numeric) {
            values.addAll(List.of("abc", "99999999999999999999999", "-1", "1.5"));
        }
        for (String value : values) {
            String path = pattern.replaceAll("\\{[^}]+}", java.util.regex.Matcher.quoteReplacement(value));
            expectRejected(method, path, body, "path variables " + value.substring(0, Math.min(20, value.length())));
        }
    }

    private void spoilFields(Template t) {
        ObjectNode valid = (ObjectNode) json.readTree(t.body());
        malformedBodies().forEach((what, body) -> expectRejected(t.method(), t.path(), body, what));
        expectRejected(t.method(), t.path(), "{}", "no fields");
        expectRejected(t.method(), t.path(), "{\"unexpectedField\": 1}", "only an unknown field");
        for (String field : t.required()) {
            ObjectNode body = valid.deepCopy();
            body.remove(field);
            body.put("unexpectedField", "extra fields do not make up for a missing one");
            expectRejected(t.method(), t.path(), body.toString(), "without " + field);
            ObjectNode nulled = valid.deepCopy();
            nulled.putNull(field);
            expectRejected(t.method(), t.path(), nulled.toString(), field + " null");
        }
        t.fields().forEach((field, kind) -> {
            for (Map.Entry<String, Object> bad : wrongValues(kind).entrySet()) {
                ObjectNode body = valid.deepCopy();
                body.set(field, json.valueToTree(bad.getValue()));
                expectRejected(t.method(), t.path(), body.toString(), field + " " + bad.getKey());
            }
        });
        if (t.path().endsWith("/evaluate")) {
            nested(t, valid);
        }
    }

    /** Values that are wrong for a field of this kind, by what is wrong with them. */
    private static Map<String, Object> wrongValues(Kind kind) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("as an object", Map.of("a", 1));
        switch (kind) {
            case TEXT -> values.put("huge", "x".repeat(100_000));
            case INT -> {
                values.put("as text", "many");
                values.put("huge", new java.math.BigInteger("9".repeat(40)));
                values.put("negative", -1);
                values.put("a float beyond double", new java.math.BigDecimal("1e400"));
            }
            case DECIMAL -> {
                values.put("as text", "ten euros");
                values.put("huge", "9".repeat(60) + ".00");
                values.put("an exponent", "1e999999999");
                values.put("negative", "-1.00");
                values.put("too many decimals", "1.123456789");
            }
            case DATE -> {
                values.put("an impossible day", "2025-02-30");
                values.put("a month 13", "2025-13-01");
                values.put("as words", "yesterday");
                values.put("as a number", 20250101);
            }
            case INSTANT -> {
                values.put("an impossible day", "2025-02-30T10:00:00Z");
                values.put("without zone", "2025-03-01 10:00");
                values.put("as words", "now");
            }
            case CODE -> {
                values.put("unknown", "SOMETHING_ELSE");
                values.put("huge", "X".repeat(100_000));
            }
            case BOOL -> values.put("as a word", "maybe");
            case OBJECT -> {
                values.put("as text", "text");
                values.put("as a list", List.of(1, 2));
            }
            case LIST -> {
                values.put("as text", "text");
                values.put("of numbers", List.of(1, 2));
            }
        }
        if (kind == Kind.OBJECT || kind == Kind.LIST) {
            values.remove("as an object");
        }
        return values;
    }

    /** The inline facts of an evaluation, spoilt inside. */
    private void nested(Template t, ObjectNode valid) {
        Map<String, String[]> spoilt = new LinkedHashMap<>();
        spoilt.put("customer segment unknown", new String[] {"/customer", "segment", "\"ROBOT\""});
        spoilt.put("customer id huge", new String[] {"/customer", "id", "\"" + "c".repeat(100_000) + "\""});
        spoilt.put("customer consents for an unknown channel", new String[] {"/customer", "consents",
            "{\"PIGEON\": true}"});
        spoilt.put("customer risk score huge", new String[] {"/customer", "riskScore", "1" + "0".repeat(30)});
        spoilt.put("invoice amount text", new String[] {"/invoices/0", "amount", "\"lots\""});
        spoilt.put("invoice due date impossible", new String[] {"/invoices/0", "dueDate", "\"2025-02-30\""});
        spoilt.put("invoice status unknown", new String[] {"/invoices/0", "status", "\"LOST\""});
        spoilt.put("invoice currency unknown", new String[] {"/invoices/0", "currency", "\"XXY\""});
        for (var e : spoilt.entrySet()) {
            ObjectNode body = valid.deepCopy();
            ((ObjectNode) body.at(e.getValue()[0])).set(e.getValue()[1], json.readTree(e.getValue()[2]));
            expectRejected(t.method(), t.path(), body.toString(), e.getKey());
        }
    }

    private void expectRejected(String method, String path, String body, String what) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            failures.add(method + " " + path + " (" + what + "): no answer: " + e);
            return;
        }
        String where = method + " " + shorten(path) + " (" + what + "): ";
        int status = response.statusCode();
        if (status < 400 || status >= 500) {
            failures.add(where + status + " " + shorten(response.body()));
        } else if (!response.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")) {
            failures.add(where + status + " without problem+json: " + shorten(response.body()));
        } else {
            JsonNode problem = json.readTree(response.body());
            if (!problem.hasNonNull("type") || !problem.hasNonNull("title") || !problem.hasNonNull("detail")
                    || !problem.hasNonNull("traceId")) {
                failures.add(where + "problem without type, title, detail or traceId: " + shorten(response.body()));
            }
            String text = response.body().toLowerCase();
            if (text.contains("exception") || text.contains("sql") || text.contains("\tat ")) {
                failures.add(where + "the problem shows internals: " + shorten(response.body()));
            }
        }
        String now = checksum();
        if (!now.equals(checksum)) {
            failures.add(where + "changed the database");
            checksum = now;
        }
    }

    private static String shorten(String s) {
        return s.length() > 300 ? s.substring(0, 300) + "..." : s;
    }

    private void seed() {
        send("PUT", "/api/v1/customers/R-1", """
                {"segment": "CONSUMER", "country": "DE", "timeZone": "Europe/Berlin", "currency": "EUR"}""");
        send("PUT", "/api/v1/invoices/R-INV-1", """
                {"customerId": "R-1", "currency": "EUR", "amount": "10.00", "issueDate": "2025-01-01",
                 "dueDate": "2025-02-01"}""");
        send("POST", "/api/v1/customers/R-1/holds", """
                {"kind": "PROMISE_TO_PAY", "from": "2025-03-01", "until": "2025-03-30"}""");
    }

    private void send(String method, String path, String body) {
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isBetween(200, 201);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Every table's checksum except the migration history and the API keys, whose last-used time the test's own key
     * moves (at most once a minute).
     */
    private String checksum() {
        List<String> tables = jdbc.sql("SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE() "
                        + "AND table_type = 'BASE TABLE' AND table_name NOT IN ('flyway_schema_history', 'api_keys') "
                        + "ORDER BY table_name").query(String.class).list();
        return jdbc.sql("CHECKSUM TABLE " + String.join(", ", tables))
                .query((rs, n) -> rs.getString(1) + "=" + rs.getString(2)).list().stream()
                .collect(Collectors.joining(";"));
    }

    private static Map<String, Kind> fields(Object... pairs) {
        Map<String, Kind> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Kind) pairs[i + 1]);
        }
        return map;
    }
}
