package dev.dunning.audit.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.audit.AuditRecords;
import dev.dunning.audit.Explanation;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.facts.FactsService;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.security.TestCredentials;
import dev.dunning.web.Browser;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.json.JsonMapper;

/**
 * The auditor's decision pages in a real browser: an auditor finds a decision made from a decision-table row, opens
 * it and sees that row highlighted inside its table, verifies the chain and exports the filter; a credit controller,
 * whom the API refuses the audit log, is refused these pages too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class DecisionPagesIT {

    static final String PASSWORD = "correct horse battery staple";

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    FactsService facts;
    @Autowired
    DecisionService decisions;
    @Autowired
    AuditRecords records;
    @Autowired
    JsonMapper json;

    Browser browser;
    String auditor;
    String controller;
    String customer;

    @BeforeEach
    void people() {
        String run = Long.toString(System.nanoTime(), 36);
        auditor = users.create("alex-" + run, EnumSet.of(Role.AUDITOR), PASSWORD, "test").name();
        controller = users.create("chris-" + run, EnumSet.of(Role.CREDIT_CONTROLLER), PASSWORD, "test").name();
        customer = "PAGES-" + run;
        browser = Browser.on(port);
    }

    @Test
    void anAuditorFindsADecisionSeesTheFiredRowInItsTableVerifiesTheChainAndExportsTheFilter() throws Exception {
        facts.upsertCustomer(aCustomer().id(customer).consumer().in("DE", "Europe/Berlin", "EUR").build());
        facts.upsertInvoice(customer, anInvoice().id(customer + "-I1").amount("EUR", "120.00").due("2025-03-05")
                .build());
        DecisionResponse made = decisions.decide(customer, Instant.parse("2025-03-17T15:00:00Z"), "billing-test");
        var record = records.byDecisionId(made.decisionId()).orElseThrow();
        Explanation explanation = Explanation.of(record, json.readTree(record.content()));
        Explanation.Reason row = explanation.reasons().stream()
                .filter(r -> r.kind().equals("rule") && r.sheet() != null && r.row() != null).findFirst()
                .orElseThrow(() -> new AssertionError("the decision fired no table row: " + explanation.text()));

        browser.signIn(auditor, PASSWORD);
        browser.visit("/console/decisions");
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("Decisions");
        browser.field("customerId").sendKeys(customer);
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#results table.decisions tbody tr")).size() == 1);
        browser.checked();
        assertThat(browser.path()).as("htmx pushed the filter into the address").contains("customerId=" + customer);
        assertThat(browser.text("#results tbody tr")).contains(customer).contains(record.action());

        // Verify the chain over the filter's range (no range: the whole log), from the page.
        browser.driver().findElement(By.cssSelector("form.verify button")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#verified .verified")).isEmpty());
        browser.checked();
        assertThat(browser.text("#verified .verified")).startsWith("The chain is intact:")
                .containsPattern("[0-9]+ records verified, sequence numbers 1 to [0-9]+");

        // Export the current filter: the API's export, this customer's one decision.
        String csvLink = browser.driver().findElement(By.cssSelector("a.export-csv")).getAttribute("href");
        HttpResponse<String> csv = download(csvLink);
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).contains(made.decisionId()).contains(customer);
        HttpResponse<String> jsonl = download(browser.driver().findElement(By.cssSelector("a.export-jsonl"))
                .getAttribute("href"));
        assertThat(jsonl.body().lines().toList()).singleElement().asString().contains(made.decisionId());

        browser.driver().findElement(By.linkText(made.decisionId())).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/decisions/" + made.decisionId()));
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("Decision for customer " + customer);
        assertThat(browser.text(".explanation")).isEqualTo(explanation.text());
        assertThat(browser.driver().findElement(By.cssSelector("a.version")).getAttribute("href"))
                .endsWith("/console/rule-sets/" + record.ruleSetVersion());
        assertThat(browser.text(".facts-json")).contains(customer + "-I1");
        List<WebElement> fired = browser.driver().findElements(By.cssSelector("ol.fired > li"));
        assertThat(fired).hasSize((int) explanation.reasons().stream().filter(r -> !r.kind().equals("reason"))
                .count());
        WebElement item = browser.driver().findElement(By.cssSelector("ol.fired > li[data-rule='" + row.rule() + "']"));
        List<WebElement> highlighted = item.findElements(By.cssSelector("tr.row-fired"));
        assertThat(highlighted).as("the fired row, highlighted in its table").hasSize(1);
        assertThat(highlighted.get(0).getAttribute("data-row")).isEqualTo(Integer.toString(row.row()));
        if (row.policy() != null) {
            assertThat(highlighted.get(0).getText()).as("the row that carries the rule's policy reference")
                    .contains(row.policy());
        }
        assertThat(item.findElement(By.cssSelector("caption")).getText()).contains(row.source())
                .contains("sheet " + row.sheet());
        assertThat(item.findElements(By.cssSelector("tbody tr")).size()).as("the table's head and the rows around")
                .isGreaterThan(3);
        browser.driver().executeScript("document.querySelector('ol.fired').scrollIntoView();");
        browser.screenshot("decision");
    }

    @Test
    void anAuditorFindsADecisionByThePolicyReferenceOfItsTableRow() throws Exception {
        facts.upsertCustomer(aCustomer().id(customer).consumer().in("DE", "Europe/Berlin", "EUR").build());
        facts.upsertInvoice(customer, anInvoice().id(customer + "-I1").amount("EUR", "120.00").due("2025-03-05")
                .build());
        DecisionResponse made = decisions.decide(customer, Instant.parse("2025-03-17T15:00:00Z"), "billing-test");
        String policy = made.trace().stream().filter(t -> t.sheet() != null && t.metadata() != null
                        && String.valueOf(t.metadata().get("policy")).startsWith("ESC-"))
                .map(t -> t.metadata().get("policy").toString()).findFirst()
                .orElseThrow(() -> new AssertionError("no ladder row with a policy reference fired: " + made.trace()));

        browser.signIn(auditor, PASSWORD);
        browser.visit("/console/decisions");
        assertThat(browser.text("label[for=policy]")).isEqualTo("Policy reference (e.g. ESC-C2)");
        browser.field("customerId").sendKeys(customer);
        browser.field("policy").sendKeys(policy);
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#results table.decisions tbody tr")).size() == 1);
        browser.checked();
        assertThat(browser.path()).contains("policy=" + policy);
        assertThat(browser.text("#results tbody tr")).contains(made.decisionId());
        // The export of the filter carries the reference.
        HttpResponse<String> csv = download(browser.driver().findElement(By.cssSelector("a.export-csv"))
                .getAttribute("href"));
        assertThat(csv.body().lines().toList()).hasSize(2).last().asString().contains(made.decisionId());

        // Another reference, or one no rule carries, finds nothing for this customer.
        browser.visit("/console/decisions?customerId=" + customer + "&policy=INT-01");
        browser.checked();
        assertThat(browser.driver().findElements(By.cssSelector("table.decisions"))).isEmpty();
        assertThat(browser.text("#results")).contains("No decision matches this filter.");
        browser.visit("/console/decisions?customerId=" + customer + "&policy=NO-SUCH-REF");
        assertThat(browser.text("#results")).contains("No decision matches this filter.");
        assertThat(browser.driver().findElement(By.id("policy")).getAttribute("value")).isEqualTo("NO-SUCH-REF");

        // Too long a reference is named beside its field, as the API names it, and nothing is searched.
        browser.visit("/console/decisions?policy=" + "P".repeat(101));
        browser.checked();
        assertThat(browser.text("#policy-problem")).isEqualTo("a policy reference has at most 100 characters; give it "
                + "as a table row's policy cell or a DRL rule's @policy names it, such as ESC-C2");
        assertThat(browser.driver().findElements(By.cssSelector("table.decisions"))).isEmpty();
    }

    @Test
    void olderDecisionsArePagedByKeysetWithTheFilterKept() throws Exception {
        facts.upsertCustomer(aCustomer().id(customer).consumer().in("DE", "Europe/Berlin", "EUR").build());
        facts.upsertInvoice(customer, anInvoice().id(customer + "-I1").amount("EUR", "120.00").due("2025-03-05")
                .build());
        List<String> made = new java.util.ArrayList<>();
        for (int i = 0; i <= DecisionPages.PAGE; i++) {
            made.add(decisions.decide(customer, Instant.parse("2025-03-17T15:00:00Z").plusSeconds(i), "billing-test")
                    .decisionId());
        }
        browser.signIn(auditor, PASSWORD);
        browser.visit("/console/decisions?customerId=" + customer);
        assertThat(browser.driver().findElements(By.cssSelector("table.decisions tbody tr")))
                .hasSize(DecisionPages.PAGE);
        assertThat(browser.text("table.decisions tbody tr")).as("newest first").contains(made.get(made.size() - 1));
        browser.driver().findElement(By.cssSelector("a.next")).click();
        browser.waitUntil(d -> d.getCurrentUrl().contains("cursor="));
        browser.checked();
        assertThat(browser.driver().findElements(By.cssSelector("table.decisions tbody tr"))).singleElement()
                .satisfies(tr -> assertThat(tr.getText()).contains(made.get(0)));
        assertThat(browser.driver().findElements(By.cssSelector("a.next"))).as("the last page").isEmpty();
        assertThat(browser.driver().findElement(By.id("customerId")).getAttribute("value")).isEqualTo(customer);
    }

    @Test
    void aBadTimeIsNamedBesideItsFieldAndNothingIsSearched() {
        browser.signIn(auditor, PASSWORD);
        browser.visit("/console/decisions?from=yesterday&customerId=x");
        browser.checked();
        assertThat(browser.text("#from-problem")).contains("\"yesterday\" is not a time");
        assertThat(browser.driver().findElement(By.id("customerId")).getAttribute("value")).isEqualTo("x");
        assertThat(browser.driver().findElements(By.cssSelector("table.decisions"))).isEmpty();
    }

    @Test
    void theSearchIsInGermanWhenTheBrowserAsksForGerman() {
        browser.language("de");
        browser.signIn(auditor, PASSWORD);
        browser.visit("/console/decisions?to=2000-01-01T00:00");
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("Entscheidungen");
        assertThat(browser.text("nav")).contains("Entscheidungen");
        assertThat(browser.text("label[for=customerId]")).isEqualTo("Kunde");
        assertThat(browser.text("label[for=policy]")).isEqualTo("Richtlinien-Verweis (z. B. ESC-C2)");
        assertThat(browser.text("#results")).contains("Keine Entscheidung passt zu diesem Filter.")
                .contains("Diesen Filter als CSV exportieren");
    }

    @Test
    void aCreditControllerWhomTheApiRefusesTheAuditLogIsRefusedThesePages() {
        browser.signIn(controller, PASSWORD);
        browser.visit("/console/decisions");
        browser.checked();
        assertThat(browser.text(".problem h1")).isEqualTo("Not allowed");
        assertThat(browser.driver().findElements(By.cssSelector("nav a[href='/console/decisions']"))).isEmpty();
    }

    private HttpResponse<String> download(String href) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(href))
                        .header(TestCredentials.NO_CREDENTIALS, "true")
                        .header("Cookie", "DUNNING_CONSOLE=" + browser.cookie("DUNNING_CONSOLE")).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
