package dev.dunning.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.demo.DemoFile.DemoCustomer;
import dev.dunning.demo.DemoFile.Expected;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The demo customers in a database of their own, switched on explicitly (a test database counts as the operator's
 * own server, where demo data is off by default): loaded once at start, never twice, and every customer gets the
 * decision its entry in src/main/resources/demo/customers.json states.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DemoDataIT {

    static TestDatabase.Connection db;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        db = TestDatabase.freshDatabase("demo_data");
        db.register(registry);
        registry.add("dunning.database.demo-data", () -> "true");
        // Nothing is sent here: a pass would write contact attempts and change the decisions the demo states.
        registry.add("dunning.dispatch.scheduled", () -> "false");
    }

    static final List<String> TABLES = List.of("customers", "invoices", "payments", "payment_failures",
            "contact_attempts", "holds");

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DemoData demoData;

    final HttpClient http = HttpClient.newHttpClient();
    final DemoFile file = DemoFile.shipped();

    @Test
    void loadsEveryDemoCustomerAndTheirHistoryAtStart() {
        assertThat(count("customers")).isEqualTo(file.customers().size());
        long invoices = file.customers().stream().mapToLong(c -> c.invoices().size()).sum();
        long failures = file.customers().stream().flatMap(c -> c.invoices().stream())
                .mapToLong(i -> i.failures().size()).sum();
        long contacts = file.customers().stream().mapToLong(c -> c.contacts().size()).sum();
        long holds = file.customers().stream().mapToLong(c -> c.holds().size()).sum();
        assertThat(count("invoices")).isEqualTo(invoices);
        assertThat(count("payment_failures")).isEqualTo(failures);
        assertThat(count("contact_attempts")).isEqualTo(contacts);
        assertThat(count("holds")).isEqualTo(holds);
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT currency) FROM invoices WHERE currency IN "
                + "('EUR', 'GBP', 'USD', 'CHF', 'JPY')").query(Long.class).single()).isEqualTo(5);
    }

    @Test
    void neverLoadsIntoADatabaseWithCustomers() {
        Map<String, Long> before = counts();

        assertThat(demoData.loadIfEmpty()).isFalse();

        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void aRestartOnTheSameDatabaseLoadsNothingMore() {
        Map<String, Long> before = counts();
        try (ConfigurableApplicationContext restarted = new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.NONE)
                .run("--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
                        "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                        "--dunning.database.demo-data=true")) {
            assertThat(restarted.getBean(DemoData.class)).isNotNull();
        }
        assertThat(counts()).isEqualTo(before);
    }

    @Test
    void everyDemoCustomerGetsTheDecisionItStates() throws Exception {
        List<String> failures = new ArrayList<>();
        for (DemoCustomer c : file.customers()) {
            Expected e = c.expect();
            JsonNode d = decide(c);
            List<String> wrong = new ArrayList<>();
            check(wrong, "action", e.action(), d.get("action"));
            check(wrong, "channel", e.channel(), d.get("channel"));
            check(wrong, "tone", e.tone(), d.get("tone"));
            check(wrong, "stage", e.stage(), d.get("stage"));
            if (e.policy() != null && !decidedBy(d, e.policy())) {
                wrong.add("no rule with policy " + e.policy() + " decided");
            }
            if (e.reason() != null && !d.get("reasons").toString().contains(e.reason())) {
                wrong.add("no reason contains \"" + e.reason() + "\"");
            }
            if (e.askAtLocalTime() != null && d.get("notBefore").isNull()) {
                wrong.add("asked in quiet hours but notBefore is empty");
            }
            if (!wrong.isEmpty()) {
                failures.add(c.id() + " (" + e.shows() + "): " + String.join(", ", wrong) + "\n    got action="
                        + d.get("action") + " channel=" + d.get("channel") + " tone=" + d.get("tone") + " stage="
                        + d.get("stage") + " reasons=" + d.get("reasons"));
            }
        }
        assertThat(failures).as("demo customers whose decision differs from the one they state").isEmpty();
    }

    /**
     * The demo customers carry contact details, so dispatching works on the embedded default as docs/dispatch.md shows:
     * every decision that writes to a customer (e-mail, SMS, letter) previews as a message to the detail in the file.
     */
    @Test
    void everyMessageToADemoCustomerHasSomewhereToGo() throws Exception {
        List<String> failures = new ArrayList<>();
        int messages = 0;
        for (DemoCustomer c : file.customers()) {
            String channel = String.valueOf(c.expect().channel());
            if (!List.of("EMAIL", "SMS", "LETTER").contains(channel) || c.expect().askAtLocalTime() != null) {
                continue;
            }
            JsonNode decided = send("POST", "/api/v1/decisions",
                    "{\"customerId\": \"" + c.id() + "\", \"dispatch\": true}");
            JsonNode entry = decided.get("dispatch");
            if (entry == null || entry.isNull()) {
                failures.add(c.id() + ": no outbox entry for " + decided.get("action") + " by " + channel);
                continue;
            }
            JsonNode preview = send("GET", "/api/v1/outbox/" + entry.get("decisionId").asString() + "/preview", null);
            messages++;
            if (!preview.get("problem").isNull()) {
                failures.add(c.id() + ": " + preview.get("problem").asString());
            } else if (channel.equals("EMAIL") && !preview.get("email").get("to").asString().equals(c.email())) {
                failures.add(c.id() + ": e-mail to " + preview.get("email").get("to") + ", not " + c.email());
            } else if (channel.equals("SMS") && !preview.get("webhookBody").asString().contains(c.mobile())) {
                failures.add(c.id() + ": SMS body without " + c.mobile());
            } else if (channel.equals("LETTER")
                    && !json.readTree(preview.get("webhookBody").asString()).get("postalAddress").asString()
                            .equals(c.postalAddress())) {
                failures.add(c.id() + ": letter body without the postal address of the file");
            }
        }
        assertThat(messages).isGreaterThanOrEqualTo(15);
        assertThat(failures).as("demo customers whose dispatched message could not be sent").isEmpty();
        // The example of docs/dispatch.md: DEMO-19's reminder by e-mail.
        JsonNode example = send("POST", "/api/v1/decisions", "{\"customerId\": \"DEMO-19\", \"dispatch\": true}");
        assertThat(example.get("dispatch").get("status").asString()).isEqualTo("PENDING");
        assertThat(example.get("dispatch").get("route").asString()).isEqualTo("EMAIL");
    }

    private JsonNode send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s %s: %s", method, path, response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private static void check(List<String> wrong, String field, Object expected, JsonNode actual) {
        if (expected == null) {
            return;
        }
        String got = actual == null || actual.isNull() ? null : actual.asString();
        if (!expected.toString().equals(got)) {
            wrong.add(field + " expected " + expected + " but got " + got);
        }
    }

    private static boolean decidedBy(JsonNode decision, String policy) {
        for (JsonNode entry : decision.get("trace")) {
            JsonNode metadata = entry.get("metadata");
            if (metadata != null && policy.equals(metadata.path("policy").asString(null))
                    && !entry.path("overridden").asBoolean(false)) {
                return true;
            }
        }
        return false;
    }

    private JsonNode decide(DemoCustomer c) throws Exception {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("customerId", c.id());
        if (c.expect().askAtLocalTime() != null) {
            ZoneId zone = ZoneId.of(c.timeZone());
            body.put("asOf", Instant.now().atZone(zone).toLocalDate()
                    .atTime(LocalTime.parse(c.expect().askAtLocalTime())).atZone(zone).toInstant().toString());
        }
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/decisions"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", c.id(), response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    private long count(String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    private Map<String, Long> counts() {
        Map<String, Long> counts = new LinkedHashMap<>();
        TABLES.forEach(t -> counts.put(t, count(t)));
        return counts;
    }
}
