package dev.dunning.dispatch;

import dev.dunning.security.TestCredentials;
import static dev.dunning.decision.TestData.aCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Outcome;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.Contacts;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.facts.FactsService;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Webhook dispatch against a real HTTP server in the test (the JDK's): signed JSON bodies, retries on 500 and on
 * timeouts, dead letters, approvals, and two dispatchers sharing one outbox. In a database of its own.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.dispatch.scheduled=false",
    "dunning.dispatch.backoff=0s",
    "dunning.dispatch.max-attempts=3",
    "dunning.dispatch.webhook-timeout=500ms",
    "dunning.dispatch.instance-id=first"})
class WebhookDispatchIT {

    static final String SECRET = "whsec-test-1234";
    static final HttpServer receiver = start();
    /** What each path answers next: a status, or -1 to take longer than the timeout. */
    static final Map<String, IntSupplier> answers = new ConcurrentHashMap<>();
    static final List<Received> received = new CopyOnWriteArrayList<>();

    static final java.util.concurrent.atomic.AtomicInteger inFlight = new java.util.concurrent.atomic.AtomicInteger();
    static final java.util.concurrent.atomic.AtomicInteger mostInFlight = new java.util.concurrent.atomic.AtomicInteger();

    record Received(String path, String body, String signature, String idempotencyKey, int clientPort) {}

    static HttpServer start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/", WebhookDispatchIT::handle);
            server.setExecutor(Executors.newFixedThreadPool(8));
            server.start();
            return server;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    static void handle(HttpExchange exchange) throws IOException {
        mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        try {
            answer(exchange);
        } finally {
            inFlight.decrementAndGet();
        }
    }

    static void answer(HttpExchange exchange) throws IOException {
        String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        String path = exchange.getRequestURI().getPath();
        received.add(new Received(path, body, exchange.getRequestHeaders().getFirst("Dunning-Signature"),
                exchange.getRequestHeaders().getFirst("Idempotency-Key"), exchange.getRemoteAddress().getPort()));
        int status = answers.getOrDefault(path, () -> 200).getAsInt();
        if (status < 0) {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            status = 200;
        }
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    @AfterAll
    static void stop() {
        receiver.stop(0);
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("dispatch_hooks");
        db.register(registry);
        String base = "http://127.0.0.1:" + receiver.getAddress().getPort();
        for (String target : List.of("SMS", "LETTER", "PHONE", "RETRY_PAYMENT", "SUSPEND_SERVICE")) {
            registry.add("dunning.dispatch.webhooks." + target + ".url", () -> base + "/" + target.toLowerCase());
            registry.add("dunning.dispatch.webhooks." + target + ".secret", () -> SECRET);
        }
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
    ObjectMapper json;

    @Autowired
    MeterRegistry meters;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CustomerFacts customerFacts;

    @Autowired
    SentHistory sentHistory;

    Fixtures fixtures;
    final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        fixtures = new Fixtures(facts);
        answers.clear();
        dispatcher.drain();
        received.clear();
        mostInFlight.set(0);
    }

    @Test
    void aBatchsPostsRunSideBySideOverConnectionsKeptAlive() throws Exception {
        answers.put("/retry_payment", () -> {
            try {
                Thread.sleep(150); // a receiver that takes a moment: posts one after another would never overlap
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        });
        List<String> ids = new ArrayList<>();
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < 8; i++) {
                ids.add(dispatch.enqueue(Fixtures.request(fixtures.englishCustomer(), "RETRY_PAYMENT", "NONE", null,
                        0, null, false)).orElseThrow().decisionId());
            }
            assertThat(dispatcher.runOnce()).isEqualTo(8);
        }

        assertThat(received).extracting(Received::idempotencyKey).containsExactlyInAnyOrderElementsOf(ids);
        ids.forEach(id -> assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT));
        assertThat(mostInFlight.get()).isGreaterThan(1);
        // 16 posts in two batches, over at most dunning.dispatch.webhook-concurrency (8) connections kept open
        assertThat(received.stream().map(Received::clientPort).distinct().count()).isLessThanOrEqualTo(8);
    }

    @Test
    void aStopReplyWithdrawsTheNumberFromTextsAndTheNextDecisionDoesNotTextTheCustomer() throws Exception {
        // A consumer who may be texted and written to, not e-mailed: the shipped rules choose SMS for a reminder.
        var builder = aCustomer().language("en").in("US", "America/New_York", "USD").withoutConsent(Channel.EMAIL);
        Fixtures.Customer c = fixtures.customer(builder, "USD");
        JsonNode decided = json.readTree(post("/api/v1/decisions", "{\"customerId\": \"" + c.id()
                + "\", \"asOf\": \"2025-03-11T15:00:00Z\", \"dispatch\": true}").body());
        assertThat(decided.get("channel").asString()).isEqualTo("SMS");
        String id = decided.get("decisionId").asString();
        assertThat(dispatcher.runOnce()).isEqualTo(1);
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);
        // A text decided before the STOP, still waiting in the queue.
        String queued = dispatch.enqueue(Fixtures.request(c, "REMINDER", "SMS", "NEUTRAL", 2, null, false))
                .orElseThrow().decisionId();

        HttpResponse<String> stop = post("/api/v1/contact-events", "{\"decisionId\": \"" + id
                + "\", \"type\": \"COMPLAINED\", \"complaint\": \"STOP_REPLY\", \"detail\": \"STOP\"}");

        assertThat(stop.statusCode()).as(stop.body()).isEqualTo(200);
        assertThat(json.readTree(stop.body()).get("smsWithdrawn").asBoolean()).isTrue();
        assertThat(json.readTree(stop.body()).get("contact").get("complaint").asString()).isEqualTo("STOP_REPLY");
        JsonNode customer = get("/api/v1/customers/" + c.id());
        assertThat(customer.hasNonNull("smsWithdrawnAt")).isTrue();
        assertThat(customer.get("smsWithdrawnReason").asString()).isEqualTo("STOP reply to decision " + id + ": STOP");
        // The billing system's own consent is as it gave it; decisions see none.
        assertThat(customer.get("consents").get("SMS").asBoolean()).isTrue();
        assertThat(customerFacts.load(c.id(), Instant.now()).orElseThrow().customer().consentsTo(Channel.SMS))
                .isFalse();
        assertThat(customerFacts.loadAll(List.of(c.id()), Instant.now()).get(c.id()).customer()
                .consentsTo(Channel.SMS)).as("a run's facts too").isFalse();
        assertThat(customerFacts.load(c.id(), Instant.now()).orElseThrow().customer().consentsTo(Channel.PHONE))
                .as("calls to the number are not affected").isTrue();

        // The same STOP reported again changes nothing.
        HttpResponse<String> again = post("/api/v1/contact-events", "{\"decisionId\": \"" + id
                + "\", \"type\": \"COMPLAINED\", \"complaint\": \"STOP_REPLY\", \"detail\": \"STOP again\"}");
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json.readTree(again.body()).get("smsWithdrawn").asBoolean()).isFalse();
        assertThat(get("/api/v1/customers/" + c.id()).get("smsWithdrawnReason").asString()).endsWith(": STOP");

        // The text still queued is not sent: a dead letter that says why.
        received.clear();
        dispatcher.runOnce();
        assertThat(received).isEmpty();
        assertThat(dispatch.find(queued).status()).isEqualTo(OutboxStatus.DEAD);
        assertThat(dispatch.find(queued).lastError()).contains("withdrawn from text messages after a STOP reply");

        // The next decision, with the shipped rules, writes instead of texting.
        JsonNode next = json.readTree(post("/api/v1/decisions", "{\"customerId\": \"" + c.id()
                + "\", \"asOf\": \"2025-03-25T15:00:00Z\"}").body());
        assertThat(next.get("channel").asString()).isNotEqualTo("SMS").isNotEqualTo("NONE");

        // The billing system sending the same number again keeps the withdrawal; another number may be texted.
        facts.upsertCustomer(builder.id(c.id()).build(), new ContactDetails(null, "+4915112345678", "Ada Example",
                null, null));
        assertThat(customerFacts.load(c.id(), Instant.now()).orElseThrow().customer().consentsTo(Channel.SMS))
                .isFalse();
        facts.upsertCustomer(builder.id(c.id()).build(), new ContactDetails(null, "+4915199999999", "Ada Example",
                null, null));
        assertThat(customerFacts.load(c.id(), Instant.now()).orElseThrow().customer().consentsTo(Channel.SMS))
                .isTrue();
        assertThat(get("/api/v1/customers/" + c.id()).hasNonNull("smsWithdrawnAt")).isFalse();
    }

    @Test
    void aGeneratedStopReplyIsKeptAndWithdrawsTheNumberAsAReportedOneDoes() throws Exception {
        // Reported: a text sent by the dispatcher, then the gateway's STOP.
        Fixtures.Customer reported = fixtures.customer(aCustomer().withoutConsent(Channel.EMAIL), "USD");
        String sentId = dispatch.enqueue(Fixtures.request(reported, "REMINDER", "SMS", "FIRM", 2, null, false))
                .orElseThrow().decisionId();
        assertThat(dispatcher.runOnce()).isEqualTo(1);
        dispatch.record(sentId, ContactEventType.COMPLAINED, false, dev.dunning.decision.Complaint.STOP_REPLY, null);
        // Generated: the same message written as sent in the past, with its STOP reply three minutes later.
        Fixtures.Customer generated = fixtures.customer(aCustomer().withoutConsent(Channel.EMAIL), "USD");
        DispatchRequest request = Fixtures.request(generated, "REMINDER", "SMS", "FIRM", 2, null, false);
        Instant at = Instant.parse("2025-03-11T15:05:00Z");
        Instant stopAt = at.plus(java.time.Duration.ofMinutes(3));
        sentHistory.record(List.of(new SentHistory.Sent(request, at, Outcome.SENT,
                dev.dunning.decision.Complaint.STOP_REPLY, stopAt)));

        for (String[] c : List.of(new String[] {reported.id(), sentId}, new String[] {generated.id(),
                request.decisionId()})) {
            var contact = contacts.byReference(c[0], "outbox:" + c[1]).orElseThrow();
            assertThat(contact.attempt().complaint()).isEqualTo(dev.dunning.decision.Complaint.STOP_REPLY);
            assertThat(contact.attempt().outcome()).isEqualTo(Outcome.SENT);
            JsonNode customer = get("/api/v1/customers/" + c[0]);
            assertThat(customer.get("smsWithdrawnReason").asString()).isEqualTo("STOP reply to decision " + c[1]);
            assertThat(customerFacts.load(c[0], Instant.now()).orElseThrow().customer().consentsTo(Channel.SMS))
                    .isFalse();
        }
        assertThat(jdbc.sql("SELECT complained_at FROM contact_attempts WHERE reference = ?")
                .param("outbox:" + request.decisionId()).query(java.time.LocalDateTime.class).single())
                .isEqualTo(java.time.LocalDateTime.ofInstant(stopAt, java.time.ZoneOffset.UTC));
        assertThat(get("/api/v1/customers/" + generated.id()).get("smsWithdrawnAt").asString())
                .isEqualTo(stopAt.toString());
    }

    @Test
    void anSmsIsPostedAsSignedJsonWithTheIdempotencyKey() throws Exception {
        Fixtures.Customer c = fixtures.customer(aCustomer().language("de").in("DE", "Europe/Berlin", "EUR"), "EUR");
        String id = dispatch.enqueue(Fixtures.request(c, "UPDATE_PAYMENT_METHOD", "SMS", "FRIENDLY", 1, null, false))
                .orElseThrow().decisionId();

        assertThat(dispatcher.runOnce()).isEqualTo(1);

        assertThat(received).hasSize(1);
        Received r = received.get(0);
        assertThat(r.path()).isEqualTo("/sms");
        assertThat(r.idempotencyKey()).isEqualTo(id);
        JsonNode body = json.readTree(r.body());
        assertThat(body.get("type").asString()).isEqualTo("SMS");
        assertThat(body.get("decisionId").asString()).isEqualTo(id);
        assertThat(body.get("customerId").asString()).isEqualTo(c.id());
        assertThat(body.get("mobile").asString()).isEqualTo("+4915112345678");
        assertThat(body.get("language").asString()).isEqualTo("de");
        assertThat(body.get("action").asString()).isEqualTo("UPDATE_PAYMENT_METHOD");
        assertThat(body.get("invoices").get(0).get("outstanding").asString()).isEqualTo("1234.50");
        assertThat(body.get("totals").get("EUR").asString()).isEqualTo("1234.50");
        // The signature, recomputed here independently of the service's code: HMAC-SHA256 over "<t>.<body>".
        String t = r.signature().replaceFirst("^t=(\\d+),v1=.*$", "$1");
        String v1 = r.signature().replaceFirst("^t=\\d+,v1=([0-9a-f]{64})$", "$1");
        assertThat(Long.parseLong(t)).isCloseTo(Instant.now().getEpochSecond(), org.assertj.core.data.Offset.offset(60L));
        assertThat(v1).isEqualTo(hmac(SECRET, t + "." + r.body()));
        assertThat(Signatures.verify(SECRET, r.signature(), r.body(), Instant.now().getEpochSecond(), 300)).isTrue();
        assertThat(Signatures.verify(SECRET, r.signature(), r.body() + " ", Instant.now().getEpochSecond(), 300))
                .isFalse();
        assertThat(Signatures.verify("other", r.signature(), r.body(), Instant.now().getEpochSecond(), 300)).isFalse();

        OutboxEntry sent = dispatch.find(id);
        assertThat(sent.status()).isEqualTo(OutboxStatus.SENT);
        assertThat(sent.recipient()).isEqualTo("+4915112345678");
        var contact = contacts.find(sent.contactId()).orElseThrow().attempt();
        assertThat(contact.channel().name()).isEqualTo("SMS");
        assertThat(contact.outcome()).isEqualTo(Outcome.SENT);
    }

    @Test
    void aReceiverAnswering500IsRetriedWithTheSameKeyUntilItAccepts() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        AtomicInteger calls = new AtomicInteger();
        answers.put("/letter", () -> calls.incrementAndGet() < 3 ? 500 : 200);
        String id = dispatch.enqueue(Fixtures.request(c, "FINAL_NOTICE", "LETTER", "FORMAL", 4, null, false))
                .orElseThrow().decisionId();
        double retried = count("retried", "LETTER");

        dispatcher.runOnce();
        OutboxEntry afterFirst = dispatch.find(id);
        assertThat(afterFirst.status()).isEqualTo(OutboxStatus.PENDING);
        assertThat(afterFirst.attempts()).isEqualTo(1);
        assertThat(afterFirst.lastError()).contains("answered 500");
        dispatcher.runOnce();
        dispatcher.runOnce();

        assertThat(received).hasSize(3).extracting(Received::idempotencyKey).containsOnly(id);
        assertThat(received).extracting(r -> json.readTree(r.body()).get("idempotencyKey").asString()).containsOnly(id);
        assertThat(json.readTree(received.get(2).body()).get("attempt").asInt()).isEqualTo(3);
        assertThat(json.readTree(received.get(2).body()).get("postalAddress").asString()).contains("10115 Berlin");
        OutboxEntry sent = dispatch.find(id);
        assertThat(sent.status()).isEqualTo(OutboxStatus.SENT);
        assertThat(sent.attempts()).isEqualTo(3);
        assertThat(count("retried", "LETTER")).isEqualTo(retried + 2);
    }

    @Test
    void aReceiverThatTimesOutEveryTimeEndsAsADeadLetterWithAFailedContactAttempt() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        answers.put("/phone", () -> -1);
        String id = dispatch.enqueue(Fixtures.request(c, "PHONE_CALL", "PHONE", "FIRM", 3, null, false))
                .orElseThrow().decisionId();
        double dead = count("dead", "PHONE");

        dispatcher.runOnce();
        dispatcher.runOnce();
        dispatcher.runOnce();

        OutboxEntry entry = dispatch.find(id);
        assertThat(entry.status()).isEqualTo(OutboxStatus.DEAD);
        assertThat(entry.attempts()).isEqualTo(3);
        assertThat(entry.lastError()).contains("gave up after 3 attempts", "did not answer within 500 ms");
        assertThat(contacts.find(entry.contactId()).orElseThrow().attempt().outcome()).isEqualTo(Outcome.FAILED);
        assertThat(count("dead", "PHONE")).isEqualTo(dead + 1);
        assertThat(dispatcher.runOnce()).isZero();

        answers.remove("/phone");
        dispatch.requeue(id);
        dispatcher.runOnce();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);
    }

    @Test
    void aReceiverThatRefusesTheRequestIsNotRetried() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        answers.put("/retry_payment", () -> 422);
        String id = dispatch.enqueue(Fixtures.request(c, "RETRY_PAYMENT", "NONE", null, 0, null, false))
                .orElseThrow().decisionId();

        dispatcher.runOnce();

        assertThat(received).hasSize(1);
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.DEAD);
        assertThat(dispatch.find(id).lastError()).contains("answered 422");
    }

    @Test
    void aSuspensionWaitsForAPersonAndIsSentOnlyOnceApproved() throws Exception {
        Fixtures.Customer c = fixtures.englishCustomer();
        Fixtures.Customer rejected = fixtures.englishCustomer();
        String id = dispatch.enqueue(Fixtures.request(c, "SUSPEND_SERVICE", "NONE", "FORMAL", 5, null, true))
                .orElseThrow().decisionId();
        String other = dispatch.enqueue(Fixtures.request(rejected, "SUSPEND_SERVICE", "NONE", "FORMAL", 5, null, true))
                .orElseThrow().decisionId();
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.AWAITING_APPROVAL);

        assertThat(dispatcher.runOnce()).isZero();
        assertThat(received).isEmpty();
        JsonNode awaiting = get("/api/v1/approvals?customerId=" + c.id());
        assertThat(awaiting.get("total").asLong()).isEqualTo(1);
        assertThat(awaiting.get("items").get(0).get("decisionId").asString()).isEqualTo(id);

        HttpResponse<String> noReason = post("/api/v1/approvals/" + id, "{\"verdict\": \"APPROVE\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("reason");

        HttpResponse<String> approved = post("/api/v1/approvals/" + id,
                "{\"verdict\": \"APPROVE\", \"reason\": \"90 days overdue, three calls unanswered\"}");
        assertThat(approved.statusCode()).as(approved.body()).isEqualTo(200);
        assertThat(json.readTree(approved.body()).get("status").asString()).isEqualTo("PENDING");
        assertThat(json.readTree(approved.body()).get("reviewedBy").asString()).isEqualTo(TestCredentials.NAME);
        assertThat(post("/api/v1/approvals/" + id, "{\"verdict\": \"REJECT\", \"reason\": \"y\"}")
                .statusCode()).isEqualTo(409);
        HttpResponse<String> rejection = post("/api/v1/approvals/" + other,
                "{\"verdict\": \"REJECT\", \"reason\": \"customer called, pays Friday\"}");
        assertThat(json.readTree(rejection.body()).get("status").asString()).isEqualTo("REJECTED");
        assertThat(post("/api/v1/approvals/no-such-decision", "{\"verdict\": \"REJECT\", \"reason\": \"y\"}")
                .statusCode()).isEqualTo(404);

        dispatcher.runOnce();

        assertThat(received).hasSize(1);
        assertThat(received.get(0).path()).isEqualTo("/suspend_service");
        JsonNode body = json.readTree(received.get(0).body());
        assertThat(body.get("decisionId").asString()).isEqualTo(id);
        assertThat(body.get("approvedBy").asString()).isEqualTo(TestCredentials.NAME);
        assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);
        assertThat(dispatch.find(other).status()).isEqualTo(OutboxStatus.REJECTED);
    }

    @Test
    void twoDispatchersOnOneDatabaseDeliverEachOfAThousandEntriesExactlyOnce() throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            Fixtures.Customer c = fixtures.englishCustomer();
            ids.add(dispatch.enqueue(Fixtures.request(c, "RETRY_PAYMENT", "NONE", null, 0, null, false))
                    .orElseThrow().decisionId());
        }
        Dispatcher second = secondDispatcher();
        var pool = Executors.newFixedThreadPool(2);
        try {
            Future<Integer> a = pool.submit(dispatcher::drain);
            Future<Integer> b = pool.submit(second::drain);
            assertThat(a.get() + b.get()).isEqualTo(1000);
        } finally {
            pool.shutdown();
        }

        assertThat(received).hasSize(1000);
        assertThat(received.stream().map(Received::idempotencyKey).distinct()).hasSize(1000)
                .containsExactlyInAnyOrderElementsOf(ids);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE status = 'SENT' AND action = 'RETRY_PAYMENT'")
                .query(Long.class).single()).isGreaterThanOrEqualTo(1000);
        assertThat(jdbc.sql("SELECT COUNT(DISTINCT claimed_by) FROM outbox WHERE decision_id IN (:ids)")
                .param("ids", ids).query(Long.class).single()).isEqualTo(2);
    }

    @Autowired
    Outbox outbox;

    @Autowired
    MessageFacts.Loader messageFacts;

    @Autowired
    EmailChannel email;

    @Autowired
    SmtpRelay relay;

    @Autowired
    WebhookChannel webhooks;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    DispatchProperties properties;

    @Autowired
    DispatchMetrics metrics;

    /** Another instance's dispatcher: same database, its own name. */
    private Dispatcher secondDispatcher() {
        DispatchProperties p = properties;
        DispatchProperties other = new DispatchProperties(false, p.interval(), 20, p.lease(), p.maxAttempts(),
                p.backoff(), p.maxBackoff(), p.jitter(), "second", p.webhookTimeout(), p.webhooks(), p.company(),
                p.optOutAlways(), p.smtp(), p.webhookConcurrency(), p.spamReportWithdrawsEmail());
        return new Dispatcher(outbox, messageFacts, email, relay, webhooks, contacts, transactions, other, metrics,
                java.time.Clock.systemUTC());
    }

    private double count(String outcome, String channel) {
        var counter = meters.find(DispatchMetrics.NAME).tag("outcome", outcome).tag("channel", channel).counter();
        return counter == null ? 0 : counter.count();
    }

    static String hmac(String secret, String payload) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return json.readTree(r.body());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
