package dev.dunning.decisions.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Outcome;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.Holds;
import dev.dunning.facts.StoredHold;
import dev.dunning.security.ApiKeys;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.web.Api;
import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.Select;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The customer pages in a real browser: a credit controller finds a customer by the start of its name, sees its
 * invoices with their open amounts and days overdue, is told what is wrong with a hold that has no reason, ends in
 * the past or is of an unknown kind (nothing is written), adds a dispute in their own name (the API shows it) and ends
 * it; an auditor sees the customer's decisions with links to them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class CustomerPagesIT {

    /** Fixed names: the screenshots show who is signed in. */
    static final String CONTROLLER = "casey-controller";
    static final String AUDITOR = "avery-auditor";

    @LocalServerPort
    int port;
    @Autowired
    ConsoleUsers users;
    @Autowired
    ApiKeys keys;
    @Autowired
    FactsService facts;
    @Autowired
    Holds holds;
    @Autowired
    DecisionService decisions;
    @Autowired
    JsonMapper json;

    Browser browser;
    String customer;
    String name;
    LocalDate today;

    @BeforeEach
    void setUp() {
        ConsolePeople people = new ConsolePeople(users);
        people.fixed(CONTROLLER, Role.CREDIT_CONTROLLER);
        people.fixed(AUDITOR, Role.AUDITOR);
        String run = Long.toString(System.nanoTime(), 36);
        customer = "CUST-" + run;
        name = "Zyx " + run + " Trading";
        facts.upsertCustomer(aCustomer().id(customer).name(name).segment(dev.dunning.decision.Segment.SMALL_BUSINESS)
                .in("DE", "Europe/Berlin", "EUR").build());
        today = LocalDate.now(ZoneId.of("Europe/Berlin"));
        facts.upsertInvoice(customer, anInvoice().id(customer + "-I1").amount("EUR", "1200.00")
                .due(today.minusDays(12).toString()).build());
        browser = Browser.on(port);
    }

    @Test
    void aCreditControllerFindsACustomerAddsADisputeInTheirNameAndEndsIt() throws Exception {
        browser.signIn(CONTROLLER, PASSWORD);
        browser.visit("/console/customers");
        browser.field("q").sendKeys(name.substring(0, 8));
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#results table.customers")).isEmpty());
        browser.checked();
        assertThat(browser.path()).as("the search is a plain GET too").contains("q=");
        browser.driver().findElement(By.linkText(customer)).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/customers/" + customer));
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("Customer " + customer);
        assertThat(browser.text("tr[data-invoice='" + customer + "-I1'] .open")).isEqualTo("1200.00");
        assertThat(browser.text("tr[data-invoice='" + customer + "-I1'] .overdue")).isEqualTo("12");
        assertThat(browser.text("#decisions + p")).contains("auditors");

        // No reason: the page says why it is needed, and nothing is written.
        browser.driver().findElement(By.cssSelector("form.add-hold button.add-hold")).click();
        browser.waitUntil(d -> !d.findElements(By.id("reason-problem")).isEmpty());
        browser.checked();
        assertThat(browser.text("#reason-problem")).startsWith("reason: say why dunning pauses");
        assertThat(holds.ofCustomer(customer)).isEmpty();

        // A last day that has passed, and a last day before the first (the API's sentence).
        browser.field("hold-reason").sendKeys("Customer disputes the delivery of invoice 1");
        setDate("hold-until", today.minusDays(1));
        browser.driver().findElement(By.cssSelector("form.add-hold button.add-hold")).click();
        browser.waitUntil(d -> !d.findElements(By.id("until-problem")).isEmpty());
        assertThat(browser.text("#until-problem")).contains("has passed already")
                .contains("the last day (until) " + today.minusDays(1) + " is before the first day (from) " + today);
        assertThat(holds.ofCustomer(customer)).isEmpty();

        // An unknown kind, as a hand-made request would send it: the API's sentence.
        browser.driver().executeScript("document.querySelector('#hold-kind option').value = 'NAP';"
                + "document.getElementById('hold-kind').selectedIndex = 0;");
        setDate("hold-until", today.plusDays(30));
        browser.driver().findElement(By.cssSelector("form.add-hold button.add-hold")).click();
        browser.waitUntil(d -> !d.findElements(By.id("kind-problem")).isEmpty());
        assertThat(browser.text("#kind-problem")).startsWith("kind: \"NAP\" is not a known hold kind; use one of")
                .contains("DISPUTE", "PROMISE_TO_PAY");
        assertThat(holds.ofCustomer(customer)).isEmpty();

        new Select(browser.field("hold-kind")).selectByValue("DISPUTE");
        new Select(browser.field("hold-invoice")).selectByValue(customer + "-I1");
        browser.driver().findElement(By.cssSelector("form.add-hold button.add-hold")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#holds .notice.done")).isEmpty());
        browser.checked();
        List<StoredHold> stored = holds.ofCustomer(customer);
        assertThat(stored).singleElement().satisfies(h -> {
            assertThat(h.hold().kind().name()).isEqualTo("DISPUTE");
            assertThat(h.hold().invoiceId()).isEqualTo(customer + "-I1");
            assertThat(h.hold().until()).isEqualTo(today.plusDays(30));
            assertThat(h.reason()).isEqualTo("Customer disputes the delivery of invoice 1");
            assertThat(h.createdBy()).isEqualTo(CONTROLLER);
        });
        long holdId = stored.get(0).id();
        assertThat(browser.text("tr[data-hold='" + holdId + "'] .created-by")).isEqualTo(CONTROLLER);
        assertThat(browser.text("tr[data-hold='" + holdId + "'] .state")).isEqualTo("active");

        // The API shows the same hold, with who added it; a credit controller may now read it there too.
        String key = keys.create("customers-cc-" + System.nanoTime(), EnumSet.of(Role.CREDIT_CONTROLLER), "test")
                .key();
        JsonNode listed = json.readTree(new Api(port, json, key).get("/api/v1/customers/" + customer + "/holds").body());
        assertThat(listed).hasSize(1);
        assertThat(listed.get(0).get("createdBy").asString()).isEqualTo(CONTROLLER);
        assertThat(listed.get(0).get("active").asBoolean()).isTrue();
        browser.screenshot("customer");

        browser.driver().findElement(By.cssSelector("tr[data-hold='" + holdId + "'] button.end-hold")).click();
        // Read in the page rather than through an element, which htmx's swap may replace between find and read.
        browser.waitUntil(d -> String.valueOf(browser.driver().executeScript("const e = document.querySelector("
                + "arguments[0]); return e ? e.textContent : '';", "tr[data-hold='" + holdId + "'] .state")).strip()
                .startsWith("ended"));
        browser.checked();
        assertThat(browser.text("tr[data-hold='" + holdId + "'] .state")).isEqualTo("ended by " + CONTROLLER);
        StoredHold ended = holds.find(holdId).orElseThrow();
        assertThat(ended.ended()).isTrue();
        assertThat(ended.endedBy()).isEqualTo(CONTROLLER);

        // Ending a hold the customer does not have is the API's 404, on the console's problem page.
        browser.driver().executeScript("""
                const f = document.createElement('form'); f.method = 'post';
                f.action = '/console/customers/' + arguments[0] + '/holds/999999999/end';
                const t = document.createElement('input'); t.type = 'hidden'; t.name = '_csrf';
                t.value = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-TOKEN'];
                f.appendChild(t); document.body.appendChild(f); f.submit();""", customer);
        browser.waitUntil(d -> !d.findElements(By.cssSelector(".problem")).isEmpty());
        assertThat(browser.driver().getPageSource()).contains("999999999");
    }

    @Test
    void anAuditorSeesTheCustomersDecisionsWithLinksToThemAndNoHoldForm() {
        DecisionResponse made = decisions.decide(customer, null, "billing-test");
        browser.signIn(AUDITOR, PASSWORD);
        browser.visit("/console/customers/" + customer);
        assertThat(browser.driver().findElements(By.cssSelector("form.add-hold"))).isEmpty();
        browser.driver().findElement(By.linkText(made.decisionId())).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/decisions/" + made.decisionId()));
        browser.checked();
        assertThat(browser.text("h1")).isEqualTo("Decision for customer " + customer);
        assertThat(browser.text("#dispatched + .dispatched")).isNotBlank();
    }

    @Test
    void aVulnerableCustomerSentToAPersonIsInTheManualReviewQueueWithTheReason() {
        String vulnerable = customer + "-V";
        facts.upsertCustomer(aCustomer().id(vulnerable).consumer().vulnerable().in("US", "America/New_York", "USD")
                .build());
        facts.upsertInvoice(vulnerable, anInvoice().id(vulnerable + "-I1").amount("USD", "120.00")
                .due(LocalDate.now(ZoneId.of("America/New_York")).minusDays(46).toString()).build());
        facts.recordContact(vulnerable, new ContactAttempt(Instant.now().minus(Duration.ofDays(20)), Channel.EMAIL,
                Action.REMINDER, 3, Outcome.DELIVERED), null);
        DecisionResponse made = decisions.decide(vulnerable, null, "billing-test");
        assertThat(made.action()).as("a final notice, redirected to a person").isEqualTo("MANUAL_REVIEW");

        browser.signIn(CONTROLLER, PASSWORD);
        browser.visit("/console/queues");
        browser.driver().findElement(By.linkText("Manual review")).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/queues/manual-review"));
        browser.field("customerId").sendKeys(vulnerable);
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#queue table.reviews tbody tr")).size() == 1);
        browser.checked();
        assertThat(browser.text("tr[data-decision='" + made.decisionId() + "'] .reason"))
                .contains("flagged as vulnerable");
        // The queue's screenshot is WorkQueuePagesIT's, with the form that marks a review dealt with.
        browser.driver().findElement(By.linkText(vulnerable)).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/customers/" + vulnerable));
        browser.checked();
        assertThat(browser.text("dl.facts")).contains("vulnerable");
    }

    private void setDate(String id, LocalDate date) {
        browser.driver().executeScript("document.getElementById(arguments[0]).value = arguments[1];", id,
                date.toString());
    }

}
