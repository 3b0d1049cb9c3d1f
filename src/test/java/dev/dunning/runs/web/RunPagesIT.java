package dev.dunning.runs.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.TraceEntry;
import dev.dunning.demo.Generator;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.runs.GeneratedCustomers;
import dev.dunning.runs.RunStatus;
import dev.dunning.runs.Runs;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.web.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The runs pages in a real browser, on a database of their own with generated customers: a credit controller starts
 * a dry run, watches its progress (held at the first chunk until the test lets it go, so the page is seen running)
 * reach 100 % without reloading, and reads its report, whose counts per action, channel and rule equal those of an
 * independent evaluation of every customer; bad input gets the API's sentences beside its field and starts nothing;
 * an auditor is refused.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.runs.chunk-size=10", "dunning.runs.partitions=1"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@DirtiesContext // a database of its own: see RunIT
class RunPagesIT {

    static final String PASSWORD = "correct horse battery staple";
    /** Fixed names: they show in the screenshots. */
    static final String CONTROLLER = "carla";
    static final String AUDITOR = "alex";
    static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    static final Instant AS_OF = DAY.atStartOfDay(ZoneOffset.UTC).toInstant();
    static TestDatabase.Connection db;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        db = TestDatabase.freshDatabase("runpages");
        db.register(registry);
    }

    /** Holds a run at its first chunk while armed, so that the page can be seen before the run is done. */
    static final class Gate implements ItemWriteListener<String> {
        final AtomicReference<CountDownLatch> latch = new AtomicReference<>();

        @Override
        public void beforeWrite(Chunk<? extends String> items) {
            CountDownLatch held = latch.get();
            if (held != null) {
                try {
                    held.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    static final Gate GATE = new Gate();

    @TestConfiguration
    static class Hooks {
        @Bean
        ItemWriteListener<String> runGate() {
            return GATE;
        }
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    Runs runs;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    CustomerFacts customerFacts;
    @Autowired
    DecisionEngine engine;
    @Autowired
    ActiveRuleSet activeRuleSet;
    @Autowired
    DeclineCodes declineCodes;
    @Autowired
    JsonMapper json;

    Browser browser;
    /** Counts of an evaluation of every selected customer one by one, without the run: dimension -> value -> n. */
    Map<String, Map<String, Long>> expected;

    @BeforeAll
    void customersPeopleAndAnIndependentCount() throws Exception {
        GeneratedCustomers.generate(db, declineCodes, new Generator.Options(60, 11, DAY, "P-"));
        users.create(CONTROLLER, EnumSet.of(Role.CREDIT_CONTROLLER), PASSWORD, "test");
        users.create(AUDITOR, EnumSet.of(Role.AUDITOR), PASSWORD, "test");
        expected = new TreeMap<>();
        GeneratedCustomers.decidedOneByOne(jdbc, customerFacts, engine, activeRuleSet, AS_OF,
                i -> !i.dueDate().isAfter(DAY) && i.status().name().matches("OPEN|PARTIALLY_PAID|DISPUTED"))
                .values().forEach(d -> {
                    add("actions", d.getAction());
                    add("channels", d.getChannel());
                    d.getTrace().stream().filter(t -> !t.overridden()).map(TraceEntry::rule).distinct()
                            .forEach(rule -> add("rules", rule));
                });
        assertThat(expected.get("actions")).as("more than one kind of action to count").hasSizeGreaterThan(1);
        assertThat(expected.get("rules")).as("rules that shaped the decisions").hasSizeGreaterThan(1);
    }

    private void add(String dimension, String value) {
        expected.computeIfAbsent(dimension, k -> new TreeMap<>()).merge(value, 1L, Long::sum);
    }

    @BeforeEach
    void openBrowser() {
        browser = Browser.on(port);
    }

    @AfterEach
    void letRunsGo() {
        CountDownLatch held = GATE.latch.getAndSet(null);
        if (held != null) {
            held.countDown();
        }
    }

    @Test
    void aCreditControllerStartsARunWatchesItReach100PercentAndReadsItsReport() {
        CountDownLatch held = new CountDownLatch(1);
        GATE.latch.set(held);
        browser.signIn(CONTROLLER, PASSWORD);
        browser.visit("/console/runs");
        assertThat(browser.text("h1")).isEqualTo("Runs");
        browser.field("asOf").sendKeys(DAY.toString());
        browser.driver().findElement(By.cssSelector("form.start-run button[type=submit]")).click();
        browser.waitUntil(d -> d.getCurrentUrl().matches(".*/console/runs/\\d+$"));
        browser.checked();
        long id = Long.parseLong(browser.path().substring("/console/runs/".length()));

        assertThat(Integer.parseInt(browser.attribute("#run-progress", "aria-valuenow"))).as("held at its first chunk")
                .isLessThan(100);
        assertThat(browser.text(".run-status")).isIn("running", "starting");
        assertThat(browser.attribute("#progress", "hx-trigger")).isEqualTo("every 1s");
        browser.driver().executeScript("window.sameDocument = true;");

        held.countDown();
        browser.waitUntil(d -> "100".equals(d.findElement(By.id("run-progress")).getAttribute("aria-valuenow"))
                && d.findElement(By.cssSelector(".run-status")).getText().equals("completed"));
        assertThat(browser.driver().executeScript("return window.sameDocument === true;"))
                .as("the progress came in by htmx, the page was not reloaded").isEqualTo(true);
        assertThat(browser.attribute("#progress", "hx-trigger")).as("a finished run is no longer polled").isNull();
        browser.checked();

        RunStatus run = runs.status(id).orElseThrow();
        assertThat(run.startedBy()).as("recorded with the person's name, as the API records a key's")
                .isEqualTo(CONTROLLER);
        assertThat(run.mode()).isEqualTo("dry-run");
        assertThat(browser.text(".progress-text")).contains("(100 %)");
        assertThat(table("actions")).isEqualTo(expected.get("actions"));
        assertThat(table("channels")).isEqualTo(expected.get("channels"));
        assertThat(table("rules")).isEqualTo(expected.get("rules"));
        assertThat(run.summary().rules()).as("the API's status has the same counts per rule")
                .isEqualTo(expected.get("rules"));
        assertThat(browser.driver().executeScript(
                "return Chart.getChart(document.getElementById('actions-chart')).data.datasets[0].data;"))
                .as("the chart draws the table's counts").isEqualTo(List.copyOf(table("actions").values()));
        browser.driver().executeScript("document.getElementById('progress').scrollIntoView();");
        browser.screenshot("run-report");

        browser.visit("/console/runs");
        WebElement row = browser.driver().findElement(By.cssSelector("table.runs tbody tr"));
        assertThat(row.getText()).contains("Run " + id).contains("completed").contains(CONTROLLER);
        browser.screenshot("runs");

        // A finished run offers neither stop nor restart; asked for anyway, the console refuses as the API does.
        browser.visit("/console/runs/" + id);
        assertThat(browser.driver().findElements(By.cssSelector("form.stop, form.restart"))).isEmpty();
        post("/console/runs/" + id + "/restart");
        assertThat(browser.text(".problem .detail")).isEqualTo("Run " + id + " is complete; start a new run instead");
        browser.visit("/console/runs/" + id);
        post("/console/runs/" + id + "/stop");
        assertThat(browser.text(".problem .detail")).isEqualTo(RunController.notRunningHere(id));
        assertThat(runs.status(id).orElseThrow().executions()).isEqualTo(1);
    }

    /** Sends a form with the session's CSRF token, as a hand-made request from the page would, and waits for the answer. */
    private void post(String path) {
        String before = browser.driver().getCurrentUrl();
        browser.driver().executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = arguments[0];
                const input = document.createElement('input');
                input.name = '_csrf';
                input.value = arguments[1];
                form.appendChild(input);
                document.body.appendChild(form);
                form.submit();""", path, csrfToken());
        browser.waitUntil(d -> !d.getCurrentUrl().equals(before)
                || !d.findElements(By.cssSelector(".problem")).isEmpty());
        browser.checked();
    }

    @Test
    void badInputGetsTheApisSentenceBesideItsFieldAndStartsNothing() throws Exception {
        browser.signIn(CONTROLLER, PASSWORD);
        int before = runs.list(200).size();

        browser.visit("/console/runs");
        browser.field("asOf").sendKeys("2026-02-30T08:00:00Z");
        browser.field("country").sendKeys("XX");
        browser.driver().findElement(By.cssSelector("form.start-run button[type=submit]")).click();
        browser.waitUntil(d -> !d.findElements(By.id("asOf-problem")).isEmpty());
        browser.checked();
        assertThat("asOf: " + browser.text("#asOf-problem")).as("the API's sentence for the same time")
                .isEqualTo(apiDetail("{\"asOf\": \"2026-02-30T08:00:00Z\", \"mode\": \"dry-run\"}"))
                .isEqualTo("asOf: \"2026-02-30T08:00:00Z\" is not an instant such as 2025-03-12T05:30:00Z");
        String api = apiDetail("{\"asOf\": \"2026-03-02T00:00:00Z\", \"mode\": \"dry-run\", \"country\": \"XX\"}");
        assertThat("country: " + browser.text("#country-problem")).isEqualTo(api);
        assertThat(browser.field("country").getAttribute("value")).as("what was typed stays").isEqualTo("XX");

        browser.field("asOf").clear();
        browser.field("asOf").sendKeys("2026-02-30");
        browser.field("country").clear();
        browser.driver().findElement(By.cssSelector("form.start-run button[type=submit]")).click();
        browser.waitUntil(d -> d.findElement(By.id("asOf-problem")).getText().startsWith("\"2026-02-30\""));
        assertThat(browser.text("#asOf-problem")).as("a day that is none").isEqualTo(
                "\"2026-02-30\" is not a day such as 2026-11-23 (00:00 UTC) or an instant such as 2025-03-12T05:30:00Z");

        browser.field("asOf").clear();
        browser.field("asOf").sendKeys("3000-01-01");
        browser.field("country").clear();
        browser.driver().findElement(By.cssSelector("input[name=mode][value=dry-run]")).click();
        browser.field("dispatch").click();
        browser.driver().findElement(By.cssSelector("form.start-run button[type=submit]")).click();
        browser.waitUntil(d -> !d.findElements(By.id("asOf-problem")).isEmpty()
                && d.findElement(By.id("asOf-problem")).getText().contains("3000"));
        assertThat(browser.text("#asOf-problem")).isEqualTo(
                "3000-01-01T00:00:00Z is outside the dates this service takes (1900-01-01 to 2999-12-31)");

        browser.field("asOf").clear();
        browser.field("asOf").sendKeys(DAY.toString());
        browser.driver().findElement(By.cssSelector("form.start-run button[type=submit]")).click();
        browser.waitUntil(d -> !d.findElements(By.id("dispatch-problem")).isEmpty());
        browser.checked();
        assertThat("dispatch: " + browser.text("#dispatch-problem")).isEqualTo(
                apiDetail("{\"asOf\": \"2026-03-02T00:00:00Z\", \"mode\": \"dry-run\", \"dispatch\": true}"));
        assertThat(runs.list(200)).as("no run was started").hasSize(before);
    }

    @Test
    void anAuditorIsRefusedTheRunsPagesAndCannotStartOne() {
        int before = runs.list(200).size();
        browser.signIn(AUDITOR, PASSWORD);
        assertThat(browser.driver().findElements(By.cssSelector("header nav a[href='/console/runs']")))
                .as("no link to a section the person may not open").isEmpty();
        browser.visit("/console/runs");
        assertThat(browser.text(".problem h1")).isEqualTo("Not allowed");
        // A form sent from another page of the session (so with its CSRF token) is refused as well.
        browser.visit("/console");
        browser.driver().executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = '/console/runs';
                for (const [name, value] of [['asOf', '2026-03-02'], ['mode', 'live'], ['_csrf', arguments[0]]]) {
                    const input = document.createElement('input');
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();""", csrfToken());
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/runs")
                && !d.findElements(By.cssSelector(".problem h1")).isEmpty());
        assertThat(browser.text(".problem h1")).isEqualTo("Not allowed");
        assertThat(runs.list(200)).hasSize(before);
    }

    /** The CSRF token of the page shown, as htmx sends it (the body's hx-headers). */
    private String csrfToken() {
        String headers = browser.driver().findElement(By.tagName("body")).getAttribute("hx-headers");
        return json.readTree(headers).values().iterator().next().asString();
    }

    /** One table of the report: value -> count. */
    private Map<String, Long> table(String dimension) {
        Map<String, Long> counts = new LinkedHashMap<>();
        for (WebElement row : browser.driver().findElements(By.cssSelector("table.counts-" + dimension + " tbody tr"))) {
            counts.put(row.findElement(By.tagName("th")).getText(),
                    Long.parseLong(row.findElement(By.tagName("td")).getText().replace(",", "")));
        }
        return counts;
    }

    /** What the API says, as problem+json detail, to this start request (the tests' default key is a controller). */
    private String apiDetail(String body) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/runs"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isIn(400, 422);
        return json.readTree(response.body()).get("detail").asString();
    }
}
