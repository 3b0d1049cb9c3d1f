package dev.dunning.decisions.web;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.web.ConsolePeople.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Outcome;
import dev.dunning.decisions.DecisionService;
import dev.dunning.dispatch.ContactEventType;
import dev.dunning.dispatch.DispatchRequest;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.Dispatcher;
import dev.dunning.dispatch.OutboxEntry;
import dev.dunning.dispatch.OutboxStatus;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.FactsService;
import dev.dunning.security.ApiKeys;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.web.Api;
import dev.dunning.web.Browser;
import dev.dunning.web.ConsolePeople;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.EnumSet;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The work queues and what a decision dispatched, in a real browser against real parts: a database of its own, a real
 * SMTP server (GreenMail) for e-mail and a real HTTP server for the hand-over webhook. An approver approves a
 * hand-over with a comment (a rejection without one is refused, nothing changes), the API shows it approved and the
 * dispatcher then sends it; a credit controller marks a customer's manual review dealt with, with a note (not without
 * one, not twice); an admin re-queues a dead letter a credit controller may only look at; an auditor sees
 * on the decision page the e-mail that was sent, what came of it and the payment after it.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.dispatch.scheduled=false",
    "dunning.dispatch.backoff=0s",
    "dunning.dispatch.max-attempts=1"})
class WorkQueuePagesIT {

    /** Fixed names: the screenshots show who is signed in. */
    static final String APPROVER = "carla-approver";
    static final String ADMIN = "adam-admin";
    static final String AUDITOR = "alex-auditor";

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(0, "127.0.0.1", "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    static final HttpServer receiver = start();
    static final List<String> handedOver = new CopyOnWriteArrayList<>();

    static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", WorkQueuePagesIT::handle);
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void handle(HttpExchange exchange) throws IOException {
        exchange.getRequestBody().readAllBytes();
        handedOver.add(exchange.getRequestURI().getPath() + " " + exchange.getRequestHeaders()
                .getFirst("Idempotency-Key"));
        exchange.sendResponseHeaders(200, -1);
        exchange.close();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("queues").register(registry);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> smtp.getSmtp().getPort());
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        registry.add("dunning.dispatch.webhooks.COLLECTION_HANDOVER.url", () -> base + "/collection-handover");
        registry.add("dunning.dispatch.webhooks.COLLECTION_HANDOVER.secret", () -> "whsec-queues-1234");
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
    DecisionService decisions;
    @Autowired
    DispatchService dispatch;
    @Autowired
    Dispatcher dispatcher;
    @Autowired
    JsonMapper json;

    Browser browser;

    @BeforeEach
    void setUp() {
        ConsolePeople people = new ConsolePeople(users);
        people.fixed(APPROVER, Role.CREDIT_CONTROLLER);
        people.fixed(ADMIN, Role.ADMIN);
        people.fixed(AUDITOR, Role.AUDITOR);
        dispatcher.drain(); // entries of earlier tests are settled
        browser = Browser.on(port);
    }

    @Test
    void anApproverApprovesAHandOverWithACommentAndTheDispatcherThenSendsIt() throws Exception {
        String customer = "HAND-" + Long.toString(System.nanoTime(), 36);
        LocalDate today = LocalDate.now(ZoneOffset.UTC);
        facts.upsertCustomer(aCustomer().id(customer).consumer().in("US", "America/New_York", "USD").build());
        facts.upsertInvoice(customer, anInvoice().id(customer + "-I1").amount("USD", "900.00")
                .due(today.minusDays(95).toString()).build());
        // Stage 5 (a suspension) was reached: the ladder's next step is the hand-over, for a person to approve.
        facts.recordContact(customer, new ContactAttempt(Instant.now().minus(Duration.ofDays(20)), Channel.EMAIL,
                Action.REMINDER, 5, Outcome.DELIVERED), null);
        var made = decisions.decideAndDispatch(customer, null, "billing-test");
        OutboxEntry entry = made.entry().orElseThrow(() -> new AssertionError("no outbox entry: " + made.decision()));
        assertThat(entry.action()).isEqualTo("COLLECTION_HANDOVER");
        assertThat(entry.status()).isEqualTo(OutboxStatus.AWAITING_APPROVAL);
        String id = entry.decisionId();

        browser.signIn(APPROVER, PASSWORD);
        browser.visit("/console/queues");
        assertThat(browser.text(".count-approvals")).contains("await approval");
        browser.visit("/console/queues/approvals");
        browser.field("customerId").sendKeys(customer);
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#queue article.approval")).size() == 1);
        browser.checked();
        assertThat(browser.path()).as("htmx pushed the filter into the address").contains("customerId=" + customer);
        WebElement item = browser.driver().findElement(By.cssSelector("article[data-decision='" + id + "']"));
        assertThat(item.findElement(By.cssSelector(".explanation")).getText())
                .contains("a person must approve it");

        browser.screenshot("queues-approvals");

        // A rejection without a comment is refused with the API's sentence; nothing changes.
        item.findElement(By.cssSelector("button.reject")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#reason-problem-" + id)).isEmpty());
        browser.checked();
        assertThat(browser.text("#reason-problem-" + id)).isEqualTo("reason: must not be blank");
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.AWAITING_APPROVAL);

        browser.field("reason-" + id).sendKeys("Six reminders and a suspension unanswered; hand over.");
        browser.driver().findElement(By.cssSelector("article[data-decision='" + id + "'] button.approve")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#queue .notice.done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#queue .notice.done")).isEqualTo("Approved: COLLECTION_HANDOVER for customer "
                + customer + " will be sent when due.");
        assertThat(browser.driver().findElements(By.cssSelector("article[data-decision='" + id + "']"))).isEmpty();

        // The API shows it approved, by the person, with the comment.
        String key = keys.create("queues-cc-" + System.nanoTime(), EnumSet.of(Role.CREDIT_CONTROLLER), "test").key();
        JsonNode approved = json.readTree(new Api(port, json, key).get("/api/v1/outbox/" + id).body());
        assertThat(approved.get("status").asString()).isEqualTo("PENDING");
        assertThat(approved.get("reviewedBy").asString()).isEqualTo(APPROVER);
        assertThat(approved.get("reviewReason").asString())
                .isEqualTo("Six reminders and a suspension unanswered; hand over.");

        // And dispatch follows, as docs/dispatch.md has it: sent when due, to the hand-over webhook.
        dispatcher.drain();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);
        assertThat(handedOver).contains("/collection-handover " + id);
    }

    @Test
    void aDeadLetterIsReQueuedByAnAdminWhileACreditControllerMayOnlyLookAtIt() throws Exception {
        String customer = "DEAD-" + Long.toString(System.nanoTime(), 36);
        // No e-mail address: the reminder cannot be sent, and with one attempt allowed it is a dead letter at once.
        facts.upsertCustomer(aCustomer().id(customer).consumer().in("US", "America/New_York", "USD").build());
        facts.upsertInvoice(customer, anInvoice().id(customer + "-I1").amount("USD", "120.00")
                .due(LocalDate.now(ZoneOffset.UTC).minusDays(10).toString()).build());
        String id = UUID.randomUUID().toString();
        dispatch.enqueue(new DispatchRequest(id, customer, Instant.now(), "REMINDER", "EMAIL", "FRIENDLY", 1,
                "reminder-friendly", List.of(customer + "-I1"), null, false, "0".repeat(64),
                "{\"decisionId\":\"" + id + "\"}"));
        dispatcher.drain();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.DEAD);

        browser.signIn(APPROVER, PASSWORD);
        browser.visit("/console/queues/dead-letters?customerId=" + customer);
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-decision='" + id + "']"))).hasSize(1);
        assertThat(browser.driver().findElements(By.cssSelector("button.requeue")))
                .as("a credit controller looks, as the API lets them; re-queueing is the admins'").isEmpty();
        // A queue's pages keep its filter: the link to the newer page names the customer (and the channel).
        browser.visit("/console/queues/dead-letters?customerId=" + customer + "&channel=EMAIL&page=1");
        assertThat(browser.driver().findElement(By.cssSelector(".paging a[rel=prev]")).getAttribute("href"))
                .contains("customerId=" + customer, "channel=EMAIL", "page=0");
        assertThat(browser.driver().findElements(By.cssSelector(".paging a[rel=next]"))).as("no older page").isEmpty();
        browser.visit("/console/queues/approvals?customerId=" + customer + "&page=1");
        assertThat(browser.driver().findElement(By.cssSelector(".paging a[rel=prev]")).getAttribute("href"))
                .contains("customerId=" + customer, "page=0");
        browser.driver().findElement(By.cssSelector(".signed-in button")).click();

        browser.signIn(ADMIN, PASSWORD);
        browser.visit("/console/queues/dead-letters");
        browser.field("customerId").sendKeys(customer);
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#queue tr[data-decision]")).size() == 1);
        browser.checked();
        assertThat(browser.text("tr[data-decision='" + id + "'] .last-error")).isNotBlank();
        browser.screenshot("queues-dead-letters");
        browser.driver().findElement(By.cssSelector("tr[data-decision='" + id + "'] button.requeue")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#queue .notice.done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#queue .notice.done")).isEqualTo("Re-queued: the message to customer " + customer
                + " is due now.");
        OutboxEntry requeued = dispatch.find(id);
        assertThat(requeued.status()).isEqualTo(OutboxStatus.PENDING);
        assertThat(requeued.attempts()).isZero();

        // Re-queueing it again (a second tab, a double click) gets the API's conflict sentence and changes nothing.
        browser.driver().executeScript("""
                const f = document.createElement('form'); f.method = 'post';
                f.action = '/console/queues/dead-letters/' + arguments[0] + '/requeue';
                const t = document.createElement('input'); t.type = 'hidden'; t.name = '_csrf';
                t.value = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-TOKEN'];
                f.appendChild(t); document.body.appendChild(f); f.submit();""", id);
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#queue .notice.error")).isEmpty());
        browser.checked();
        assertThat(browser.text("#queue .notice.error")).isEqualTo("the outbox entry of decision " + id
                + " is PENDING; only DEAD entries can be re-queued");
        assertThat(dispatch.find(id).updatedAt()).isEqualTo(requeued.updatedAt());
    }

    @Test
    void aControllerMarksAManualReviewDealtWithANoteWhichABlankNoteAndASecondTimeCannotDo() throws Exception {
        String customer = "CARE-" + Long.toString(System.nanoTime(), 36);
        facts.upsertCustomer(aCustomer().id(customer).consumer().vulnerable().in("US", "America/New_York", "USD")
                .build());
        facts.upsertInvoice(customer, anInvoice().id(customer + "-I1").amount("USD", "120.00")
                .due(LocalDate.now(ZoneId.of("America/New_York")).minusDays(46).toString()).build());
        facts.recordContact(customer, new ContactAttempt(Instant.now().minus(Duration.ofDays(20)), Channel.EMAIL,
                Action.REMINDER, 3, Outcome.DELIVERED), null);
        decisions.decide(customer, null, "billing-test"); // an older one: the queue shows the latest only
        var made = decisions.decide(customer, null, "billing-test");
        assertThat(made.action()).as("a final notice, redirected to a person").isEqualTo("MANUAL_REVIEW");
        String id = made.decisionId();

        browser.signIn(APPROVER, PASSWORD);
        browser.visit("/console/queues");
        browser.driver().findElement(By.linkText("Manual review")).click();
        browser.waitUntil(d -> d.getCurrentUrl().endsWith("/console/queues/manual-review"));
        browser.field("customerId").sendKeys(customer);
        browser.driver().findElement(By.cssSelector("form.search button[type=submit]")).click();
        browser.waitUntil(d -> d.findElements(By.cssSelector("#queue table.reviews tbody tr")).size() == 1);
        browser.checked();
        assertThat(browser.text("tr[data-decision='" + id + "'] .reason")).contains("flagged as vulnerable");
        browser.screenshot("queues-manual-review");

        // Without a note: the service's sentence beside the entry, nothing written, the entry still open.
        browser.driver().findElement(By.cssSelector("tr[data-decision='" + id + "'] button.dealt-with")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#note-problem-" + id)).isEmpty());
        browser.checked();
        assertThat(browser.text("#note-problem-" + id)).startsWith("say what was done");
        assertThat(dealtWith(customer).get("reviews")).isEmpty();

        browser.field("note-" + id).sendKeys("Spoke to the customer's carer; payment plan agreed.");
        browser.driver().findElement(By.cssSelector("tr[data-decision='" + id + "'] button.dealt-with")).click();
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#queue .notice.done")).isEmpty());
        browser.checked();
        assertThat(browser.text("#queue .notice.done")).startsWith("Dealt with: the manual review of customer "
                + customer);
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-decision='" + id + "']"))).isEmpty();

        // The API shows it dealt with, by the person, with the note.
        JsonNode dealt = dealtWith(customer).get("reviews").get(0);
        assertThat(dealt.get("decisionId").asString()).isEqualTo(id);
        assertThat(dealt.get("dealtWith").get("by").asString()).isEqualTo(APPROVER);
        assertThat(dealt.get("dealtWith").get("note").asString())
                .isEqualTo("Spoke to the customer's carer; payment plan agreed.");

        // The dealt-with filter shows who, when and what.
        browser.visit("/console/queues/manual-review?state=DEALT_WITH&customerId=" + customer);
        browser.checked();
        assertThat(browser.text("tr[data-decision='" + id + "'] .by")).isEqualTo(APPROVER);
        assertThat(browser.text("tr[data-decision='" + id + "'] .note"))
                .isEqualTo("Spoke to the customer's carer; payment plan agreed.");

        // A second time, as a plain form (a second tab, no JavaScript): the service's conflict sentence above the
        // queue, since the entry has left it, and nothing written.
        browser.visit("/console/queues/manual-review");
        browser.driver().executeScript("""
                const f = document.createElement('form'); f.method = 'post';
                f.action = '/console/queues/manual-review/' + arguments[0] + '/dealt-with';
                for (const [k, v] of [['note', 'called again'],
                        ['_csrf', JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-TOKEN']]]) {
                    const t = document.createElement('input'); t.type = 'hidden'; t.name = k; t.value = v;
                    f.appendChild(t);
                }
                document.body.appendChild(f); f.submit();""", id);
        browser.waitUntil(d -> !d.findElements(By.cssSelector("#queue .notice.error")).isEmpty());
        browser.checked();
        assertThat(browser.text("#queue .notice.error")).startsWith("the manual review of decision " + id
                + " was dealt with already, by " + APPROVER + " at ");
        assertThat(dealtWith(customer).get("reviews")).hasSize(1);

        // An auditor reads the queue but has no form to change it.
        browser.driver().findElement(By.cssSelector(".signed-in button")).click();
        browser.signIn(AUDITOR, PASSWORD);
        browser.visit("/console/queues/manual-review?state=DEALT_WITH&customerId=" + customer);
        assertThat(browser.driver().findElements(By.cssSelector("tr[data-decision='" + id + "']"))).hasSize(1);
        browser.visit("/console/queues/manual-review");
        assertThat(browser.driver().findElements(By.cssSelector("form.dealt-with"))).isEmpty();
    }

    private JsonNode dealtWith(String customer) {
        String key = keys.create("queues-mr-" + System.nanoTime(), EnumSet.of(Role.CREDIT_CONTROLLER), "test").key();
        return json.readTree(new Api(port, json, key).get("/api/v1/manual-reviews?state=DEALT_WITH&customerId="
                + customer).body());
    }

    @Test
    void theDecisionPageShowsTheSentEMailWhatCameOfItAndThePaymentAfterIt() throws Exception {
        String customer = "SENT-" + Long.toString(System.nanoTime(), 36);
        String email = customer.toLowerCase() + "@customer.example";
        facts.upsertCustomer(aCustomer().id(customer).consumer().language("en").in("US", daytimeZone(), "USD")
                .build(), new ContactDetails(email, null, null, null, null));
        String invoice = customer + "-I1";
        facts.upsertInvoice(customer, anInvoice().id(invoice).amount("USD", "120.00")
                .due(LocalDate.now(ZoneOffset.UTC).minusDays(10).toString()).build());
        var made = decisions.decideAndDispatch(customer, null, "billing-test");
        OutboxEntry entry = made.entry().orElseThrow(() -> new AssertionError("no outbox entry: " + made.decision()));
        assertThat(entry.route()).isEqualTo("EMAIL");
        String id = entry.decisionId();
        dispatcher.drain();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);
        assertThat(smtp.getReceivedMessagesForDomain(email)).hasSize(1);
        dispatch.record(id, ContactEventType.OPENED, false, null);
        facts.recordPayment(invoice, new FactsService.NewPayment(new BigDecimal("120.00"), "USD",
                Instant.now(), "PAY-" + customer));

        browser.signIn(AUDITOR, PASSWORD);
        browser.visit("/console/decisions/" + id);
        assertThat(browser.text(".outbox-entry .outbox-status")).isEqualTo("SENT");
        assertThat(browser.text(".message-key")).startsWith("<" + id + "@");
        assertThat(browser.text(".contact-outcome")).isEqualTo("OPENED");
        List<String> events = browser.driver().findElements(By.cssSelector("table.events tbody tr")).stream()
                .map(r -> r.getAttribute("data-event")).toList();
        assertThat(events).containsExactly("queued", "sent", "paid");
        assertThat(browser.text("table.events tr[data-event=sent]")).contains(email);
        assertThat(browser.text("table.events tr[data-event=paid]")).contains("USD 120.00");
        browser.driver().executeScript("document.getElementById('dispatched').scrollIntoView();");
        browser.screenshot("decision-dispatched");
    }

    /** A time zone where it is between 10:00 and 17:00 now, so that quiet hours hold nothing back. */
    static String daytimeZone() {
        int hour = ZonedDateTime.now(ZoneOffset.UTC).getHour();
        for (int offset = -10; offset <= 12; offset++) {
            int local = Math.floorMod(hour + offset, 24);
            if (local >= 10 && local <= 17) {
                // Etc/GMT names count the other way round: Etc/GMT-3 is three hours ahead of UTC.
                return offset == 0 ? "Etc/UTC" : "Etc/GMT" + (offset > 0 ? "-" : "+") + Math.abs(offset);
            }
        }
        throw new IllegalStateException("no zone found");
    }

}
