package dev.dunning.dispatch;

import static dev.dunning.decision.TestData.aCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Complaint;
import dev.dunning.decision.Outcome;
import dev.dunning.facts.Contacts;
import dev.dunning.facts.CustomerContactDetails;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.StoredContact;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.internet.MimeMessage;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * E-mail dispatch end to end: decisions into the outbox, a dispatcher pass, and a real SMTP server (GreenMail) that
 * receives the messages; in a database of its own, with the schedule off so that each pass is the test's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.dispatch.scheduled=false",
    "dunning.dispatch.backoff=0s",
    "dunning.dispatch.max-attempts=3",
    "dunning.dispatch.company.name=Acme Billing GmbH",
    "dunning.dispatch.company.email=billing@acme.example",
    "dunning.dispatch.company.phone=+49 30 1234567",
    "dunning.dispatch.company.payment-url=https://pay.acme.example/{customerId}"})
class EmailDispatchIT {

    /** A fixed free port, so that the server can be stopped and started again on it. */
    static final int SMTP_PORT = freePort();

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    static int freePort() {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("dispatch_mail");
        db.register(registry);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", () -> SMTP_PORT);
    }

    @LocalServerPort
    int port;

    @Autowired
    FactsService facts;

    @Autowired
    DispatchService dispatch;

    @Autowired
    Dispatcher dispatcher;

    @Autowired
    Contacts contacts;

    @Autowired
    CustomerFacts customerFacts;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper json;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Outbox outbox;

    @Autowired
    CustomerContactDetails contactDetails;

    @Autowired
    MessageFacts.Loader messageFacts;

    @Autowired
    EmailChannel email;

    @Autowired
    WebhookChannel webhooks;

    @Autowired
    DispatchProperties properties;

    @Autowired
    DispatchMetrics metrics;

    Fixtures fixtures;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() throws Exception {
        fixtures = new Fixtures(facts);
        // Entries of earlier tests are settled, so each test's pass sends only its own.
        dispatcher.drain();
        smtp.purgeEmailFromAllMailboxes();
    }

    @Test
    void decisionWithDispatchSendsAFriendlyEnglishReminderWithAmountsWayToPayAndOptOut() throws Exception {
        Fixtures.Customer c = fixtures.customer(aCustomer().language("en").in("US", "America/New_York", "USD")
                .thirdPartyCollection(), "USD");

        JsonNode decided = post("/api/v1/decisions", "{\"customerId\": \"" + c.id()
                + "\", \"asOf\": \"2025-03-11T15:00:00Z\", \"dispatch\": true}");
        assertThat(decided.get("action").asString()).isEqualTo("REMINDER");
        assertThat(decided.get("channel").asString()).isEqualTo("EMAIL");
        assertThat(decided.get("tone").asString()).isEqualTo("FRIENDLY");
        String decisionId = decided.get("decisionId").asString();
        assertThat(decided.get("dispatch").get("status").asString()).isEqualTo("PENDING");
        assertThat(decided.get("dispatch").get("decisionId").asString()).isEqualTo(decisionId);
        double sentBefore = count("sent", "EMAIL");

        assertThat(dispatcher.runOnce()).isEqualTo(1);

        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        MimeMessage mail = received[0];
        assertThat(mail.getRecipients(Message.RecipientType.TO)).extracting(Object::toString).containsExactly(c.email());
        assertThat(mail.getFrom()[0].toString()).contains("billing@acme.example").contains("Acme Billing GmbH");
        assertThat(mail.getSubject()).isEqualTo("A friendly reminder: USD 1,234.50 is open");
        assertThat(mail.getHeader("Content-Language")).containsExactly("en");
        assertThat(mail.getHeader(EmailChannel.IDEMPOTENCY_HEADER)).containsExactly(decisionId);
        assertThat(mail.getMessageID()).isEqualTo("<" + decisionId + "@acme.example>");
        String text = part(mail, "text/plain");
        String html = part(mail, "text/html");
        assertThat(text).contains("Hello Test Customer,", "friendly reminder", "Invoice N-" + c.invoiceId(),
                "March 5, 2025", "USD 1,234.50", "https://pay.acme.example/" + c.id(), "+49 30 1234567",
                "Opt out here:");
        assertThat(html).contains("<html lang=\"en\"", "USD 1,234.50", "href=\"https://pay.acme.example/" + c.id(),
                "Opt out here:");
        assertThat(count("sent", "EMAIL")).isEqualTo(sentBefore + 1);

        OutboxEntry entry = dispatch.find(decisionId);
        assertThat(entry.status()).isEqualTo(OutboxStatus.SENT);
        assertThat(entry.recipient()).isEqualTo(c.email());
        StoredContact contact = contacts.find(entry.contactId()).orElseThrow();
        assertThat(contact.attempt().outcome()).isEqualTo(Outcome.SENT);
        assertThat(contact.attempt().channel()).isEqualTo(Channel.EMAIL);
        assertThat(contact.attempt().stage()).isEqualTo(1);
        // The next decision sees the reminder: the stage is reached, so the same reminder is not proposed again.
        var nextFacts = customerFacts.load(c.id(), Instant.now()).orElseThrow();
        assertThat(nextFacts.contacts()).extracting(a -> a.outcome()).containsExactly(Outcome.SENT);
        assertThat(dispatcher.runOnce()).isZero();
        assertThat(smtp.getReceivedMessages()).hasSize(1);
    }

    @Test
    void firmGermanReminderIsWrittenInGermanWithGermanAmountsAndNoOptOutWhereThePolicyAsksNone() throws Exception {
        Fixtures.Customer c = fixtures.customer(aCustomer().language("de").in("DE", "Europe/Berlin", "EUR"), "EUR");
        dispatch.enqueue(Fixtures.reminder(c, "FIRM"));

        dispatcher.runOnce();

        MimeMessage mail = single();
        assertThat(mail.getSubject()).isEqualTo("Zahlung überfällig: Bitte zahlen Sie jetzt 1.234,50 EUR");
        assertThat(mail.getHeader("Content-Language")).containsExactly("de");
        String text = part(mail, "text/plain");
        assertThat(text).contains("Guten Tag Test Customer,", "Trotz unserer bisherigen Erinnerungen",
                "Fällig am 5. März 2025: 1.234,50 EUR", "Mit freundlichen Grüßen", "Acme Billing GmbH")
                .doesNotContain("widersprechen", "Opt out");
    }

    @Test
    void eachToneHasItsOwnWording() throws Exception {
        Fixtures.Customer friendly = fixtures.englishCustomer();
        Fixtures.Customer formal = fixtures.englishCustomer();
        dispatch.enqueue(Fixtures.reminder(friendly, "FRIENDLY"));
        dispatch.enqueue(Fixtures.reminder(formal, "FORMAL"));

        dispatcher.runOnce();

        assertThat(smtp.getReceivedMessages()).extracting(MimeMessage::getSubject).containsExactlyInAnyOrder(
                "A friendly reminder: USD 1,234.50 is open", "Formal request for payment: USD 1,234.50");
        for (MimeMessage m : smtp.getReceivedMessages()) {
            String text = part(m, "text/plain");
            if (m.getSubject().startsWith("Formal")) {
                assertThat(text).contains("We formally request payment").doesNotContain("We hope all is well");
            } else {
                assertThat(text).contains("We hope all is well").doesNotContain("formally");
            }
        }
    }

    @Test
    void aLanguageWithoutWordingFallsBackToEnglish() throws Exception {
        Fixtures.Customer c = fixtures.customer(aCustomer().language("fr").in("FR", "Europe/Paris", "EUR"), "EUR");
        dispatch.enqueue(Fixtures.request(c, "FINAL_NOTICE", "EMAIL", "FORMAL", 4, null, false));

        dispatcher.runOnce();

        MimeMessage mail = single();
        assertThat(mail.getSubject()).isEqualTo("Final notice: EUR 1,234.50 overdue");
        assertThat(mail.getHeader("Content-Language")).containsExactly("en");
    }

    @Test
    void anEntryIsNotSentBeforeItsNotBefore() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        Instant notBefore = Instant.now().plus(Duration.ofHours(2));
        String id = dispatch.enqueue(Fixtures.request(c, "REMINDER", "EMAIL", "NEUTRAL", 1, notBefore, false))
                .orElseThrow().decisionId();

        assertThat(dispatcher.runOnce()).isZero();
        assertThat(dispatcher.runOnce(notBefore.minusSeconds(1))).isZero();
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.PENDING);

        assertThat(dispatcher.runOnce(notBefore)).isEqualTo(1);
        assertThat(single().getSubject()).startsWith("Payment reminder");
    }

    @Test
    void aNewerDecisionSupersedesTheUnsentEntryOfTheSameCustomer() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        Fixtures.Customer other = fixtures.englishCustomer();
        Instant later = Instant.now().plus(Duration.ofHours(1));
        String older = dispatch.enqueue(Fixtures.request(c, "REMINDER", "EMAIL", "FRIENDLY", 1, later, false))
                .orElseThrow().decisionId();
        String untouched = dispatch.enqueue(Fixtures.reminder(other, "FRIENDLY")).orElseThrow().decisionId();
        double supersededBefore = count("superseded", "EMAIL");

        String newer = dispatch.enqueue(Fixtures.reminder(c, "FIRM")).orElseThrow().decisionId();

        assertThat(dispatch.find(older).status()).isEqualTo(OutboxStatus.SUPERSEDED);
        assertThat(dispatch.find(older).supersededBy()).isEqualTo(newer);
        assertThat(dispatch.find(untouched).status()).isEqualTo(OutboxStatus.PENDING);
        assertThat(count("superseded", "EMAIL")).isEqualTo(supersededBefore + 1);
        dispatcher.runOnce(later.plusSeconds(1));
        assertThat(smtp.getReceivedMessages()).hasSize(2)
                .extracting(m -> m.getHeader(EmailChannel.IDEMPOTENCY_HEADER)[0])
                .containsExactlyInAnyOrder(newer, untouched);
        assertThat(dispatch.find(older).status()).isEqualTo(OutboxStatus.SUPERSEDED);
    }

    @Test
    void aDecisionToDoNothingAfterPaymentWithdrawsTheWaitingReminder() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        String reminder = dispatch.enqueue(Fixtures.request(c, "REMINDER", "EMAIL", "FRIENDLY", 1,
                Instant.now().plus(Duration.ofHours(1)), false)).orElseThrow().decisionId();

        var nothing = dispatch.enqueue(Fixtures.request(c, "NO_ACTION", "NONE", null, 1, null, false));

        assertThat(nothing).isEmpty();
        assertThat(dispatch.find(reminder).status()).isEqualTo(OutboxStatus.SUPERSEDED);
    }

    @Test
    void aReminderForInvoicesPaidBeforeSendingIsNotSent() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        String id = dispatch.enqueue(Fixtures.reminder(c, "FRIENDLY")).orElseThrow().decisionId();
        facts.recordPayment(c.invoiceId(), new FactsService.NewPayment(new java.math.BigDecimal("1234.50"), "USD",
                null, "paid-" + id));

        dispatcher.runOnce();

        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SUPERSEDED);
        assertThat(dispatch.find(id).lastError()).contains("paid");
    }

    @Test
    void withoutAnAddressTheEntryIsADeadLetterThatCanBeRequeuedOnceTheAddressIsThere() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        facts.upsertCustomer(aCustomer().id(c.id()).language("en").build(),
                new dev.dunning.facts.ContactDetails(null, null, null, null, null));
        String id = dispatch.enqueue(Fixtures.reminder(c, "FRIENDLY")).orElseThrow().decisionId();

        dispatcher.runOnce();

        OutboxEntry dead = dispatch.find(id);
        assertThat(dead.status()).isEqualTo(OutboxStatus.DEAD);
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.lastError()).contains("has no e-mail address", "PUT /api/v1/customers/" + c.id());
        assertThat(contacts.find(dead.contactId()).orElseThrow().attempt().outcome()).isEqualTo(Outcome.FAILED);
        JsonNode letters = get("/api/v1/outbox/dead-letters?customerId=" + c.id());
        assertThat(letters.get("total").asLong()).isEqualTo(1);
        assertThat(letters.get("items").get(0).get("decisionId").asString()).isEqualTo(id);

        facts.upsertCustomer(aCustomer().id(c.id()).language("en").build(),
                new dev.dunning.facts.ContactDetails(c.email(), null, null, null, null));
        JsonNode requeued = post("/api/v1/outbox/" + id + "/requeue", "");
        assertThat(requeued.get("status").asString()).isEqualTo("PENDING");
        assertThat(postStatus("/api/v1/outbox/" + id + "/requeue", "")).isEqualTo(409);
        dispatcher.runOnce();

        assertThat(single().getHeader(EmailChannel.IDEMPOTENCY_HEADER)).containsExactly(id);
        OutboxEntry sent = dispatch.find(id);
        assertThat(sent.status()).isEqualTo(OutboxStatus.SENT);
        // Still one contact attempt for the message: the failed one became the sent one.
        assertThat(sent.contactId()).isEqualTo(dead.contactId());
        assertThat(contacts.find(sent.contactId()).orElseThrow().attempt().outcome()).isEqualTo(Outcome.SENT);
    }

    /**
     * The decision was made while the customer could still be contacted; the request not to be contacted came after
     * the entry was queued. The dispatcher reads the customer again at send time, so nothing goes out, and no retry
     * could change that: a dead letter naming the reason. Another customer's entry in the same pass is still sent.
     */
    @Test
    void aCustomerWhoAskedNotToBeContactedAfterTheEntryWasQueuedGetsNoEmail() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        Fixtures.Customer other = fixtures.englishCustomer();
        String id = dispatch.enqueue(Fixtures.reminder(c, "FRIENDLY")).orElseThrow().decisionId();
        String othersId = dispatch.enqueue(Fixtures.reminder(other, "FRIENDLY")).orElseThrow().decisionId();
        double deadBefore = count("dead", "EMAIL");

        // Address and e-mail consent stay as they were: only the do-not-contact flag stands between entry and send.
        facts.upsertCustomer(aCustomer().id(c.id()).language("en").doNotContact().build(), null);
        assertThat(get("/api/v1/customers/" + c.id()).get("doNotContact").asBoolean()).isTrue();
        assertThat(get("/api/v1/outbox/" + id + "/preview").get("problem").asString())
                .contains("asked not to be contacted");

        dispatcher.runOnce();

        assertThat(ids(smtp.getReceivedMessages())).containsExactly(othersId);
        OutboxEntry dead = dispatch.find(id);
        assertThat(dead.status()).isEqualTo(OutboxStatus.DEAD);
        assertThat(dead.attempts()).isEqualTo(1);
        assertThat(dead.lastError()).contains("customer " + c.id() + " asked not to be contacted", "nothing was sent");
        assertThat(contacts.find(dead.contactId()).orElseThrow().attempt().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(count("dead", "EMAIL")).isEqualTo(deadBefore + 1);

        // Re-queued by an operator while the flag still stands: still nothing sent.
        post("/api/v1/outbox/" + id + "/requeue", "");
        dispatcher.runOnce();
        assertThat(ids(smtp.getReceivedMessages())).containsExactly(othersId);
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.DEAD);
    }

    @Test
    void anSmtpServerThatIsDownIsRetriedThenTheEntryIsDead() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        String id = dispatch.enqueue(Fixtures.reminder(c, "FRIENDLY")).orElseThrow().decisionId();
        smtp.stop();
        try {
            dispatcher.runOnce();
            assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.PENDING);
            assertThat(dispatch.find(id).attempts()).isEqualTo(1);
            dispatcher.runOnce();
            dispatcher.runOnce();
            OutboxEntry dead = dispatch.find(id);
            assertThat(dead.status()).isEqualTo(OutboxStatus.DEAD);
            assertThat(dead.attempts()).isEqualTo(3);
            assertThat(dead.lastError()).contains("gave up after 3 attempts", "SMTP");
        } finally {
            smtp.start();
        }
    }

    @Test
    void aHardBounceWithdrawsTheAddressAndTheNextDecisionUsesAnotherChannel() throws Exception {
        Fixtures.Customer c = fixtures.customer(aCustomer().language("en").in("US", "America/New_York", "USD"), "USD");
        JsonNode decided = post("/api/v1/decisions", "{\"customerId\": \"" + c.id()
                + "\", \"asOf\": \"2025-03-11T15:00:00Z\", \"dispatch\": true}");
        String id = decided.get("decisionId").asString();
        dispatcher.runOnce();
        assertThat(single().getHeader(EmailChannel.IDEMPOTENCY_HEADER)).containsExactly(id);

        JsonNode opened = post("/api/v1/contact-events", "{\"decisionId\": \"" + id + "\", \"type\": \"OPENED\"}");
        assertThat(opened.get("contact").get("outcome").asString()).isEqualTo("OPENED");
        assertThat(postStatus("/api/v1/contact-events", "{\"decisionId\": \"" + id + "\", \"type\": \"BOUNCED\"}"))
                .isEqualTo(400);
        JsonNode bounced = post("/api/v1/contact-events", "{\"decisionId\": \"" + id
                + "\", \"type\": \"BOUNCED\", \"bounce\": \"HARD\", \"detail\": \"550 no such user\"}");

        assertThat(bounced.get("emailWithdrawn").asBoolean()).isTrue();
        assertThat(bounced.get("contact").get("outcome").asString()).isEqualTo("BOUNCED");
        JsonNode customer = get("/api/v1/customers/" + c.id());
        assertThat(customer.get("email").asString()).isEqualTo(c.email());
        assertThat(customer.get("emailWithdrawnReason").asString()).contains("550 no such user");
        // The customer's own consent is unchanged; decisions no longer see a usable e-mail.
        assertThat(customer.get("consents").get("EMAIL").asBoolean()).isTrue();
        assertThat(customerFacts.load(c.id(), Instant.now()).orElseThrow().customer().consentsTo(Channel.EMAIL))
                .isFalse();
        JsonNode next = post("/api/v1/decisions", "{\"customerId\": \"" + c.id()
                + "\", \"asOf\": \"2025-03-25T15:00:00Z\"}");
        assertThat(next.get("channel").asString()).isNotEqualTo("EMAIL").isNotEqualTo("NONE");
    }

    @Test
    void aSpamReportIsCountedButWithdrawsTheAddressOnlyWhereTheSettingSaysSo() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        String id = dispatch.enqueue(Fixtures.reminder(c, "FIRM")).orElseThrow().decisionId();
        dispatcher.runOnce();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);

        JsonNode spam = post("/api/v1/contact-events", "{\"decisionId\": \"" + id
                + "\", \"type\": \"COMPLAINED\", \"complaint\": \"SPAM_REPORT\", \"detail\": \"ARF\"}");

        // By default a collection notice is a legitimate message: the report is counted, the address stays in use.
        assertThat(properties.spamReportWithdrawsEmail()).isFalse();
        assertThat(spam.get("contact").get("complaint").asString()).isEqualTo("SPAM_REPORT");
        assertThat(spam.get("emailWithdrawn").asBoolean()).isFalse();
        assertThat(spam.get("smsWithdrawn").asBoolean()).isFalse();
        assertThat(get("/api/v1/customers/" + c.id()).hasNonNull("emailWithdrawnAt")).isFalse();
        assertThat(customerFacts.load(c.id(), Instant.now()).orElseThrow().customer().consentsTo(Channel.EMAIL))
                .isTrue();
        // A STOP reply answers a text, not an e-mail: refused, and nothing is written.
        assertThat(postStatus("/api/v1/contact-events", "{\"decisionId\": \"" + id
                + "\", \"type\": \"COMPLAINED\", \"complaint\": \"STOP_REPLY\"}")).isEqualTo(400);
        assertThat(contacts.find(dispatch.find(id).contactId()).orElseThrow().attempt().complaint())
                .isEqualTo(Complaint.SPAM_REPORT);

        // With dunning.dispatch.spam-report-withdraws-email=true, a spam report withdraws it as a hard bounce does.
        DispatchProperties p = properties;
        DispatchService obeying = new DispatchService(outbox, contacts, contactDetails, messageFacts, email, webhooks,
                new DispatchProperties(p.scheduled(), p.interval(), p.batchSize(), p.lease(), p.maxAttempts(),
                        p.backoff(), p.maxBackoff(), p.jitter(), p.instanceId(), p.webhookTimeout(), p.webhooks(),
                        p.company(), p.optOutAlways(), p.smtp(), p.webhookConcurrency(), true),
                metrics, java.time.Clock.systemUTC());
        String next = dispatch.enqueue(Fixtures.reminder(c, "FORMAL")).orElseThrow().decisionId();
        dispatcher.runOnce();
        DispatchService.EventResult withdrawn = obeying.record(next, ContactEventType.COMPLAINED, false,
                Complaint.SPAM_REPORT, "ARF");
        assertThat(withdrawn.emailWithdrawn()).isTrue();
        assertThat(get("/api/v1/customers/" + c.id()).get("emailWithdrawnReason").asString())
                .isEqualTo("spam report of decision " + next + ": ARF");
        assertThat(customerFacts.load(c.id(), Instant.now()).orElseThrow().customer().consentsTo(Channel.EMAIL))
                .isFalse();
    }

    @Test
    void previewRendersTheMessageWithoutSendingIt() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        String id = dispatch.enqueue(Fixtures.request(c, "UPDATE_PAYMENT_METHOD", "EMAIL", "FRIENDLY", 1, null, false))
                .orElseThrow().decisionId();

        JsonNode preview = get("/api/v1/outbox/" + id + "/preview");

        assertThat(preview.get("route").asString()).isEqualTo("EMAIL");
        assertThat(preview.get("email").get("to").asString()).isEqualTo(c.email());
        assertThat(preview.get("email").get("subject").asString()).isEqualTo("Please update your payment method");
        assertThat(preview.get("email").get("text").asString()).contains("Update payment method: https://");
        assertThat(preview.get("email").get("html").asString()).contains("<table");
        assertThat(smtp.getReceivedMessages()).isEmpty();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.PENDING);
    }

    @Test
    void theOutboxIsListedByStatusChannelAndCustomer() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        String id = dispatch.enqueue(Fixtures.reminder(c, "FRIENDLY")).orElseThrow().decisionId();

        JsonNode pending = get("/api/v1/outbox?status=PENDING&channel=email&customerId=" + c.id());
        assertThat(pending.get("total").asLong()).isEqualTo(1);
        assertThat(pending.get("items").get(0).get("decisionId").asString()).isEqualTo(id);
        assertThat(get("/api/v1/outbox?status=SENT&customerId=" + c.id()).get("total").asLong()).isZero();
        assertThat(get("/api/v1/outbox?channel=SMS&customerId=" + c.id()).get("total").asLong()).isZero();
        assertThat(getStatus("/api/v1/outbox?status=LOST")).isEqualTo(400);
        assertThat(getStatus("/api/v1/outbox/no-such-decision")).isEqualTo(404);
    }

    // --- helpers --------------------------------------------------------------------------------------------------

    /**
     * The audit record and the outbox entry commit together: when the entry cannot be written, the dispatched decision
     * is refused whole (no audit record either), while decisions sharing its group commit are written without it.
     */
    @Test
    void aDecisionWhoseOutboxEntryCannotBeWrittenIsRefusedWithoutItsAuditRecord() throws Exception {
        List<Fixtures.Customer> customers = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            customers.add(fixtures.customer(aCustomer().language("en").in("US", "America/New_York", "USD"), "USD"));
        }
        long recordsBefore = jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single();
        long entriesBefore = jdbc.sql("SELECT COUNT(*) FROM outbox").query(Long.class).single();
        jdbc.sql("RENAME TABLE outbox TO outbox_away").update();
        List<HttpResponse<String>> answers;
        try {
            // Sent at once, so that dispatched and plain decisions share group commits.
            var pending = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < customers.size(); i++) {
                String body = "{\"customerId\": \"" + customers.get(i).id() + "\", \"asOf\": \"2025-03-11T15:00:00Z\""
                        + (i % 2 == 0 ? ", \"dispatch\": true" : "") + "}";
                pending.add(http.sendAsync(HttpRequest.newBuilder(uri("/api/v1/decisions"))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.ofString()));
            }
            answers = new java.util.ArrayList<>();
            for (var answer : pending) {
                answers.add(answer.get());
            }
        } finally {
            jdbc.sql("RENAME TABLE outbox_away TO outbox").update();
        }

        for (int i = 0; i < answers.size(); i++) {
            HttpResponse<String> answer = answers.get(i);
            if (i % 2 == 0) {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(503);
                assertThat(answer.body()).contains("audit").doesNotContain("REMINDER").doesNotContain("SQL");
            } else {
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            }
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single())
                .isEqualTo(recordsBefore + 4);
        for (int i = 0; i < customers.size(); i++) {
            assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_records WHERE customer_id = ?")
                    .param(customers.get(i).id()).query(Long.class).single()).isEqualTo(i % 2 == 0 ? 0 : 1);
        }
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox").query(Long.class).single()).isEqualTo(entriesBefore);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_facts").query(Long.class).single())
                .isEqualTo(recordsBefore + 4);

        // With the table back, the same request is dispatched: record and entry together.
        JsonNode decided = post("/api/v1/decisions", "{\"customerId\": \"" + customers.get(0).id()
                + "\", \"asOf\": \"2025-03-11T15:00:00Z\", \"dispatch\": true}");
        assertThat(dispatch.find(decided.get("decisionId").asString()).status()).isEqualTo(OutboxStatus.PENDING);
    }

    private MimeMessage single() {
        MimeMessage[] received = smtp.getReceivedMessages();
        assertThat(received).hasSize(1);
        return received[0];
    }

    private double count(String outcome, String channel) {
        var counter = meters.find(DispatchMetrics.NAME).tag("outcome", outcome).tag("channel", channel).counter();
        return counter == null ? 0 : counter.count();
    }

    /** The decoded body part of this type in the multipart message. */
    static String part(MimeMessage message, String type) throws Exception {
        return find(message.getContent(), type);
    }

    private static String find(Object content, String type) throws Exception {
        if (content instanceof Multipart multipart) {
            for (int i = 0; i < multipart.getCount(); i++) {
                var part = multipart.getBodyPart(i);
                if (part.isMimeType(type)) {
                    return part.getContent().toString();
                }
                String nested = find(part.getContent(), type);
                if (nested != null) {
                    return nested;
                }
            }
        }
        return null;
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private int getStatus(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString())
                .statusCode();
    }

    private JsonNode post(String path, String body) throws Exception {
        HttpResponse<String> r = send(path, body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private int postStatus(String path, String body) throws Exception {
        return send(path, body).statusCode();
    }

    private HttpResponse<String> send(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    static List<String> ids(MimeMessage[] messages) {
        return Arrays.stream(messages).map(m -> {
            try {
                return m.getHeader(EmailChannel.IDEMPOTENCY_HEADER)[0];
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }
}
