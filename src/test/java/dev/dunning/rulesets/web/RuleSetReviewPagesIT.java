package dev.dunning.rulesets.web;

import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.challenger.ChallengerTests;
import dev.dunning.database.TestDatabase;
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
        assertThat(jdbc.sql("SELECT principal FROM rule_set_events WHERE version = ? AND event = 'REVIEW_APPROVED'")
                .param(before).query(String.class).single()).isEqualTo(CARLA);
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
}
