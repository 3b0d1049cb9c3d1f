package dev.dunning.rulesets.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.challenger.ChallengerTests;
import dev.dunning.database.TestDatabase;
import dev.dunning.facts.FactsService;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import dev.dunning.web.DecisionApiIT;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Four eyes in a real browser, on a database of its own (these tests change the version in force): Carla uploads a
 * fixed table and asks for its review, may not approve it herself (the page says why); Dave sees it waiting, opens it
 * with its diff against the version in force and approves, and the next decision over the API is made on it. A
 * rejection needs a comment, a request is withdrawn by its asker, and a rollback goes through the same review. The
 * people have fixed names, so that the screenshots stay the same from run to run.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dunning.security.four-eyes-relaxed=false")
class RuleSetReviewPagesIT {

    static final String CARLA = "carla";
    static final String DAVE = "dave";
    static final String TON_01 = "TON-01: the first reminder to a consumer is always friendly";

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("rule_set_review_pages").register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    RuleSetLifecycle lifecycle;
    @Autowired
    RuleSetReviews reviews;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;
    @Autowired
    ChallengerTests challengerTests;
    @Autowired
    FactsService facts;

    Browser browser;

    @BeforeEach
    void people() {
        ConsolePeople people = new ConsolePeople(users);
        people.fixed(CARLA, Role.CREDIT_CONTROLLER);
        people.fixed(DAVE, Role.CREDIT_CONTROLLER);
        browser = Browser.on(port);
    }

    @Test
    void carlaAsksDaveSeesTheDiffAndApprovesAndTheNextDecisionIsMadeOnTheNewVersion() throws Exception {
        String before = lifecycle.serving().version();
        Path fixed = tone("TON-01: the first reminder to a consumer is always friendly and names a real contact");

        browser.signIn(CARLA, PASSWORD);
        browser.visit("/console/rule-sets");
        browser.field("file").sendKeys(fixed.toAbsolutePath().toString());
        browser.field("comment").sendKeys("the description names the contact now");
        browser.driver().findElement(By.cssSelector("button[value=submit]")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#result .result")).isEmpty());
        assertThat(browser.text("#result .notice")).contains("Stored as a candidate");
        browser.driver().findElement(By.cssSelector("#result .notice a")).click();
        browser.waitUntil(d -> !d.findElements(By.id("review")).isEmpty());
        browser.checked();
        String candidate = browser.path().substring("/console/rule-sets/".length());

        browser.field("ask-comment").sendKeys("the description of TON-01 names the contact now");
        browser.driver().findElement(By.cssSelector("button.ask")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .done")).contains("Asked for review");
        assertThat(browser.text("#review .asked-by")).isEqualTo(CARLA);

        // Carla may press approve, and is told why not: the service's own sentence.
        browser.driver().findElement(By.cssSelector("#review button.approve")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .refusal")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .refusal")).contains("was asked for by carla, who may not also approve it",
                "four-eyes principle");
        assertThat(lifecycle.serving().version()).isEqualTo(before);

        browser.signInAgainAs(DAVE, PASSWORD);
        browser.visit("/console/rule-sets");
        assertThat(browser.text("table.waiting-reviews")).contains(candidate.substring(0, 12), CARLA,
                "the description of TON-01 names the contact now");
        browser.screenshot("rule-set-review-waiting");
        browser.driver().findElement(By.cssSelector("table.waiting-reviews a")).click();
        browser.waitUntil(d -> !d.findElements(By.id("review")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .cells")).contains("TON-01", "names a real contact");
        assertThat(browser.text("#review .scenarios")).matches("Scenarios: \\d+ run, 0 failed\\.");
        assertThat(browser.driver().findElement(By.cssSelector("#review a[href$='/compare/" + candidate + "']"))
                .getAttribute("href")).endsWith("/console/rule-sets/" + before + "/compare/" + candidate);
        browser.driver().executeScript("document.getElementById('review').scrollIntoView();");
        browser.screenshot("rule-set-review");

        browser.driver().findElement(By.cssSelector("#review textarea[name=comment]")).sendKeys("checked the diff");
        browser.driver().findElement(By.cssSelector("#review button.approve")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .done")).contains("Approved");
        assertThat(browser.text("table.decided-reviews")).contains("Approved", DAVE, "checked the diff");

        HttpResponse<String> decided = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/api/v1/decisions/evaluate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(DecisionApiIT.EXAMPLE)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(decided.statusCode()).as(decided.body()).isEqualTo(200);
        assertThat(json.readTree(decided.body()).get("ruleSetVersion").asString()).isEqualTo(candidate);
        assertThat(jdbc.sql("SELECT activated_by FROM rule_set_active").query(String.class).single()).isEqualTo(DAVE);
    }

    @Test
    void aRejectionNeedsACommentAndTheAskerMayWithdraw() throws Exception {
        String candidate = submitted("TON-01: a rejected idea");
        long first = reviews.request(candidate, CARLA, "try this wording").id();

        browser.signInAgainAs(DAVE, PASSWORD);
        browser.visit("/console/rule-sets/" + candidate);
        browser.driver().findElement(By.cssSelector("#review button.reject")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .refusal")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .refusal")).contains("a comment is needed");
        assertThat(reviews.find(first).pending()).isTrue();
        assertThat(browser.driver().findElements(By.cssSelector("#review button.withdraw")))
                .as("only the asker may withdraw").isEmpty();

        browser.driver().findElement(By.cssSelector("#review textarea[name=comment]"))
                .sendKeys("the wording is not ours");
        browser.driver().findElement(By.cssSelector("#review button.reject")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .done")).contains("Rejected");
        assertThat(browser.text("table.decided-reviews")).contains("Rejected", "the wording is not ours");
        assertThat(reviews.find(first).state()).isEqualTo(RuleSetReviews.State.REJECTED);

        long second = reviews.request(candidate, CARLA, "second try").id();
        browser.signInAgainAs(CARLA, PASSWORD);
        browser.visit("/console/rule-sets/" + candidate);
        browser.driver().findElement(By.cssSelector("#review button.withdraw")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .done")).contains("withdrawn");
        assertThat(reviews.find(second).state()).isEqualTo(RuleSetReviews.State.WITHDRAWN);
    }

    @Test
    void aRollbackGoesThroughTheSameReview() throws Exception {
        String before = lifecycle.serving().version();
        String candidate = submitted("TON-01: in force for a while");
        reviews.approve(reviews.request(candidate, CARLA, "to roll back from").id(), DAVE, null);
        assertThat(lifecycle.serving().version()).isEqualTo(candidate);

        browser.signInAgainAs(DAVE, PASSWORD);
        browser.visit("/console/rule-sets/" + before);
        assertThat(browser.text("#review button.ask")).isEqualTo("Ask for review: roll back to this version");
        // Without a comment (the browser would not send the form; a hand-made request is refused the same way).
        browser.driver().executeScript("document.getElementById('ask-comment').removeAttribute('required');");
        browser.driver().findElement(By.cssSelector("#review button.ask")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .refusal")).isEmpty());
        assertThat(browser.text("#review .refusal")).contains("a comment is needed");

        browser.field("ask-comment").sendKeys("customers were confused; back to the version before");
        browser.driver().findElement(By.cssSelector("#review button.ask")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review h3")).contains("roll back to this version");
        assertThat(lifecycle.serving().version()).as("asked for, not done").isEqualTo(candidate);

        browser.signInAgainAs(CARLA, PASSWORD);
        browser.visit("/console/rule-sets/" + before);
        browser.driver().findElement(By.cssSelector("#review button.approve")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        assertThat(lifecycle.serving().version()).isEqualTo(before);
        // the latest approval of that version: another test may have put it back in force before
        assertThat(jdbc.sql("SELECT principal FROM rule_set_events WHERE version = ? AND event = 'REVIEW_APPROVED' "
                + "ORDER BY id DESC LIMIT 1").param(before).query(String.class).single()).isEqualTo(CARLA);
    }

    @Test
    void aProposedChallengerTestDoesNotHideTheAskForActivation() throws Exception {
        String candidate = submitted("TON-01: tried on a share first");
        ChallengerTests.Test test = challengerTests.propose(candidate, new BigDecimal("10"), "try it on a tenth",
                CARLA);
        try {
            browser.signInAgainAs(CARLA, PASSWORD);
            browser.visit("/console/rule-sets/" + candidate);
            // the test's request waits in the queue, and the API would still take a request to activate: so does the page
            assertThat(browser.text("#review h3")).contains("Request");
            assertThat(browser.text("#review button.ask")).isEqualTo("Ask for review: activate this candidate");
            browser.field("ask-comment").sendKeys("good enough to put in force for everyone");
            browser.driver().findElement(By.cssSelector("#review button.ask")).click();
            browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
            browser.checked();
            assertThat(reviews.ofVersion(candidate)).extracting(RuleSetReviews.Review::kind)
                    .containsExactlyInAnyOrder(RuleSetReviews.Kind.CHALLENGER_TEST, RuleSetReviews.Kind.ACTIVATE);
            // with one of each waiting, there is nothing more to ask for
            assertThat(browser.driver().findElements(By.cssSelector("#review button.ask"))).isEmpty();
        } finally {
            challengerTests.stop(test.id(), CARLA, "cleanup");
            // the other tests find only their own requests waiting
            reviews.ofVersion(candidate).stream().filter(RuleSetReviews.Review::pending)
                    .forEach(r -> reviews.withdraw(r.id(), CARLA, "cleanup"));
        }
    }

    /**
     * Carla simulates her candidate on the customers of one country and asks for its review; Dave's review shows that
     * simulation (who ran it, its filters, its figures and matrix, the version it compared against) without running
     * one, and links its full result. Once another version is in force, the page says the simulation is out of date.
     */
    @Test
    void theReviewerSeesTheAuthorsSimulationWithItsFiguresAndIsToldWhenItIsOutOfDate() throws Exception {
        String candidate = submitted("TON-01: simulated before its review");
        lifecycle.compiled(candidate); // built once here, so the browser waits for the simulation only
        for (int i = 1; i <= 3; i++) {
            String id = "REVSIM-LU-" + i;
            facts.upsertCustomer(aCustomer().id(id).consumer().in("LU", "Europe/Luxembourg", "EUR").build());
            facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("EUR", "120.00")
                    .due(LocalDate.now(ZoneOffset.UTC).minusDays(12).toString()).build());
        }
        String inForce = lifecycle.serving().version();
        try {
            browser.signInAgainAs(CARLA, PASSWORD);
            browser.visit("/console/rule-sets/" + candidate);
            assertThat(browser.text("#simulation .none-simulated")).isEqualTo(
                    "No simulation of this version has been run yet.");
            String job = simulateLuxembourgFromTheVersionPage();

            browser.visit("/console/rule-sets/" + candidate);
            browser.field("ask-comment").sendKeys("simulated on the customers in Luxembourg: nothing changes");
            browser.driver().findElement(By.cssSelector("button.ask")).click();
            browser.waitUntil(d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());

            browser.signInAgainAs(DAVE, PASSWORD);
            browser.visit("/console/rule-sets/" + candidate + "#review");
            assertThat(browser.text("#simulation .simulated-by")).isEqualTo(CARLA);
            assertThat(browser.text("#simulation .simulated-filters")).startsWith("country LU as of ");
            assertThat(browser.text("#simulation .simulation-figures")).isEqualTo(
                    "3 customers decided, 0 would get a different decision, 0 could not be decided.");
            assertThat(browser.text("#simulation .simulated-against")).isEqualTo(inForce.substring(0, 12)
                    + " the version in force");
            assertThat(browser.driver().findElements(By.cssSelector("#simulation table.matrix tbody tr")))
                    .extracting(row -> Long.parseLong(row.findElement(By.cssSelector("td:last-child")).getText()))
                    .as("every simulated customer in the matrix").containsExactly(3L);
            assertThat(browser.driver().findElements(By.cssSelector("#simulation .outdated-simulation"))).isEmpty();
            assertThat(browser.driver().findElements(By.cssSelector("#simulation .running-simulation"))).isEmpty();
            assertThat(browser.text("#review .asked-by")).isEqualTo(CARLA);
            assertThat(browser.driver().findElements(By.cssSelector("#review button.approve"))).hasSize(1);
            browser.driver().executeScript("document.getElementById('simulation').scrollIntoView();");
            browser.screenshot("rule-set-review-simulation");

            browser.driver().findElement(By.cssSelector("#simulation a.full-result")).click();
            browser.waitUntil(d -> d.getCurrentUrl().contains("job=" + job));
            assertThat(browser.path()).isEqualTo("/console/rule-sets/" + candidate + "/simulate?job=" + job);
            assertThat(browser.text("#job .percent")).isEqualTo("100 %");

            // Another version goes into force: the simulation compared against one that no longer is.
            String other = submitted("TON-01: put in force after the simulation");
            reviews.approve(reviews.request(other, CARLA, "meanwhile").id(), DAVE, null);
            assertThat(lifecycle.serving().version()).isEqualTo(other);
            browser.visit("/console/rule-sets/" + candidate);
            assertThat(browser.text("#simulation .outdated-simulation")).isEqualTo("Simulated against version "
                    + inForce.substring(0, 12) + ", which is no longer in force (version " + other.substring(0, 12)
                    + " is): run it again.");
            assertThat(browser.text("#simulation .simulated-against")).contains("no longer in force");
            assertThat(browser.text("#simulation .simulated-by")).isEqualTo(CARLA);

            // Run again: the new one compared against the version in force now; both are listed, newest first.
            String again = simulateLuxembourgFromTheVersionPage();
            browser.visit("/console/rule-sets/" + candidate);
            assertThat(browser.driver().findElements(By.cssSelector("#simulation .outdated-simulation"))).isEmpty();
            assertThat(browser.text("#simulation .simulated-against")).isEqualTo(other.substring(0, 12)
                    + " the version in force");
            assertThat(browser.driver().findElements(By.cssSelector("table.version-simulations tbody tr")))
                    .extracting(row -> row.getAttribute("data-simulation")).containsExactly(again, job);
            assertThat(browser.text("table.version-simulations tbody tr:last-child"))
                    .contains(CARLA, inForce.substring(0, 12), "no longer in force");
            assertThat(browser.text("table.version-simulations tbody tr:first-child"))
                    .contains(other.substring(0, 12)).doesNotContain("no longer in force");
        } finally {
            // the other tests find only their own requests waiting, and the version in force they found before
            reviews.ofVersion(candidate).stream().filter(RuleSetReviews.Review::pending)
                    .forEach(r -> reviews.withdraw(r.id(), CARLA, "cleanup"));
            if (!lifecycle.serving().version().equals(inForce)) {
                reviews.approve(reviews.request(inForce, CARLA, "cleanup: back to the version before").id(), DAVE,
                        null);
            }
        }
    }

    /** A candidate uploaded by Carla: the shipped tone table with TON-01's description changed. */
    private String submitted(String description) throws Exception {
        return lifecycle.submit("tone.csv", Files.readAllBytes(tone(description)), CARLA, "a new wording")
                .stored().version();
    }

    /** The shipped tone table with TON-01's description changed: every gate and scenario still passes. */
    static Path tone(String description) throws Exception {
        String shipped = Files.readString(Path.of("decision-tables", "tone.csv"));
        assertThat(shipped).contains(TON_01);
        String changed = shipped.replace("\"" + TON_01 + " (businesses get the neutral default, TON-10)\"",
                "\"" + description + "\"");
        assertThat(changed).isNotEqualTo(shipped);
        Path file = Files.createTempDirectory("review-upload").resolve("tone.csv");
        Files.writeString(file, changed, StandardCharsets.UTF_8);
        return file;
    }

    /**
     * On a version's page: follows the simulation panel's "run" link, simulates the customers in Luxembourg, waits
     * for 100 % and returns the simulation's id.
     */
    private String simulateLuxembourgFromTheVersionPage() {
        browser.driver().findElement(By.cssSelector("#simulation a.run-simulation")).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/simulate"));
        browser.field("country").sendKeys("LU");
        browser.driver().findElement(By.cssSelector(".simulate-form button")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("job="));
        browser.waitUntil(d -> d.findElement(By.cssSelector("#job .percent")).getText().equals("100 %"));
        return browser.driver().getCurrentUrl().replaceAll(".*job=([0-9a-f-]+).*", "$1");
    }
}
