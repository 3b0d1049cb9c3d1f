package dev.dunning.rulesets.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.facts.FactsService;
import dev.dunning.rules.RuleSource;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reviewing a rule-set version in a real browser: a candidate's scenario results (failures first, expected above
 * actual), gap warnings marking the rows they are between, the compare page of two versions (a changed cell old and
 * new, an added row, a DRL change as a marked diff), a background simulation whose progress reaches 100 % and shows
 * the matrix and the chart, and the DRL a table generates with the rule of a row marked.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class RuleSetComparePagesIT {

    static final String TONE = "decision-tables/tone.csv";

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    RuleSetLifecycle lifecycle;
    @Autowired
    FactsService facts;
    @Autowired
    JdbcClient jdbc;

    Browser browser;
    ConsolePeople people;
    String controller;

    @BeforeEach
    void people() {
        people = new ConsolePeople(users);
        // A fixed name: it shows in the screenshots' header.
        controller = people.fixed("carla", Role.CREDIT_CONTROLLER);
        browser = Browser.on(port);
        browser.signIn(controller, PASSWORD);
    }

    @Test
    void aCandidateWithAFailingScenarioShowsExpectedUnderActualWithTheFailuresFirst() throws Exception {
        // The run in a description makes the content, so the version, new each run: never "already a version".
        Path tone = toneFile(shippedTone().replace("TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY",
                "TON-01,REMINDER,1,1,CONSUMER,,,,NEUTRAL").replace("TON-10: anything else: neutral",
                "TON-10: anything else: neutral (" + people.run() + ")"));
        upload(tone, "submit", "#result .scenario-results");

        assertThat(browser.text("#result .scenarios .notice")).containsPattern("\\d+ scenarios run, [1-9]\\d* failed");
        List<WebElement> rows = browser.driver().findElements(By.cssSelector("#result .scenario-results > tbody > tr"));
        List<String> results = rows.stream().map(r -> r.getAttribute("class")).toList();
        assertThat(results).as("failures first, then the passed ones").startsWith("failed").contains("passed");
        assertThat(results.indexOf("passed")).isGreaterThan(results.lastIndexOf("failed"));
        WebElement first = browser.driver().findElement(By.xpath(
                "//table[contains(@class,'scenario-results')]/tbody/tr[td[2][.='First friendly reminder after the "
                        + "grace period']]"));
        assertThat(first.getAttribute("class")).isEqualTo("failed");
        assertThat(first.findElement(By.cssSelector("td")).getText()).isEqualTo("✗ Failed");
        List<String> fields = texts(first, ".expected-actual thead th");
        int tone0 = fields.indexOf("tone");
        assertThat(tone0).as("the tone is one of the expectations missed").isNotNegative();
        assertThat(texts(first, ".expected-actual tr.expected td").get(tone0)).isEqualTo("FRIENDLY");
        assertThat(texts(first, ".expected-actual tr.actual td").get(tone0)).as("actual under expected")
                .isEqualTo("NEUTRAL");
        browser.driver().executeScript("document.querySelector('#result .scenarios').scrollIntoView();");
        browser.screenshot("rule-set-scenarios");

        // The version page of the rejected candidate shows the same results, from its stored report.
        String rejected = lifecycle.list().stream().filter(v -> v.status() == RuleSetVersions.Status.REJECTED)
                .filter(v -> controller.equals(v.author())).map(RuleSetVersions.Stored::version).findFirst()
                .orElseThrow();
        browser.visit("/console/rule-sets/" + rejected);
        assertThat(browser.driver().findElement(By.xpath("//table[contains(@class,'scenario-results')]/tbody/tr[1]"))
                .getAttribute("class")).isEqualTo("failed");
        assertThat(browser.driver().findElements(By.cssSelector("a[href$='/simulate']")))
                .as("a rejected version cannot be simulated").isEmpty();
    }

    @Test
    void aGapWarningMarksBothRowsItIsBetweenWhole() throws Exception {
        Path tone = toneFile(shippedTone().replace("TON-02,", "TON-01C,REMINDER,5,6,CONSUMER,,,,FIRM,leaves a gap\r\n"
                + "TON-02,"));
        upload(tone, "check", "#result .result");

        assertThat(browser.text("#result .notes")).contains("no row covers stage 2 to 4 between the rows 14 and 15");
        assertThat(browser.driver().findElements(By.cssSelector("#result tr.row-warning")))
                .extracting(r -> r.getAttribute("data-row")).containsExactly("14", "15");
        assertThat(browser.text("#result tr[data-row='14'] th.rowno")).as("the warning's number, not only colour")
                .startsWith("[1]");
        browser.driver().executeScript("document.querySelector('#result tr.row-warning').scrollIntoView();");
        browser.screenshot("rule-set-gap-rows");
    }

    @Test
    void compareShowsAChangedCellOldToNewAnAddedRowAndTheDrlAsAMarkedDiff() {
        String candidate = candidate();
        String serving = lifecycle.serving().version();
        browser.visit("/console/rule-sets");
        new Select(browser.field("compare-from")).selectByValue(serving);
        new Select(browser.field("compare-to")).selectByValue(candidate);
        browser.driver().findElement(By.cssSelector(".compare-form button")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("/compare/"));
        browser.checked();

        assertThat(browser.path()).isEqualTo("/console/rule-sets/" + serving + "/compare/" + candidate);
        WebElement changed = browser.driver().findElement(By.cssSelector("td.cell-changed"));
        assertThat(changed.findElement(By.tagName("del")).getText()).isEqualTo("TON-06: calls are firm");
        assertThat(changed.findElement(By.tagName("ins")).getText()).isEqualTo("TON-06: calls are firm and short");
        assertThat(changed.getText()).contains("→");
        WebElement added = browser.driver().findElement(By.cssSelector("tr.row-added"));
        assertThat(added.getText()).startsWith("+").contains("added").contains("TON-11").contains("never reached");
        assertThat(browser.driver().findElements(By.cssSelector("tr.row-changed, tr.row-added, tr.row-removed")))
                .as("only the rows that changed").hasSize(2);
        assertThat(browser.driver().findElements(By.cssSelector(".diff-text tr.line-added")))
                .extracting(WebElement::getText).as("the DRL line added, marked by a sign and a word")
                .anySatisfy(line -> assertThat(line).contains("+ added").contains("// reviewed in the console test"));
        assertThat(browser.driver().findElements(By.cssSelector(".diff-text tr.line-removed"))).isEmpty();
        browser.screenshot("rule-set-compare");
    }

    @Test
    void aBackgroundSimulationReachesOneHundredPercentAndShowsTheMatrixAndTheChart() {
        String candidate = candidate();
        lifecycle.compiled(candidate); // built once here, so the browser waits for the simulation only
        for (int i = 1; i <= 3; i++) {
            String id = "SIMPAGE-" + people.run() + "-" + i;
            facts.upsertCustomer(aCustomer().id(id).consumer().in("IE", "Europe/Dublin", "EUR").build());
            facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("EUR", "120.00").due("2025-03-05").build());
        }
        long jobs = jdbc.sql("SELECT COUNT(*) FROM rule_set_simulations").query(Long.class).single();
        browser.visit("/console/rule-sets/" + candidate + "/simulate");
        browser.field("country").sendKeys("Ireland");
        browser.driver().findElement(By.cssSelector(".simulate-form button")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".problem")).isEmpty());
        browser.checked();
        assertThat(browser.text(".problem h1")).isEqualTo("Invalid request");
        assertThat(browser.text(".problem .detail")).startsWith("country:");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM rule_set_simulations").query(Long.class).single())
                .as("a bad filter starts nothing").isEqualTo(jobs);

        browser.visit("/console/rule-sets/" + candidate + "/simulate");
        browser.field("country").sendKeys("IE");
        new Select(browser.field("segment")).selectByValue("CONSUMER");
        browser.driver().findElement(By.cssSelector(".simulate-form button")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("job="));
        browser.waitUntil(d -> d.findElement(By.cssSelector("#job .percent")).getText().equals("100 %"));
        browser.waitUntil(d -> !d.findElements(By.cssSelector("canvas[data-drawn]")).isEmpty());
        browser.checked();

        assertThat(browser.driver().findElement(By.id("progress")).getAttribute("value")).isEqualTo("100");
        assertThat(browser.text("#job .notice")).containsPattern("[3-9]\\d* customers decided|\\d{2,} customers");
        assertThat(browser.driver().findElements(By.cssSelector("table.matrix tbody tr"))).isNotEmpty();
        assertThat(browser.text("table.matrix thead")).contains("Total");
        assertThat((Boolean) browser.driver().executeScript(
                "return Chart.getChart(document.getElementById('mix-chart')) !== undefined;"))
                .as("Chart.js drew the decision mix").isTrue();
        assertThat(browser.driver().findElements(By.cssSelector("table.mix tbody tr")))
                .as("the chart's numbers as a table").isNotEmpty();
        assertThat(browser.driver().findElements(By.cssSelector("#job[hx-get]"))).as("polling stopped").isEmpty();
        browser.driver().executeScript("document.getElementById('job').scrollIntoView();");
        browser.screenshot("rule-set-simulation");
    }

    @Test
    void theGeneratedDrlPageShowsTheRuleOfARow() {
        String serving = lifecycle.serving().version();
        browser.visit("/console/rule-sets/" + serving);
        browser.driver().findElement(By.cssSelector("a[href$='/tables/tone.csv/drl']")).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/tables/tone.csv/drl"));
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("Generated DRL of tone.csv");

        browser.field("row").sendKeys("14");
        browser.driver().findElement(By.cssSelector(".inline-form button")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("row=14"));
        browser.checked();
        WebElement marked = browser.driver().findElement(By.cssSelector(".drl-rule.marked"));
        assertThat(marked.getAttribute("data-row")).isEqualTo("14");
        assertThat(marked.findElement(By.tagName("h3")).getText()).contains("from row 14");
        assertThat(marked.findElement(By.tagName("pre")).getText()).contains("rule ").contains("TON-01")
                .contains("FRIENDLY").contains("end");
        assertThat(browser.driver().findElements(By.cssSelector(".drl-rule.marked"))).hasSize(1);
        browser.driver().executeScript("document.querySelector('.drl-rule.marked').scrollIntoView();");
        browser.screenshot("rule-set-drl");
    }

    /**
     * A candidate stored as the API would store it: the version in force with a changed description cell and a row
     * added at the end of the tone table (after the catch-all, so no decision changes) and a comment added to a DRL
     * file. The same content is the same version, so every test gets the one candidate.
     */
    private String candidate() {
        List<RuleSource> sources = new ArrayList<>();
        for (RuleSource s : lifecycle.serving().sources()) {
            String text = new String(s.content(), StandardCharsets.UTF_8);
            if (s.name().equals(TONE)) {
                String changed = text.replace("TON-06: calls are firm", "TON-06: calls are firm and short")
                        .stripTrailing() + "\r\nTON-11,REMINDER,5,6,CONSUMER,,,,FIRM,TON-11: never reached\r\n";
                assertThat(changed).contains("calls are firm and short");
                sources.add(new RuleSource(s.name(), changed.getBytes(StandardCharsets.UTF_8)));
            } else if (s.name().equals("rules/fallback.drl")) {
                sources.add(new RuleSource(s.name(), (text + "\n// reviewed in the console test\n")
                        .getBytes(StandardCharsets.UTF_8)));
            } else {
                sources.add(s);
            }
        }
        RuleSetLifecycle.Submitted submitted = lifecycle.submit(sources, controller, "compare test",
                RuleSetLifecycle.UPLOAD);
        assertThat(submitted.stored().status()).isIn(RuleSetVersions.Status.CANDIDATE, RuleSetVersions.Status.ACTIVE,
                RuleSetVersions.Status.RETIRED);
        return submitted.stored().version();
    }

    /**
     * Uploads the file on the rule sets page with the form's button of this value ({@code submit} stores it as a
     * candidate, {@code check} only validates it) and waits for the answer to show what {@code answer} selects.
     */
    private void upload(Path file, String button, String answer) {
        browser.visit("/console/rule-sets");
        browser.field("file").sendKeys(file.toAbsolutePath().toString());
        browser.driver().findElement(By.cssSelector("button[value=" + button + "]")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector(answer)).isEmpty());
        browser.checked();
    }

    private static String shippedTone() throws Exception {
        return Files.readString(Path.of(TONE));
    }

    private static Path toneFile(String content) throws Exception {
        assertThat(content).isNotEqualTo(shippedTone());
        Path file = Files.createTempDirectory("console-review").resolve("tone.csv");
        Files.writeString(file, content);
        return file;
    }

    private static List<String> texts(WebElement in, String css) {
        return in.findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
    }
}
