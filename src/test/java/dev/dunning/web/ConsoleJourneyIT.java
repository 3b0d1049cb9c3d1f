package dev.dunning.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.facts.FactsService;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.security.ApiKeys;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.security.TestCredentials;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 18's whole journey, in one browser session on a database of its own (it changes the version in force). Carla,
 * a credit controller, lowers the consumers' EUR threshold of the first reminder (ESC-C1, escalation.xlsx, Ladder row
 * 40) from 5 to 4: her first upload has a word where the amount goes and shows that cell marked; the fixed one passes
 * its scenarios, its simulation against the stored customers reaches 100 % and names the one customer whose decision
 * changes; she asks for review. Dave, a second credit controller, sees the changed cells and the scenario results and
 * approves. A billing system's decision over the API is then made by the new version, through row 40. Alex, an
 * auditor, finds that decision, sees row 40 highlighted in its table with the new threshold, verifies the chain and
 * exports the filter, whose files hold the decision. Every page is checked with axe-core.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dunning.security.four-eyes-relaxed=false")
class ConsoleJourneyIT {

    static final String LADDER = "Ladder";
    /** ESC-C1 for consumers in EUR: the first reminder, from EUR 5 overdue (cell E40) in the shipped table. */
    static final int ROW = 40;
    static final String THRESHOLD = "E" + ROW;
    static final String DESCRIPTION = "L" + ROW;
    static final String NEW_DESCRIPTION = "ESC-C1: consumer, stage 1 from 3 days overdue: first friendly reminder "
            + "after 3 days of grace for bank transfers; at least 7 days between contacts (only from EUR 4 overdue)";
    /** EUR 4.50 overdue: below the shipped threshold, above the new one. Fixed ids: the screenshot stays the same. */
    static final String CHANGED = "JOURNEY-SMALL";
    /** How long a step that builds a version (every gate, every scenario) may take on a busy two-core machine. */
    static final Duration BUILD = Duration.ofSeconds(120);

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("console_journey").register(registry);
    }

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    ApiKeys keys;
    @Autowired
    FactsService facts;
    @Autowired
    RuleSetLifecycle lifecycle;
    @Autowired
    JsonMapper json;

    Browser browser;

    @Test
    void aChangeGoesFromAWorkbookThroughReviewIntoForceAndAnAuditorFindsTheDecisionItMade() throws Exception {
        ConsolePeople people = new ConsolePeople(users);
        String carla = people.fixed("carla", Role.CREDIT_CONTROLLER);
        String dave = people.fixed("dave", Role.CREDIT_CONTROLLER);
        String alex = people.fixed("alex", Role.AUDITOR);
        storedCustomers();
        String before = lifecycle.serving().version();
        browser = Browser.on(port);

        // 1. A word where the amount goes: the cell is marked, with the sentence beside it.
        browser.signIn(carla, PASSWORD);
        browser.visit("/console/rule-sets");
        upload(Workbooks.shippedWith("escalation.xlsx", LADDER, Map.of(THRESHOLD, "four euros")), "check");
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#result .result")).isEmpty());
        browser.checked();
        assertThat(browser.text("#result .notice")).contains("Not accepted");
        WebElement bad = browser.driver().findElement(By.cssSelector("#result td[data-cell=" + THRESHOLD + "]"));
        assertThat(bad.getAttribute("class")).contains("cell-error");
        assertThat(bad.getText()).contains("[1]").contains("four euros");
        assertThat(browser.driver().findElements(By.cssSelector("#result td.cell-error"))).hasSize(1);
        assertThat(browser.text("#result .notes")).contains("[1] Error").contains(THRESHOLD + ": ")
                .contains("\"four euros\"");

        // 2. The fixed workbook: stored with its scenario results, then simulated against the stored customers.
        browser.visit("/console/rule-sets");
        browser.field("comment").sendKeys("consumers in EUR get the first reminder from EUR 4");
        upload(Workbooks.shippedWith("escalation.xlsx", LADDER, Map.of(THRESHOLD, 4, DESCRIPTION, NEW_DESCRIPTION)),
                "submit");
        browser.waitUntil(BUILD, d -> !d.findElements(By.cssSelector("#result .scenarios")).isEmpty());
        browser.checked();
        assertThat(browser.text("#result .notice")).contains("Stored as a candidate");
        assertThat(browser.text("#result .scenarios .notice")).containsPattern("\\d+ scenarios run, none failed");
        assertThat(browser.driver().findElements(By.cssSelector("#result .scenario-results tbody tr.failed")))
                .isEmpty();
        browser.driver().findElement(By.cssSelector("#result .notice a")).click();
        browser.waitUntil(d -> !d.findElements(By.id("review")).isEmpty());
        browser.checked();
        String candidate = browser.path().substring("/console/rule-sets/".length());
        assertThat(lifecycle.find(candidate).author()).as("the version page of what Carla stored").isEqualTo(carla);

        browser.driver().findElement(By.cssSelector("#review a[href$='/simulate']")).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/simulate"));
        browser.checked();
        browser.field("country").sendKeys("IE");
        new Select(browser.field("segment")).selectByValue("CONSUMER");
        browser.driver().findElement(By.cssSelector(".simulate-form button")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("job="));
        browser.waitUntil(BUILD, d -> d.findElement(By.cssSelector("#job .percent")).getText().equals("100 %"));
        browser.waitUntil(d -> !d.findElements(By.cssSelector("canvas[data-drawn]")).isEmpty());
        browser.checked();
        assertThat(browser.attribute("#progress", "value")).isEqualTo("100");
        assertThat(browser.text("#job .notice")).startsWith("3 customers decided, 1 would get a different decision");
        List<WebElement> changes = browser.driver().findElements(By.cssSelector("table.changes tbody tr"));
        assertThat(changes).singleElement().satisfies(row -> {
            assertThat(row.findElement(By.tagName("th")).getText()).isEqualTo(CHANGED);
            List<WebElement> sides = row.findElements(By.tagName("td"));
            assertThat(sides.get(0).getText()).as("the version in force").startsWith("NO_ACTION");
            assertThat(sides.get(1).getText()).as("the candidate").startsWith("REMINDER").contains("row " + ROW);
        });
        browser.driver().executeScript("document.querySelector('table.changes').scrollIntoView();");
        browser.screenshot("journey-simulation-changes");

        // 3. Asking for review: four eyes.
        browser.visit("/console/rule-sets/" + candidate);
        browser.field("ask-comment").sendKeys("EUR 4 is worth a friendly reminder; the simulation changes one customer");
        browser.press("button.ask", "#review .done");
        assertThat(browser.text("#review .done")).contains("Asked for review");
        assertThat(browser.text("#review .asked-by")).isEqualTo(carla);
        assertThat(lifecycle.serving().version()).as("asked for, not yet in force").isEqualTo(before);
        browser.signOut();

        // 4. Dave sees it waiting, with the changed cells and the scenario results, and approves.
        browser.signIn(dave, PASSWORD);
        browser.visit("/console/rule-sets");
        assertThat(browser.text("table.waiting-reviews")).contains(candidate.substring(0, 12), carla);
        browser.driver().findElement(By.cssSelector("table.waiting-reviews a")).click();
        browser.waitUntil(d -> !d.findElements(By.id("review")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .cells")).contains(THRESHOLD).contains("EUR 4 overdue");
        assertThat(browser.text("#review .scenarios")).matches("Scenarios: \\d+ run, 0 failed\\.");
        browser.driver().findElement(By.cssSelector("#review textarea[name=comment]")).sendKeys("one customer more");
        browser.driver().findElement(By.cssSelector("#review button.approve")).click();
        browser.waitUntil(BUILD, d -> !d.findElements(By.cssSelector("#review .done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#review .done")).contains("Approved");
        assertThat(lifecycle.serving().version()).as("the new version is in force").isEqualTo(candidate);
        browser.signOut();

        // 5. A billing system asks over the API: the new version decides, through the changed row.
        String key = keys.create("journey-billing", EnumSet.of(Role.BILLING_SYSTEM), "test").key();
        Api billing = new Api(port, json, key);
        HttpResponse<String> answer = billing.post("/api/v1/decisions", "{\"customerId\": \"" + CHANGED + "\"}");
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        JsonNode decision = billing.body(answer);
        String decisionId = decision.get("decisionId").asString();
        assertThat(decision.get("ruleSetVersion").asString()).isEqualTo(candidate);
        assertThat(decision.get("action").asString()).isEqualTo("REMINDER");
        JsonNode fired = decision.get("trace").valueStream()
                .filter(t -> t.path("source").asString("").equals("decision-tables/escalation.xlsx"))
                .findFirst().orElseThrow(() -> new AssertionError("no ladder row fired: " + answer.body()));
        assertThat(fired.get("sheet").asString()).isEqualTo(LADDER);
        assertThat(fired.get("row").asInt()).isEqualTo(ROW);
        String rule = fired.get("rule").asString();

        // 6. Alex finds that decision, sees row 40 in its table, verifies the chain and exports the filter.
        browser.signIn(alex, PASSWORD);
        browser.visit("/console/decisions");
        browser.field("customerId").sendKeys(CHANGED);
        browser.field("ruleName").sendKeys(rule);
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#results table.decisions tbody tr")).size() == 1);
        browser.checked();
        assertThat(browser.text("#results tbody tr")).contains(CHANGED).contains("REMINDER")
                .contains("journey-billing").contains(candidate.substring(0, 12));

        browser.press("form.verify button", "#verified .verified");
        assertThat(browser.text("#verified .verified")).startsWith("The chain is intact:");

        HttpResponse<String> csv = download(browser.attribute("a.export-csv", "href"));
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.body().lines().toList()).hasSize(2).last().asString().contains(decisionId).contains(CHANGED);
        HttpResponse<String> jsonl = download(browser.attribute("a.export-jsonl", "href"));
        assertThat(jsonl.body().lines().toList()).singleElement().asString().contains(decisionId)
                .contains(candidate);

        browser.driver().findElement(By.linkText(decisionId)).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/decisions/" + decisionId));
        browser.checked();
        assertThat(browser.attribute("a.version", "href")).endsWith("/console/rule-sets/" + candidate);
        WebElement item = browser.driver().findElement(By.cssSelector("ol.fired > li[data-rule='" + rule + "']"));
        assertThat(item.findElements(By.cssSelector("tr.row-fired"))).singleElement().satisfies(row -> {
            assertThat(row.getAttribute("data-row")).isEqualTo(Integer.toString(ROW));
            assertThat(row.getText()).as("the row as the new version has it").contains("ESC-C1")
                    .contains("only from EUR 4 overdue");
        });
    }

    /**
     * Three consumers in Ireland, ten days overdue in EUR (ten, so that a day passing under the test changes no
     * step): one the new threshold catches, one over both thresholds, one under both.
     */
    private void storedCustomers() {
        String due = LocalDate.now(ZoneOffset.UTC).minusDays(10).toString();
        Map<String, String> owed = Map.of(CHANGED, "4.50", "JOURNEY-LARGE", "120.00", "JOURNEY-TINY", "3.00");
        owed.forEach((id, amount) -> {
            facts.upsertCustomer(aCustomer().id(id).consumer().in("IE", "Europe/Dublin", "EUR").build());
            facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("EUR", amount).due(due).build());
        });
    }

    private void upload(Path file, String button) {
        browser.field("file").sendKeys(file.toAbsolutePath().toString());
        browser.driver().findElement(By.cssSelector("button[value=" + button + "]")).click();
    }

    /** A download as the signed-in person: the browser's session cookie, no API credentials. */
    private HttpResponse<String> download(String href) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href))
                        .header(TestCredentials.NO_CREDENTIALS, "true")
                        .header("Cookie", "DUNNING_CONSOLE=" + browser.cookie("DUNNING_CONSOLE")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
