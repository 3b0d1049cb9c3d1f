package dev.dunning.effectiveness;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.challenger.ChallengerTests;
import dev.dunning.database.Sql;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Segment;
import dev.dunning.decisions.DecisionService;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.ArmAssigner;
import dev.dunning.rules.RuleSource;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.web.Api;
import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The effectiveness and champion/challenger pages in a real browser, on a database of their own. Carla proposes a test
 * (a share out of range and no version are refused beside their fields), may not approve it herself in the review
 * queue of rule sets, Dave approves it there and it runs; the comparison shows both arms, the difference with its
 * interval and the plain sentence, its CSV is the API's; stopping needs a reason, and a test that has ended meanwhile
 * can neither be promoted nor rolled back. The effectiveness page shows the figures cut by channel, the timeline with
 * an activation marked, receivables with DSO and the repeated bouncers; a bad day is named beside its field; its CSV
 * equals the API's. Fixed names, so that the screenshots stay the same from run to run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {HistoryTest.QUIET,
    HistoryTest.NO_DISPATCH, "dunning.security.four-eyes-relaxed=false"})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EffectivenessPagesIT extends HistoryTest {

    static final String CARLA = "carla";
    static final String DAVE = "dave";
    static final String ALEX = "alex";

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("effectiveness_pages").register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    RuleSetLifecycle lifecycle;
    @Autowired
    ActiveRuleSet active;
    @Autowired
    ChallengerTests tests;
    @Autowired
    DecisionService decisions;
    @Autowired
    JsonMapper json;

    Browser browser;

    @BeforeEach
    void people() {
        ConsolePeople people = new ConsolePeople(users);
        people.fixed(CARLA, Role.CREDIT_CONTROLLER);
        people.fixed(DAVE, Role.CREDIT_CONTROLLER);
        people.fixed(ALEX, Role.AUDITOR);
        browser = Browser.on(port);
    }

    @Test
    @Order(1)
    void carlaProposesDaveApprovesInTheReviewQueueAndTheComparisonShowsTheArms() {
        List<RuleSource> sources = new ArrayList<>(active.get().sources());
        sources.add(new RuleSource("rules/note.drl", NOTE.getBytes(StandardCharsets.UTF_8)));
        String challenger = lifecycle.submit(sources, "alice", "a firmer second reminder", "test").stored().version();

        browser.signInAgainAs(CARLA, PASSWORD);
        browser.visit("/console/challenger-tests");
        new Select(browser.field("challengerVersion")).selectByValue(challenger);
        browser.field("sharePercent").clear();
        browser.field("sharePercent").sendKeys("75");
        browser.driver().findElement(By.cssSelector("button.propose")).click();
        browser.waitUntil(d -> !d.findElements(By.id("sharePercent-problem")).isEmpty());
        browser.checked();
        assertThat(browser.text("#sharePercent-problem")).contains("0.01 to 50");
        assertThat(browser.attribute("#sharePercent", "aria-invalid")).isEqualTo("true");
        assertThat(tests.list()).isEmpty();

        new Select(browser.field("challengerVersion")).selectByValue("");
        browser.field("sharePercent").clear();
        browser.field("sharePercent").sendKeys("50");
        browser.driver().findElement(By.cssSelector("button.propose")).click();
        browser.waitUntil(d -> !d.findElements(By.id("challengerVersion-problem")).isEmpty());
        assertThat(tests.list()).isEmpty();

        new Select(browser.field("challengerVersion")).selectByValue(challenger);
        browser.field("comment").sendKeys("a firmer second reminder for small businesses");
        browser.driver().findElement(By.cssSelector("button.propose")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".notice.done")).isEmpty());
        browser.checked();
        long id = tests.list().get(0).id();
        assertThat(browser.path()).isEqualTo("/console/challenger-tests/" + id);
        assertThat(browser.text(".test-status")).isEqualTo("waiting for approval");

        // the approval is a request in the review queue of rule sets, under its four-eyes rule
        browser.driver().findElement(By.cssSelector("a.to-review")).click();
        browser.waitUntil(d -> !d.findElements(By.id("review")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .pending-review h3")).contains("start a champion/challenger test");
        browser.driver().findElement(By.cssSelector("#review button.approve")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .refusal")).isEmpty());
        assertThat(browser.text("#review .refusal")).contains("asked for by carla, who may not also approve it");
        assertThat(tests.find(id).status()).isEqualTo(ChallengerTests.Status.PROPOSED);

        browser.signInAgainAs(DAVE, PASSWORD);
        browser.visit("/console/rule-sets");
        assertThat(browser.text("table.waiting-reviews")).contains("start a champion/challenger test", CARLA);
        browser.visit("/console/rule-sets/" + challenger);
        browser.driver().findElement(By.cssSelector("#review textarea[name=comment]")).sendKeys("half and half");
        browser.driver().findElement(By.cssSelector("#review button.approve")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        ChallengerTests.Test test = tests.find(id);
        assertThat(test.status()).isEqualTo(ChallengerTests.Status.RUNNING);
        assertThat(test.approvedBy()).isEqualTo(DAVE);

        // six customers in each arm decide; four challenger customers and two champion customers pay
        ArmAssigner arms = new ArmAssigner(test.salt(), test.shareBasisPoints());
        for (boolean inChallenger : List.of(true, false)) {
            List<String> ids = IntStream.range(0, 10_000).mapToObj(i -> "PG-" + i)
                    .filter(c -> arms.challenger(c) == inChallenger).limit(6).toList();
            for (int i = 0; i < ids.size(); i++) {
                String customer = ids.get(i);
                facts.upsertCustomer(aCustomer().id(customer).build());
                facts.upsertInvoice(customer, anInvoice().id(customer + "-I").amount("EUR", "100.00")
                        .daysOverdue(31).build());
                decisions.decide(customer, null, "billing");
                if (i < (inChallenger ? 4 : 2)) {
                    histories.pay(customer + "-I", "100.00", "EUR", Instant.now());
                }
            }
        }
        summaries.catchUp();

        browser.visit("/console/challenger-tests/" + id);
        assertThat(browser.text(".test-status")).isEqualTo("running");
        assertThat(browser.text("tr[data-arm=CHALLENGER] .customers")).isEqualTo("6");
        assertThat(browser.text("tr[data-arm=CHALLENGER] .paid")).isEqualTo("4");
        assertThat(browser.text("tr[data-arm=CHAMPION] .paid")).isEqualTo("2");
        assertThat(browser.text("tr[data-arm=CHALLENGER] .recovered")).isEqualTo("EUR 400.00 (4)");
        assertThat(browser.text(".sentence")).startsWith("After 6 customers per arm, the challenger's payment rate is "
                + "33.3 points higher, 95 % CI ");
        assertThat(browser.text(".difference .points")).isEqualTo("33.33");
        browser.screenshot("challenger-test");
        JsonNode csv = fetch("/console/effectiveness/export/challenger-tests/" + id);
        assertThat(csv.get("status").asInt()).isEqualTo(200);
        assertThat(csv.get("type").asString()).startsWith("text/csv");
        assertThat(csv.get("body").asString()).isEqualTo(new Api(port, json)
                .get("/api/v1/effectiveness/challenger-tests/" + id + "/comparison?format=csv").body());

        // a reason is needed to stop, as the API says
        browser.driver().findElement(By.cssSelector("button.stop")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".refusal")).isEmpty());
        browser.checked();
        assertThat(browser.text(".refusal")).contains("reason");
        assertThat(tests.find(id).status()).isEqualTo(ChallengerTests.Status.RUNNING);

        // the test ends behind Carla's back: her page's promote is refused with the service's sentence
        tests.stop(id, DAVE, "enough customers for a verdict");
        browser.driver().findElement(By.cssSelector("button.promote")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".refusal")).isEmpty());
        assertThat(browser.text(".refusal")).contains("only a RUNNING test can be promoted");
        assertThat(active.get().version()).as("nothing activated").isNotEqualTo(challenger);
        assertThat(browser.text(".test-status")).isEqualTo("stopped");
        assertThat(browser.driver().findElements(By.cssSelector("button.promote"))).isEmpty();

        // a second test, rolled back: once it has ended meanwhile, the rollback is refused
        ChallengerTests.Test second = tests.propose(challenger, new BigDecimal("10"), "once more", CARLA);
        tests.approve(second.id(), DAVE);
        browser.visit("/console/challenger-tests/" + second.id());
        browser.field("reason").sendKeys("complaints about the tone");
        tests.stop(second.id(), DAVE, "stopped first");
        browser.driver().findElement(By.cssSelector("button.rollback")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".refusal")).isEmpty());
        assertThat(browser.text(".refusal")).contains("is STOPPED already");
        assertThat(tests.find(second.id()).status()).isEqualTo(ChallengerTests.Status.STOPPED);

        browser.visit("/console/challenger-tests");
        assertThat(browser.text("table.tests")).contains("Test " + id, "Test " + second.id(), "stopped");
        browser.screenshot("challenger-tests");

        // an auditor reads, and may not propose
        browser.signInAgainAs(ALEX, PASSWORD);
        browser.visit("/console/challenger-tests/" + id);
        assertThat(browser.driver().findElements(By.cssSelector("form.propose, button.stop"))).isEmpty();
        browser.visit("/console/challenger-tests");
        assertThat(browser.driver().findElements(By.cssSelector("form.propose"))).isEmpty();
    }

    @Test
    @Order(2)
    void theEffectivenessPageShowsFiguresTimelineReceivablesAndDeliverability() {
        Instant monday = Instant.parse("2022-05-02T08:00:00Z");
        String customer = histories.customer("BNC", "EUR", Segment.CONSUMER, "de");
        String invoice = histories.invoice(customer, "EUR", "120.00", LocalDate.parse("2022-04-20"));
        for (int i = 0; i < 3; i++) {
            Instant at = monday.plus(Duration.ofDays(7L * i));
            String decision = histories.contact(customer, at, "REMINDER", "EMAIL", "FRIENDLY", "reminder-1",
                    List.of(invoice), "ESC-0" + (i + 1));
            histories.send(decision, at);
            histories.outcome(decision, i < 2 ? "BOUNCED" : "DELIVERED");
        }
        String payer = histories.customer("PAY", "EUR", Segment.SMALL_BUSINESS, "en");
        String paid = histories.invoice(payer, "EUR", "300.00", LocalDate.parse("2022-04-25"));
        String letter = histories.contact(payer, monday, "REMINDER", "LETTER", "FIRM", "letter-2", List.of(paid),
                "ESC-02");
        histories.send(letter, monday);
        histories.pay(paid, "300.00", "EUR", monday.plus(Duration.ofDays(3)));
        jdbc.sql("INSERT INTO rule_set_versions (version, status, origin, author, created_at) VALUES (?, 'RETIRED', "
                + "'upload', 'test', ?)").params("c".repeat(64), Sql.utc(monday)).update();
        jdbc.sql("INSERT INTO rule_set_events (version, at, principal, event) VALUES (?, ?, 'carol', 'ACTIVATED')")
                .params("c".repeat(64), Sql.utc(monday.plus(Duration.ofDays(8)))).update();
        summaries.catchUp();

        browser.signInAgainAs(CARLA, PASSWORD);
        String query = "from=2022-05-01&to=2022-05-31&by=channel&interval=week&asOf=2022-06-30";
        browser.visit("/console/effectiveness?" + query);
        assertThat(browser.text("table.figures tr.total")).startsWith("Total 4 4 4 1");
        assertThat(browser.text("table.figures")).contains("EMAIL 3 3 3 1", "LETTER 1 1 1 0");
        assertThat(browser.text("table.figures tr.total")).contains("EUR 300.00 (1)");
        assertThat(browser.driver().findElements(By.cssSelector("table.timeline tbody tr"))).hasSize(3);
        assertThat(browser.text("table.timeline tr.activation")).startsWith("2022-05-09")
                .contains("cccccccccccc (carol)");
        assertThat(browser.attribute("#timeline-chart", "data-chart")).contains("2022-05-09 ▲");
        // 120.00 of the first customer is open 71 days past due on 2022-06-30; the second paid all
        assertThat(browser.text("table.receivables")).contains("EUR", "120.00");
        assertThat(browser.text("table.bouncers")).contains(customer);
        assertThat(browser.text("table.by-channel")).contains("EMAIL", "66.7 %");
        browser.screenshot("effectiveness");

        // the CSV of the page is the API's, for the same filters
        JsonNode csv = fetch("/console/effectiveness/export/figures?" + query);
        assertThat(csv.get("status").asInt()).isEqualTo(200);
        assertThat(csv.get("body").asString()).isEqualTo(new Api(port, json)
                .get("/api/v1/effectiveness/figures?" + query + "&format=csv").body());

        // a day that is no date is named beside its field, in the API's sentence
        browser.visit("/console/effectiveness?from=2022-13-01");
        assertThat(browser.text("#from-problem")).contains("\"2022-13-01\" is not a date", "YYYY-MM-DD");
        assertThat(browser.driver().findElements(By.cssSelector("table.figures"))).isEmpty();
        JsonNode refused = fetch("/console/effectiveness/export/figures?from=2022-13-01");
        assertThat(refused.get("status").asInt()).isEqualTo(400);
    }

    /** A GET from the page itself (the session's cookie): its status, content type and body. */
    private JsonNode fetch(String path) {
        Object answer = browser.driver().executeAsyncScript("const done = arguments[arguments.length - 1];"
                + "fetch(arguments[0]).then(r => r.text().then(t => done(JSON.stringify({status: r.status,"
                + " type: r.headers.get('Content-Type'), body: t}))));", path);
        return json.readTree(String.valueOf(answer));
    }

    static final String NOTE = """
            package dunning.note

            import dev.dunning.decision.DunningCase;
            import dev.dunning.decision.Decision;

            global Decision decision;

            rule "Never fires"
                ruleflow-group "fallback"
            when
                DunningCase( customerId == "nobody at all" )
            then
                decision.because("a note");
            end
            """;
}
