package dev.dunning.effectiveness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.Sql;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Segment;
import io.micrometer.core.instrument.MeterRegistry;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * GET /api/v1/effectiveness/... on the running application: the figures equal a brute-force recount of a generated
 * history applied in many small incremental batches; CSV is neutralised; receivables and DSO against a worked
 * example; the timeline marks activations; repeated bouncers; bad parameters get a 400 naming the parameter; gauges.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {HistoryTest.QUIET, HistoryTest.NO_DISPATCH, "dunning.effectiveness.batch-size=7"})
class EffectivenessApiIT extends HistoryTest {

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("effectapi").register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    SummarySchedule schedule;
    @Autowired
    JsonMapper json;
    @Autowired
    MeterRegistry meters;
    @Autowired
    Clock clock;

    final HttpClient http = HttpClient.newHttpClient();

    HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    JsonNode json(String path) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json.readTree(response.body());
    }

    @Test
    void figuresEqualABruteForceRecountOfAGeneratedHistory() throws Exception {
        SplittableRandom rng = new SplittableRandom(19);
        Instant start = Instant.parse("2025-01-06T00:00:00Z");
        String[][] kinds = {{"REMINDER", "EMAIL"}, {"REMINDER", "SMS"}, {"FINAL_NOTICE", "LETTER"},
            {"PHONE_CALL", "PHONE"}, {"HOLD", "NONE"}, {"NO_ACTION", "NONE"}, {"MANUAL_REVIEW", "NONE"}};
        String[] outcomes = {"SENT", "DELIVERED", "OPENED", "REPLIED", "BOUNCED", "CONVERSATION"};
        List<Runnable> later = new ArrayList<>();
        for (int c = 0; c < 40; c++) {
            String currency = rng.nextInt(3) == 0 ? "USD" : "EUR";
            String customer = histories.customer("GEN", currency, Segment.values()[rng.nextInt(4)], "en");
            List<String> invoices = new ArrayList<>();
            Map<String, BigDecimal> left = new HashMap<>();
            for (int i = rng.nextInt(1, 4); i > 0; i--) {
                String amount = rng.nextInt(50, 900) + ".00";
                String invoice = histories.invoice(customer, currency, amount, LocalDate.parse("2024-12-20"));
                invoices.add(invoice);
                left.put(invoice, new BigDecimal(amount));
            }
            for (int d = rng.nextInt(1, 5); d > 0; d--) {
                Instant at = start.plusSeconds(rng.nextLong(40L * 86_400));
                String[] kind = kinds[rng.nextInt(kinds.length)];
                List<String> concerned = invoices.subList(0, rng.nextInt(1, invoices.size() + 1));
                if (kind[1].equals("NONE")) {
                    histories.decide(customer, at, kind[0], kind[1], null, null, concerned, "P-" + rng.nextInt(5));
                    continue;
                }
                String id = histories.contact(customer, at, kind[0], kind[1], rng.nextBoolean() ? "FRIENDLY" : "FIRM",
                        "t-" + rng.nextInt(3), concerned, "P-" + rng.nextInt(5));
                int fate = rng.nextInt(10);
                Instant sentAt = at.plusSeconds(rng.nextLong(2 * 86_400));
                String outcome = outcomes[rng.nextInt(outcomes.length)];
                Runnable send = fate < 8 ? () -> {
                    histories.send(id, sentAt);
                    if (!outcome.equals("SENT")) {
                        histories.outcome(id, outcome);
                    }
                } : fate == 8 ? () -> histories.die(id, sentAt) : () -> { };
                if (rng.nextBoolean()) {
                    later.add(send);
                } else {
                    send.run();
                }
            }
            for (String invoice : invoices) {
                for (int p = rng.nextInt(3); p > 0; p--) {
                    BigDecimal amount = left.get(invoice).divide(BigDecimal.valueOf(p + 1L), 2,
                            java.math.RoundingMode.DOWN);
                    if (amount.signum() <= 0) {
                        continue;
                    }
                    left.put(invoice, left.get(invoice).subtract(amount));
                    Instant paidAt = start.plusSeconds(rng.nextLong(50L * 86_400));
                    Runnable pay = () -> histories.pay(invoice, amount.toPlainString(), currency, paidAt);
                    if (rng.nextInt(3) == 0) {
                        later.add(pay);
                    } else {
                        pay.run();
                    }
                }
            }
            if (rng.nextInt(4) == 0) {
                summaries.catchUp();
            }
        }
        summaries.catchUp();
        later.forEach(Runnable::run); // sends and payments the summaries learn about after what came after them
        summaries.catchUp();

        Map<String, Recount.Expected> expected = Recount.byAction(jdbc, json, "GEN-", 14);
        JsonNode report = json("/api/v1/effectiveness/figures?from=2025-01-01&to=2025-03-31&by=action");
        assertThat(Recount.describe(report.get("total"))).isEqualTo(Recount.describe(expected.get("TOTAL")));
        Map<String, String> actual = new HashMap<>();
        report.get("rows").forEach(r -> actual.put(r.get("key").asString(), Recount.describe(r)));
        Map<String, String> wanted = new HashMap<>();
        expected.forEach((k, e) -> {
            if (!k.equals("TOTAL")) {
                wanted.put(k, Recount.describe(e));
            }
        });
        assertThat(actual).isEqualTo(wanted);
        assertThat(expected.get("TOTAL").paid).as("the generated history has payments to attribute").isPositive();
        assertThat(report.get("freshness").get("changesWaiting").asLong()).isZero();
        assertThat(report.get("freshness").get("decisionsWaiting").asLong()).isZero();
    }

    @Test
    void csvIsNeutralisedAgainstFormulasAndCutByTemplate() throws Exception {
        Instant at = Instant.parse("2023-03-07T10:00:00Z");
        String customer = histories.customer("CSV", "EUR", Segment.CONSUMER, "de");
        String invoice = histories.invoice(customer, "EUR", "10.00", LocalDate.parse("2023-02-20"));
        String id = histories.contact(customer, at, "REMINDER", "EMAIL", "FRIENDLY", "=HYPERLINK(\"http://x\",\"y\")",
                List.of(invoice));
        histories.send(id, at);
        summaries.catchUp();

        HttpResponse<String> csv = get("/api/v1/effectiveness/figures?from=2023-03-07&to=2023-03-07&by=template"
                + "&format=csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith(
                "text/csv"));
        String[] lines = csv.body().split("\r\n");
        assertThat(lines[0]).startsWith("key,decisions,contacts,sent,delivered");
        assertThat(lines[1]).startsWith("TOTAL,1,1,1,");
        assertThat(lines[2]).startsWith("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,1,1,");
    }

    @Test
    void receivablesAreAgedPerCurrencyWithDsoByCountback() throws Exception {
        String customer = histories.customer("REC", "CHF", Segment.SMALL_BUSINESS, "de");
        // Invoices are issued 30 days before they are due (TestData).
        histories.invoice(customer, "CHF", "1000.00", LocalDate.parse("2025-07-15")); // issued 06-15: not due
        String late = histories.invoice(customer, "CHF", "2000.00", LocalDate.parse("2025-06-10")); // 20 days late
        histories.invoice(customer, "CHF", "300.00", LocalDate.parse("2025-05-10")); // 51 days late
        histories.invoice(customer, "CHF", "100.00", LocalDate.parse("2025-02-01")); // 149 days late: at risk
        histories.pay(late, "1500.00", "CHF", Instant.parse("2025-06-20T10:00:00Z"));

        JsonNode report = json("/api/v1/effectiveness/receivables?asOf=2025-06-30&currency=chf");
        JsonNode chf = report.get("currencies").get(0);
        assertThat(chf.get("currency").asString()).isEqualTo("CHF");
        List<String> buckets = new ArrayList<>();
        chf.get("buckets").forEach(b -> buckets.add(b.get("name").asString() + "="
                + b.get("amount").decimalValue().stripTrailingZeros().toPlainString()));
        assertThat(buckets).containsExactly("not due=1000", "1-30=500", "31-60=300", "61-90=0", "over 90=100");
        assertThat(chf.get("open").decimalValue()).isEqualByComparingTo("1900.00");
        assertThat(chf.get("atRisk").decimalValue()).isEqualByComparingTo("100.00");
        // 1900 open: the last 30 days invoiced 1000 (30 days); the 30 before invoiced 2000, of which 900 is left:
        // 900 / 2000 x 30 = 13.5 days more.
        assertThat(chf.get("dso").asDouble()).isEqualTo(43.5);
    }

    @Test
    void theTimelineMarksActivationsAndRepeatedBouncersAreListed() throws Exception {
        Instant monday = Instant.parse("2022-05-02T08:00:00Z");
        String customer = histories.customer("BNC", "EUR", Segment.CONSUMER, "de");
        String invoice = histories.invoice(customer, "EUR", "10.00", LocalDate.parse("2022-04-20"));
        for (int i = 0; i < 3; i++) {
            Instant at = monday.plus(Duration.ofDays(7L * i));
            String id = histories.contact(customer, at, "REMINDER", "EMAIL", "FRIENDLY", "r", List.of(invoice));
            histories.send(id, at);
            histories.outcome(id, i < 2 ? "BOUNCED" : "DELIVERED");
        }
        jdbc.sql("INSERT INTO rule_set_versions (version, status, origin, author, created_at) VALUES (?, 'RETIRED', "
                + "'upload', 'test', ?)").params("b".repeat(64), Sql.utc(monday)).update();
        jdbc.sql("INSERT INTO rule_set_events (version, at, principal, event) VALUES (?, ?, 'carol', 'ACTIVATED')")
                .params("b".repeat(64), Sql.utc(monday.plus(Duration.ofDays(8)))).update();
        summaries.catchUp();

        JsonNode timeline = json("/api/v1/effectiveness/timeline?from=2022-05-01&to=2022-05-31&interval=week");
        List<String> weeks = new ArrayList<>();
        timeline.get("periods").forEach(p -> weeks.add(p.get("start").asString() + ":"
                + p.get("figures").get("bounced").asLong()));
        assertThat(weeks).containsExactly("2022-05-02:1", "2022-05-09:1", "2022-05-16:0");
        assertThat(timeline.get("activations").get(0).get("by").asString()).isEqualTo("carol");
        JsonNode monthly = json("/api/v1/effectiveness/timeline?from=2022-05-01&to=2022-05-31&interval=month");
        assertThat(monthly.get("periods").get(0).get("figures").get("sent").asLong()).isEqualTo(3);

        JsonNode deliverability = json("/api/v1/effectiveness/deliverability?from=2022-05-01&to=2022-05-31");
        assertThat(deliverability.get("repeatedBouncers").get(0).get("customerId").asString()).isEqualTo(customer);
        assertThat(deliverability.get("repeatedBouncers").get(0).get("bounces").asLong()).isEqualTo(2);
        assertThat(deliverability.get("byChannel").get(0).get("bounceRate").asDouble()).isEqualTo(0.6667);
    }

    @Test
    void badParametersAreRefusedNamingTheParameter() throws Exception {
        assertBadRequest("/api/v1/effectiveness/figures?by=colour", "by", "is not a cut of the figures");
        assertBadRequest("/api/v1/effectiveness/figures?from=2025-13-01", "from", "is not a date");
        assertBadRequest("/api/v1/effectiveness/figures?from=2025-02-01&to=2025-01-01", "from", "is after");
        assertBadRequest("/api/v1/effectiveness/figures?currency=EURO", "currency", "is not a currency code");
        assertBadRequest("/api/v1/effectiveness/figures?segment=PIRATES", "segment", "is not a segment");
        assertBadRequest("/api/v1/effectiveness/figures?ruleSetVersion=latest", "ruleSetVersion",
                "is not a rule-set version");
        assertBadRequest("/api/v1/effectiveness/figures?format=xlsx", "format", "is not a format");
        assertBadRequest("/api/v1/effectiveness/timeline?interval=fortnight", "interval", "is not an interval");
        assertBadRequest("/api/v1/effectiveness/receivables?asOf=yesterday", "asOf", "is not a date");
    }

    private void assertBadRequest(String path, String field, String message) throws Exception {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json.readTree(response.body()).get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo(field);
        assertThat(error.get("message").asString()).contains(message);
    }

    @Test
    void theHeadlineGaugesFollowTheSummaries() throws Exception {
        Instant now = clock.instant();
        String customer = histories.customer("GAU", "EUR", Segment.CONSUMER, "de");
        String invoice = histories.invoice(customer, "EUR", "10.00", LocalDate.parse("2020-01-01"));
        String id = histories.contact(customer, now, "REMINDER", "EMAIL", "FRIENDLY", "r", List.of(invoice));
        histories.send(id, now);
        histories.outcome(id, "BOUNCED");
        schedule.refresh();

        assertThat(meters.get(SummarySchedule.GAUGE).tag("rate", "bounce").gauge().value()).isEqualTo(1.0);
        assertThat(meters.get(SummarySchedule.GAUGE).tag("rate", "delivery").gauge().value()).isEqualTo(0.0);
    }
}
