package dev.dunning.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.audit.AuditEntry;
import dev.dunning.audit.AuditLog;
import dev.dunning.audit.AuditUnavailableException;
import dev.dunning.audit.ChainVerifier;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.demo.Generator;
import dev.dunning.dispatch.DispatchAtFixedTime;
import dev.dunning.dispatch.DispatchRequest;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.OutboxEntry;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.dao.CannotAcquireLockException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Dispatching runs end to end on a database of their own: a few hundred generated customers (fixed seed), decided in
 * chunks of 10 by two partitions, whose outbox entries are compared with an independent expectation made by deciding
 * every customer one by one through the engine and routing the decision by the rule docs/dispatch.md states. The
 * dispatcher is off ({@code dunning.dispatch.scheduled=false}): entries stay as the run wrote them and nothing is
 * sent anywhere.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.runs.chunk-size=10", "dunning.runs.partitions=2", "dunning.dispatch.scheduled=false"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// A database of its own: no other class can reuse this context, and cached it would keep its pool of connections
// on the test JVM's one MariaDB server (151 at most) for the rest of the build.
@DirtiesContext
class RunDispatchIT {

    static final int CUSTOMERS = 300;
    static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    static final Instant AS_OF = DAY.atTime(10, 0).toInstant(ZoneOffset.UTC);
    static TestDatabase.Connection db;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        db = TestDatabase.freshDatabase("runs_dispatch");
        db.register(registry);
    }

    static final RunIT.ChunkHook HOOK = new RunIT.ChunkHook();

    @TestConfiguration
    static class Hooks {
        @Bean
        ItemWriteListener<String> chunkHook() {
            return HOOK;
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ObjectMapper json;

    @Autowired
    Runs runs;

    @Autowired
    CustomerFacts customerFacts;

    @Autowired
    DecisionEngine engine;

    @Autowired
    ActiveRuleSet activeRuleSet;

    @Autowired
    DeclineCodes declineCodes;

    @Autowired
    ChainVerifier verifier;

    @Autowired
    AuditLog auditLog;

    @Autowired
    DecisionService decisions;

    @Autowired
    MeterRegistry meters;

    @Autowired
    DispatchService dispatch;

    @Autowired
    TransactionTemplate transactions;

    @Autowired
    ApplicationContext context;

    final HttpClient http = HttpClient.newHttpClient();

    /** Selected customers, and the route each dispatchable one's decision takes (from the engine, not the run). */
    Set<String> selected;
    Map<String, String> expectedRoutes;

    @BeforeAll
    void generateCustomersAndWorkOutTheEntriesIndependently() throws Exception {
        GeneratedCustomers.generate(db, declineCodes, new Generator.Options(CUSTOMERS, 11, DAY, "G-"));
        Map<String, Decision> decided = GeneratedCustomers.decidedOneByOne(jdbc, customerFacts, engine,
                activeRuleSet, AS_OF, i -> !i.dueDate().isAfter(DAY));
        selected = new java.util.TreeSet<>(decided.keySet());
        expectedRoutes = new TreeMap<>();
        decided.forEach((id, d) -> {
            String route = route(d.getAction(), d.getChannel());
            if (route != null) {
                expectedRoutes.put(id, route);
            }
        });
        assertThat(expectedRoutes).as("customers whose decision sends something").isNotEmpty();
        assertThat(expectedRoutes.size()).as("some decisions send nothing").isLessThan(selected.size());
    }

    /**
     * The route as docs/dispatch.md states it (no webhooks configured here): nothing for NO_ACTION, HOLD and
     * MANUAL_REVIEW; an instruction for the billing system without a channel goes to the webhook named after it;
     * otherwise the decision's channel if it reaches the customer.
     */
    static String route(String action, String channel) {
        if (action == null || Set.of("NO_ACTION", "HOLD", "MANUAL_REVIEW").contains(action)) {
            return null;
        }
        boolean noChannel = channel == null || channel.equals("NONE");
        if (noChannel && Set.of("RETRY_PAYMENT", "SUSPEND_SERVICE", "COLLECTION_HANDOVER", "UPDATE_PAYMENT_METHOD")
                .contains(action)) {
            return action;
        }
        return noChannel || !Set.of("EMAIL", "SMS", "PHONE", "LETTER").contains(channel) ? null : channel;
    }

    @BeforeEach
    void disarm() {
        HOOK.failAfter.set(-1);
    }

    @Test
    void aDispatchingRunEnqueuesExactlyOneEntryPerDecisionThatSendsSomethingWithItsAuditRecord() throws Exception {
        HttpResponse<String> started = post("/api/v1/runs",
                "{\"asOf\": \"" + AS_OF + "\", \"mode\": \"live\", \"dispatch\": true}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        long id = json.readTree(started.body()).get("id").asLong();

        JsonNode run = awaitOverHttp(id);

        assertThat(run.get("status").asString()).isEqualTo("completed");
        assertThat(run.get("dispatch").asBoolean()).isTrue();
        assertThat(run.at("/summary/decided").asLong()).isEqualTo(selected.size());
        assertThat(run.at("/summary/enqueued").asLong()).isEqualTo(expectedRoutes.size());
        assertThat(map(run.at("/summary/enqueuedByRoute"))).isEqualTo(countPerRoute(expectedRoutes));

        List<Entry> entries = entriesOfRun(id);
        assertThat(entries).extracting(Entry::customerId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expectedRoutes.keySet());
        assertThat(entries).allSatisfy(e -> {
            assertThat(e.route()).as(e.customerId()).isEqualTo(expectedRoutes.get(e.customerId()));
            // The entry is the audited decision: same id, same action and channel, the decision as recorded.
            assertThat(e.action()).isEqualTo(e.auditedAction());
            assertThat(e.channel()).isEqualTo(e.auditedChannel());
            assertThat(json.readTree(e.decisionJson()).get("decisionId").asString()).isEqualTo(e.decisionId());
            assertThat(e.status()).isIn("PENDING", "AWAITING_APPROVAL");
        });
        // And every record of the run whose decision sends nothing has no entry.
        assertThat(count("SELECT COUNT(*) FROM audit_records a JOIN outbox o ON o.decision_id = a.decision_id "
                + "WHERE a.run_id = " + id)).isEqualTo(expectedRoutes.size());
        assertThat(auditedCustomers(id)).containsExactlyInAnyOrderElementsOf(selected);
        assertThat(count("SELECT COUNT(*) FROM outbox o LEFT JOIN audit_records a ON a.decision_id = o.decision_id "
                + "WHERE a.seq IS NULL")).as("entries without an audit record").isZero();
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    @Test
    void aDryRunAndALiveRunWithoutDispatchWriteNoOutboxEntries() {
        long before = count("SELECT COUNT(*) FROM outbox");

        RunStatus dry = await(runs.start(new RunRequest(AS_OF, true, null, null, null, "test")));
        RunStatus live = await(runs.start(new RunRequest(AS_OF, false, null, null, null, "test", false)));

        assertThat(dry.status()).isEqualTo("completed");
        assertThat(live.status()).isEqualTo("completed");
        assertThat(live.summary().decided()).isEqualTo(selected.size());
        assertThat(List.of(dry, live)).allSatisfy(r -> {
            assertThat(r.dispatch()).isFalse();
            assertThat(r.summary().enqueued()).isZero();
            assertThat(r.summary().enqueuedByRoute()).isEmpty();
        });
        assertThat(count("SELECT COUNT(*) FROM outbox")).isEqualTo(before);
        assertThat(entriesOfRun(live.id())).isEmpty();
    }

    @Test
    void dispatchOnADryRunIsAProblemNamingTheField() throws Exception {
        long before = count("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE");

        HttpResponse<String> response = post("/api/v1/runs",
                "{\"asOf\": \"" + AS_OF + "\", \"mode\": \"dry-run\", \"dispatch\": true}");

        assertThat(response.statusCode()).isEqualTo(422);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        JsonNode problem = json.readTree(response.body());
        assertThat(problem.at("/errors/0/field").asString()).isEqualTo("dispatch");
        assertThat(problem.get("detail").asString()).startsWith("dispatch: ").contains("dry run");
        assertThat(count("SELECT COUNT(*) FROM BATCH_JOB_INSTANCE")).as("no run started").isEqualTo(before);
        assertThatThrownBy(() -> new RunRequest(AS_OF, true, null, null, null, "test", true))
                .hasMessageStartingWith("dispatch: a dry run dispatches nothing");
    }

    @Test
    void aDispatchingRunFailedHalfWayAndRestartedDispatchesNoCustomerTwice() throws Exception {
        HOOK.failAfter.set(2); // the third chunk fails after its decisions and entries were committed

        RunStatus failed = await(runs.start(new RunRequest(AS_OF, false, null, null, null, "test", true)));

        assertThat(failed.status()).isEqualTo("failed");
        long id = failed.id();
        long entriesBeforeRestart = entriesOfRun(id).size();
        long auditedBeforeRestart = auditedCustomers(id).size();
        assertThat(auditedBeforeRestart).isPositive().isLessThan(selected.size());
        assertThat(entriesBeforeRestart).as("the failed chunk's entries were committed with its records")
                .isPositive().isLessThan(expectedRoutes.size());

        HttpResponse<String> restarted = post("/api/v1/runs/" + id + "/restart", "");
        assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(202);
        RunStatus run = await(id);

        assertThat(run.status()).isEqualTo("completed");
        assertThat(run.dispatch()).as("the restart kept the job parameter").isTrue();
        assertThat(run.executions()).isEqualTo(2);
        assertThat(auditedCustomers(id)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(selected);
        List<Entry> entries = entriesOfRun(id);
        assertThat(entries).extracting(Entry::customerId).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expectedRoutes.keySet());
        // The failed chunk's entries were counted once: from its audit records, not enqueued again.
        assertThat(run.summary().enqueued()).isEqualTo(expectedRoutes.size());
        assertThat(run.summary().enqueuedByRoute()).isEqualTo(countPerRoute(expectedRoutes));
        assertThat(run.summary().decided()).isEqualTo(selected.size());

        // A second decision for a customer of the run (what a duplicate chunk would make) is refused by the unique
        // (run_id, customer_id) and takes its outbox entry with it: no second entry, the first one untouched.
        Entry first = entries.get(0);
        DecisionResponse again = decide(first.customerId());
        assertThatThrownBy(() -> auditLog.append(entry(again, id), () -> decisions.enqueue(again)))
                .isInstanceOf(AuditUnavailableException.class);
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE decision_id = '" + again.decisionId() + "'")).isZero();
        assertThat(entriesOfRun(id)).hasSameSizeAs(entries).contains(first);
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    @Test
    void aDecisionWhoseOutboxEntryCannotBeWrittenIsAFailedCustomerAndTheRunGoesOn() {
        String victim = expectedRoutes.keySet().iterator().next();
        List<String> victimsEntries = statusesOf(victim);
        jdbc.sql("CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW BEGIN IF NEW.customer_id = '"
                + victim + "' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox refused on purpose'; END IF; "
                + "END").update();
        RunStatus run;
        try {
            run = await(runs.start(new RunRequest(AS_OF, false, null, null, null, "test", true)));
        } finally {
            jdbc.sql("DROP TRIGGER refuse_outbox").update();
        }

        assertThat(run.status()).isEqualTo("completed");
        assertThat(run.failedCount()).isEqualTo(1);
        assertThat(run.failed()).singleElement().satisfies(f -> {
            assertThat(f.customerId()).isEqualTo(victim);
            assertThat(f.reason()).startsWith("dispatch: the decision's outbox entry could not be written")
                    .contains("outbox refused on purpose").contains("no audit record, no outbox entry");
        });
        assertThat(run.progress().done()).isEqualTo(selected.size());
        assertThat(run.summary().decided()).isEqualTo(selected.size() - 1);
        assertThat(run.summary().enqueued()).isEqualTo(expectedRoutes.size() - 1);
        // Nothing of the refused decision was kept: no record, no entry, and its older entries were not superseded.
        assertThat(auditedCustomers(run.id())).doesNotContain(victim).hasSize(selected.size() - 1);
        assertThat(entriesOfRun(run.id())).extracting(Entry::customerId).doesNotContain(victim)
                .hasSize(expectedRoutes.size() - 1);
        assertThat(statusesOf(victim)).isEqualTo(victimsEntries);
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    @Test
    void aPassingLockConflictWritesTheGroupAgainAndOnlyALastingOneRefusesTheDecision() {
        String customer = List.copyOf(expectedRoutes.keySet()).get(expectedRoutes.size() - 1);
        DecisionResponse flaky = decide(customer);
        DecisionResponse lasting = decide(customer);
        AtomicInteger flakyCalls = new AtomicInteger();
        AtomicInteger lastingCalls = new AtomicInteger();
        long records = count("SELECT COUNT(*) FROM audit_records");

        // As Spring reports a lock conflict (a real lock wait running out is the next test).
        List<AuditLog.Appended> first = auditLog.appendAll(List.of(entry(flaky)), List.of(() -> {
            if (flakyCalls.getAndIncrement() == 0) {
                throw new CannotAcquireLockException("Lock wait timeout exceeded; try restarting transaction");
            }
            decisions.enqueue(flaky);
        }));
        List<AuditLog.Appended> second = auditLog.appendAll(List.of(entry(lasting)), List.of(() -> {
            lastingCalls.incrementAndGet();
            throw new CannotAcquireLockException("Deadlock found when trying to get lock; try restarting transaction");
        }));

        assertThat(first).singleElement().satisfies(a -> assertThat(a.refused()).isFalse());
        assertThat(flakyCalls).as("written again, whole").hasValue(2);
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE decision_id = '" + flaky.decisionId() + "'")).isOne();
        assertThat(second).singleElement().satisfies(a -> {
            assertThat(a.refused()).isTrue();
            assertThat(a.refusedBy()).isInstanceOf(CannotAcquireLockException.class);
        });
        assertThat(lastingCalls).hasValue(AuditLog.TRANSIENT_RETRIES + 1);
        assertThat(count("SELECT COUNT(*) FROM audit_records")).as("the first written once, the second not at all")
                .isEqualTo(records + 1);
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    @Test
    void aRowLockedElsewhereWhileSupersedingIsWaitedOutNotARefusal() throws Exception {
        String customer = List.copyOf(expectedRoutes.keySet()).get(expectedRoutes.size() - 2);
        DecisionResponse older = decide(customer);
        DecisionResponse newer = decide(customer);
        assertThat(auditLog.appendAll(List.of(entry(older)), List.<Runnable>of(() -> decisions.enqueue(older))))
                .singleElement().satisfies(a -> assertThat(a.refused()).isFalse());
        AtomicInteger attempts = new AtomicInteger();

        // Another transaction (a dispatcher completing a send, say) holds the older entry's row until the first
        // attempt has run out of its 2 s and the group is being written again.
        try (Connection other = DriverManager.getConnection(db.url(), db.user(), db.password())) {
            other.setAutoCommit(false);
            try (var lock = other.prepareStatement("SELECT status FROM outbox WHERE decision_id = ? FOR UPDATE")) {
                lock.setString(1, older.decisionId());
                lock.executeQuery().close();
            }
            Thread release = new Thread(() -> {
                try {
                    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> attempts.get() >= 2);
                    other.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            release.start();
            List<AuditLog.Appended> appended = auditLog.appendAll(List.of(entry(newer)), List.<Runnable>of(() -> {
                attempts.incrementAndGet();
                decisions.enqueue(newer);
            }));
            release.join();

            assertThat(appended).singleElement().satisfies(a -> assertThat(a.refused()).as("%s", a.refusedBy())
                    .isFalse());
        }
        assertThat(attempts).as("waited out once, then written").hasValue(2);
        assertThat(jdbc.sql("SELECT status FROM outbox WHERE decision_id = ?").param(older.decisionId())
                .query(String.class).single()).isEqualTo("SUPERSEDED");
        assertThat(count("SELECT COUNT(*) FROM outbox WHERE decision_id = '" + newer.decisionId() + "'")).isOne();
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    @Test
    void aGroupWrittenAgainCountsWhatItSupersededOnce() {
        String customer = List.copyOf(expectedRoutes.keySet()).get(expectedRoutes.size() - 3);
        DecisionResponse older = decide(customer);
        DecisionResponse newer = decide(customer);
        auditLog.appendAll(List.of(entry(older)), List.<Runnable>of(() -> decisions.enqueue(older)));
        String route = jdbc.sql("SELECT route FROM outbox WHERE decision_id = ?").param(older.decisionId())
                .query(String.class).single();
        double before = superseded(route);
        AtomicInteger attempts = new AtomicInteger();

        // The first attempt supersedes the older entry, then meets a passing conflict: rolled back, written again.
        List<AuditLog.Appended> appended = auditLog.appendAll(List.of(entry(newer)), List.<Runnable>of(() -> {
            decisions.enqueue(newer);
            if (attempts.incrementAndGet() == 1) {
                throw new CannotAcquireLockException("Deadlock found when trying to get lock");
            }
        }));

        assertThat(appended).singleElement().satisfies(a -> assertThat(a.refused()).isFalse());
        assertThat(attempts).hasValue(2);
        assertThat(superseded(route) - before).as("one entry superseded, counted once").isEqualTo(1.0);
    }

    /**
     * The batched path against the single one: the same group of decisions (some customers decided several times in
     * it, decisions that send nothing, one that needs approval, quiet hours, a time in the past) enqueued one by one
     * for six customers and all at once for six twins with the same older entries, at the same fixed instant. Every
     * column of every row, and every answer, is the same once ids are named by their place.
     */
    @Test
    void enqueueingAGroupAtOnceWritesExactlyTheRowsAndAnswersOfEnqueueingItsDecisionsOneByOne() {
        // Customers no run selects (nothing overdue), so that the runs of the other tests leave their entries alone.
        List<String> spare = jdbc.sql("SELECT id FROM customers ORDER BY id").query(String.class).list().stream()
                .filter(c -> !selected.contains(c)).toList();
        List<String> single = spare.subList(0, 6);
        List<String> batched = spare.subList(6, 12);
        Instant now = Instant.parse("2026-03-02T10:15:30.123456789Z");
        DispatchService fixed = DispatchAtFixedTime.of(context, now);
        Map<String, String> labels = new java.util.HashMap<>();
        try {
            seedOlderEntries(fixed, single, "single", labels);
            seedOlderEntries(fixed, batched, "batched", labels);
            List<DispatchRequest> one = group(single, now, labels);
            List<DispatchRequest> all = group(batched, now, labels);
            Map<String, Double> supersededBefore = supersededPerRoute();

            List<Optional<OutboxEntry>> answeredOne = transactions.execute(t -> one.stream().map(fixed::enqueue)
                    .toList());
            Map<String, Double> supersededBySingle = difference(supersededPerRoute(), supersededBefore);
            List<Optional<OutboxEntry>> answeredAll = transactions.execute(t -> fixed.enqueueAll(all));
            Map<String, Double> supersededByBatch = difference(supersededPerRoute(), supersededBefore);

            List<String> rowsOne = rowsOf(single, labels);
            assertThat(rowsOf(batched, labels)).isEqualTo(rowsOne);
            assertThat(rowsOne).as("older entries and the group's").hasSize(12)
                    .filteredOn(r -> r.contains("status=SUPERSEDED ")).hasSize(7);
            assertThat(rowsOne).filteredOn(r -> r.contains("status=SENT ")).hasSize(1);
            assertThat(answeredAll.stream().map(a -> relabel(String.valueOf(a), labels)).toList())
                    .isEqualTo(answeredOne.stream().map(a -> relabel(String.valueOf(a), labels)).toList());
            assertThat(difference(supersededByBatch, supersededBySingle)).isEqualTo(supersededBySingle);
            assertThat(supersededBySingle.values().stream().mapToDouble(Double::doubleValue).sum()).isEqualTo(7.0);
        } finally {
            // They have no audit records (enqueued directly): gone, so that the other tests' checks hold.
            jdbc.sql("DELETE FROM outbox WHERE customer_id IN (:c)").param("c", spare.subList(0, 12)).update();
        }
    }

    /**
     * Older entries of six customers (c0: a SENT one and a PENDING one, c1: DEAD, c2: AWAITING_APPROVAL, c4:
     * PENDING, c3 and c5: none), the same for twins, named S0..S4 in order.
     */
    private void seedOlderEntries(DispatchService at, List<String> c, String twin, Map<String, String> labels) {
        for (int i = 0; i < c.size(); i++) {
            labels.put(c.get(i), "C" + i);
        }
        List<DispatchRequest> seeds = List.of(request(c.get(0), "REMINDER", "EMAIL", "FRIENDLY", null, false),
                request(c.get(1), "FINAL_NOTICE", "LETTER", "FORMAL", null, false),
                request(c.get(2), "SUSPEND_SERVICE", "NONE", "FORMAL", null, true),
                request(c.get(4), "REMINDER", "SMS", "NEUTRAL", null, false));
        transactions.executeWithoutResult(t -> seeds.forEach(at::enqueue));
        jdbc.sql("UPDATE outbox SET status = 'SENT' WHERE decision_id = ?").param(seeds.get(0).decisionId()).update();
        jdbc.sql("UPDATE outbox SET status = 'DEAD' WHERE decision_id = ?").param(seeds.get(1).decisionId()).update();
        DispatchRequest pending = request(c.get(0), "REMINDER", "EMAIL", "FIRM", null, false);
        transactions.executeWithoutResult(t -> at.enqueue(pending));
        List<DispatchRequest> all = new java.util.ArrayList<>(seeds);
        all.add(pending);
        for (int i = 0; i < all.size(); i++) {
            labels.put(all.get(i).decisionId(), "S" + i);
        }
    }

    /** The group: decisions D0..D9, c0 decided three times, c3 and c5 twice. */
    private List<DispatchRequest> group(List<String> c, Instant now, Map<String, String> labels) {
        List<DispatchRequest> group = List.of(
                request(c.get(0), "REMINDER", "EMAIL", "FRIENDLY", null, false),
                request(c.get(1), "NO_ACTION", "NONE", null, null, false),
                request(c.get(2), "COLLECTION_HANDOVER", "NONE", "FORMAL", null, true),
                request(c.get(0), "FINAL_NOTICE", "LETTER", "FORMAL", now.plusSeconds(7200), false),
                request(c.get(3), "HOLD", "NONE", null, null, false),
                request(c.get(4), "RETRY_PAYMENT", "NONE", null, now.minusSeconds(3600), false),
                request(c.get(0), "NO_ACTION", "NONE", null, null, false),
                request(c.get(5), "REMINDER", "SMS", "FIRM", null, false),
                request(c.get(3), "REMINDER", "EMAIL", "NEUTRAL", null, false),
                request(c.get(5), "PHONE_CALL", "PHONE", "FIRM", now.plusSeconds(60), false));
        for (int i = 0; i < group.size(); i++) {
            labels.put(group.get(i).decisionId(), "D" + i);
        }
        return group;
    }

    private static DispatchRequest request(String customer, String action, String channel, String tone,
            Instant notBefore, boolean approval) {
        String id = UuidCreator.getTimeOrderedEpoch().toString();
        String json = "{\"decisionId\":\"" + id + "\",\"customerId\":\"" + customer + "\",\"action\":\"" + action
                + "\",\"invoiceIds\":[\"" + customer + "-I1\"]}";
        return new DispatchRequest(id, customer, AS_OF, action, channel, tone, 2,
                tone == null ? null : (action + "-" + tone).toLowerCase(), List.of(customer + "-I1"), notBefore,
                approval, "0".repeat(64), json);
    }

    /** Every column of the customers' outbox rows, ids replaced by their names, in order. */
    private List<String> rowsOf(List<String> customers, Map<String, String> labels) {
        return jdbc.sql("SELECT * FROM outbox WHERE customer_id IN (:c)").param("c", customers).query((rs, n) -> {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.append(rs.getMetaData().getColumnLabel(i)).append('=').append(rs.getString(i)).append(' ');
            }
            return relabel(row.toString(), labels);
        }).list().stream().sorted().toList();
    }

    private static String relabel(String text, Map<String, String> labels) {
        String result = text;
        // Longest first: no id is replaced inside a longer one.
        for (String id : labels.keySet().stream().sorted(java.util.Comparator.comparing(String::length).reversed())
                .toList()) {
            result = result.replace(id, labels.get(id));
        }
        return result;
    }

    private Map<String, Double> supersededPerRoute() {
        Map<String, Double> counts = new TreeMap<>();
        meters.find("dunning.dispatch.messages").tag("outcome", "superseded").counters()
                .forEach(c -> counts.put(c.getId().getTag("channel"), c.count()));
        return counts;
    }

    private static Map<String, Double> difference(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> difference = new TreeMap<>();
        after.forEach((route, n) -> {
            double d = n - before.getOrDefault(route, 0.0);
            if (d != 0) {
                difference.put(route, d);
            }
        });
        return difference;
    }

    /**
     * Older unsent entries of customers all over the run (in different chunks and partitions) are superseded by the
     * run's decision for them, a sent one is left alone; a second dispatching run supersedes every entry of the first.
     */
    @Test
    void aDispatchingRunSupersedesOlderEntriesInEveryChunkAndTheNextRunSupersedesItsEntries() {
        List<String> dispatchable = List.copyOf(expectedRoutes.keySet());
        List<String> seeded = new java.util.ArrayList<>(java.util.stream.IntStream.range(0, dispatchable.size())
                .filter(i -> i % 6 == 4).mapToObj(dispatchable::get).toList());
        seeded.add(selected.stream().filter(c -> !expectedRoutes.containsKey(c)).findFirst().orElseThrow());
        Map<String, List<String>> older = new TreeMap<>(); // customer -> [sent, dead, pending]
        for (String customer : seeded) {
            List<String> ids = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                // Recorded decisions with a reminder each (also for the customer whose decisions send nothing).
                DecisionResponse d = decide(customer);
                DispatchRequest r = decisions.dispatchRequest(d);
                auditLog.append(entry(d), () -> dispatch.enqueue(new DispatchRequest(r.decisionId(), r.customerId(),
                        r.asOf(), "REMINDER", "EMAIL", "FRIENDLY", 1, "reminder-friendly", r.invoiceIds(), null, false,
                        r.ruleSetVersion(), r.decisionJson())));
                ids.add(d.decisionId());
            }
            jdbc.sql("UPDATE outbox SET status = 'SENT', superseded_by = NULL WHERE decision_id = ?")
                    .param(ids.get(0)).update();
            jdbc.sql("UPDATE outbox SET status = 'DEAD', superseded_by = NULL WHERE decision_id = ?")
                    .param(ids.get(1)).update();
            older.put(customer, ids);
        }
        assertThat(seeded).hasSizeGreaterThanOrEqualTo(5);

        RunStatus first = await(runs.start(new RunRequest(AS_OF, false, null, null, null, "test", true)));

        assertThat(first.status()).isEqualTo("completed");
        Map<String, String> firstDecisions = decisionsOfRun(first.id());
        older.forEach((customer, ids) -> {
            assertThat(row(ids.get(0))).as(customer).isEqualTo("SENT null");
            assertThat(row(ids.get(1))).as(customer).isEqualTo("SUPERSEDED " + firstDecisions.get(customer));
            assertThat(row(ids.get(2))).as(customer).isEqualTo("SUPERSEDED " + firstDecisions.get(customer));
        });

        RunStatus second = await(runs.start(new RunRequest(AS_OF, false, null, null, null, "test", true)));

        assertThat(second.status()).isEqualTo("completed");
        Map<String, String> secondDecisions = decisionsOfRun(second.id());
        List<Entry> firstEntries = entriesOfRun(first.id());
        assertThat(firstEntries).hasSize(expectedRoutes.size()).allSatisfy(e -> assertThat(row(e.decisionId()))
                .as(e.customerId()).isEqualTo("SUPERSEDED " + secondDecisions.get(e.customerId())));
        assertThat(entriesOfRun(second.id())).hasSize(expectedRoutes.size())
                .allSatisfy(e -> assertThat(e.status()).isIn("PENDING", "AWAITING_APPROVAL"));
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    private String row(String decisionId) {
        return jdbc.sql("SELECT CONCAT(status, ' ', COALESCE(superseded_by, 'null')) FROM outbox WHERE decision_id = ?")
                .param(decisionId).query(String.class).single();
    }

    private Map<String, String> decisionsOfRun(long runId) {
        Map<String, String> decided = new TreeMap<>();
        jdbc.sql("SELECT customer_id, decision_id FROM audit_records WHERE run_id = ?").param(runId)
                .query((rs, n) -> decided.put(rs.getString(1), rs.getString(2))).list();
        return decided;
    }

    /**
     * A group's work that fails for one decision (its entry refused by a trigger): the writer cannot tell which, writes
     * the group again decision by decision, and refuses only that one; the others are recorded with their entries and
     * supersede their customers' older entries, the refused one leaves its customer's entries as they were.
     */
    @Test
    void aGroupWhoseEntriesFailForOneDecisionRefusesThatDecisionAloneAndWritesTheOthers() {
        List<String> dispatchable = List.copyOf(expectedRoutes.keySet());
        List<String> customers = dispatchable.subList(dispatchable.size() - 9, dispatchable.size() - 4);
        String victim = customers.get(2);
        Map<String, String> olderOf = new TreeMap<>();
        for (String customer : customers) {
            DecisionResponse older = decide(customer);
            auditLog.append(entry(older), () -> decisions.enqueue(older));
            olderOf.put(customer, older.decisionId());
        }
        List<String> victimsEntries = statusesOf(victim);
        List<DecisionResponse> chunk = customers.stream().map(this::decide).toList();
        List<DispatchRequest> requests = chunk.stream().map(decisions::dispatchRequest).toList();
        AtomicInteger groupCalls = new AtomicInteger();
        AtomicInteger oneCalls = new AtomicInteger();
        long records = count("SELECT COUNT(*) FROM audit_records");
        jdbc.sql("CREATE TRIGGER refuse_outbox BEFORE INSERT ON outbox FOR EACH ROW BEGIN IF NEW.customer_id = '"
                + victim + "' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'outbox refused on purpose'; END IF; "
                + "END").update();
        List<AuditLog.Appended> appended;
        try {
            appended = auditLog.appendAll(chunk.stream().map(this::entry).toList(), new AuditLog.GroupWork() {
                @Override
                public void run(List<Integer> positions) {
                    groupCalls.incrementAndGet();
                    dispatch.enqueueAll(positions.stream().map(requests::get).toList());
                }

                @Override
                public void one(int position) {
                    oneCalls.incrementAndGet();
                    dispatch.enqueue(requests.get(position));
                }
            });
        } finally {
            jdbc.sql("DROP TRIGGER refuse_outbox").update();
        }

        assertThat(groupCalls).hasPositiveValue();
        assertThat(oneCalls).as("written again decision by decision").hasPositiveValue();
        for (int i = 0; i < customers.size(); i++) {
            String customer = customers.get(i);
            String decisionId = chunk.get(i).decisionId();
            if (customer.equals(victim)) {
                assertThat(appended.get(i).refused()).isTrue();
                assertThat(appended.get(i).refusedBy()).hasMessageContaining("outbox refused on purpose");
                assertThat(count("SELECT COUNT(*) FROM audit_records WHERE decision_id = '" + decisionId + "'"))
                        .isZero();
                assertThat(statusesOf(victim)).isEqualTo(victimsEntries);
            } else {
                assertThat(appended.get(i).refused()).as(customer).isFalse();
                assertThat(count("SELECT COUNT(*) FROM audit_records WHERE decision_id = '" + decisionId + "'"))
                        .isOne();
                assertThat(row(decisionId)).as(customer).isIn("PENDING null", "AWAITING_APPROVAL null");
                assertThat(row(olderOf.get(customer))).as(customer).isEqualTo("SUPERSEDED " + decisionId);
            }
        }
        assertThat(count("SELECT COUNT(*) FROM audit_records")).isEqualTo(records + customers.size() - 1);
        assertThat(verifier.verify(null, null).intact()).isTrue();
    }

    /** A passing conflict in a group's work is not a reason to split it: the group is written again, as a group. */
    @Test
    void aPassingConflictInAGroupsWorkWritesTheGroupAgainWhole() {
        List<String> dispatchable = List.copyOf(expectedRoutes.keySet());
        List<String> customers = dispatchable.subList(dispatchable.size() - 12, dispatchable.size() - 9);
        List<DecisionResponse> chunk = customers.stream().map(this::decide).toList();
        List<DispatchRequest> requests = chunk.stream().map(decisions::dispatchRequest).toList();
        AtomicInteger groupCalls = new AtomicInteger();
        AtomicInteger oneCalls = new AtomicInteger();

        List<AuditLog.Appended> appended = auditLog.appendAll(chunk.stream().map(this::entry).toList(),
                new AuditLog.GroupWork() {
                    @Override
                    public void run(List<Integer> positions) {
                        dispatch.enqueueAll(positions.stream().map(requests::get).toList());
                        if (groupCalls.getAndIncrement() == 0) {
                            throw new CannotAcquireLockException("Deadlock found when trying to get lock");
                        }
                    }

                    @Override
                    public void one(int position) {
                        oneCalls.incrementAndGet();
                        dispatch.enqueue(requests.get(position));
                    }
                });

        assertThat(appended).allSatisfy(a -> assertThat(a.refused()).isFalse());
        assertThat(groupCalls).hasValueGreaterThanOrEqualTo(2);
        assertThat(oneCalls).hasValue(0);
        assertThat(chunk).allSatisfy(d -> assertThat(count("SELECT COUNT(*) FROM outbox WHERE decision_id = '"
                + d.decisionId() + "'")).isOne());
    }

    private double superseded(String route) {
        var counter = meters.find("dunning.dispatch.messages").tag("outcome", "superseded").tag("channel", route)
                .counter();
        return counter == null ? 0 : counter.count();
    }

    private AuditEntry entry(DecisionResponse d) {
        RuleSet ruleSet = activeRuleSet.get();
        return new AuditEntry(d.decisionId(), d.asOf(), d.customerId(), "test", "evaluate", ruleSet.version(),
                ruleSet.sources(), d.action(), d.channel(), d.tone(), d.trace(), d,
                customerFacts.load(d.customerId(), AS_OF).orElseThrow());
    }

    @Test
    void theCommandLineStartsADispatchingRunWithDispatchAndPrintsTheEntries() throws Exception {
        String country = jdbc.sql("SELECT c.country FROM customers c WHERE c.id IN (:ids) GROUP BY c.country "
                + "ORDER BY COUNT(*) DESC LIMIT 1").param("ids", expectedRoutes.keySet()).query(String.class).single();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        int code = new RunCommand(runs).run(List.of("--as-of=" + AS_OF, "--mode=live", "--dispatch",
                "--country=" + country), out, false);

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        RunStatus run = runs.list(1).get(0);
        assertThat(run.dispatch()).isTrue();
        assertThat(run.startedBy()).isEqualTo("cli");
        long inCountry = expectedRoutes.keySet().stream().filter(c -> jdbc.sql("SELECT country FROM customers "
                + "WHERE id = ?").param(c).query(String.class).single().equals(country)).count();
        assertThat(inCountry).isPositive();
        assertThat(run.summary().enqueued()).isEqualTo(inCountry);
        assertThat(entriesOfRun(run.id())).hasSize((int) inCountry);
        assertThat(printed).contains("(live, dispatching, as of")
                .contains(String.format(java.util.Locale.ROOT, "outbox:   %,d entries (", inCountry));
    }

    /** An outbox entry of a run with the audit record it belongs to. */
    record Entry(String customerId, String decisionId, String route, String status, String action, String channel,
            String auditedAction, String auditedChannel, String decisionJson) {}

    private List<Entry> entriesOfRun(long runId) {
        return jdbc.sql("SELECT o.customer_id, o.decision_id, o.route, o.status, o.action, o.channel, a.action, "
                        + "a.channel, o.decision FROM outbox o JOIN audit_records a ON a.decision_id = o.decision_id "
                        + "AND a.customer_id = o.customer_id WHERE a.run_id = ? ORDER BY o.customer_id")
                .param(runId)
                .query((rs, n) -> new Entry(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)))
                .list();
    }

    private List<String> statusesOf(String customerId) {
        return jdbc.sql("SELECT CONCAT(decision_id, ' ', status) FROM outbox WHERE customer_id = ? ORDER BY 1")
                .param(customerId).query(String.class).list();
    }

    private DecisionResponse decide(String customerId) {
        RuleSet ruleSet = activeRuleSet.get();
        return DecisionResponse.of(UuidCreator.getTimeOrderedEpoch().toString(),
                engine.evaluate(customerFacts.load(customerId, AS_OF).orElseThrow(), ruleSet), ruleSet.version());
    }

    private AuditEntry entry(DecisionResponse d, long runId) {
        RuleSet ruleSet = activeRuleSet.get();
        return new AuditEntry(d.decisionId(), d.asOf(), d.customerId(), "test", ChunkDecider.ENTRY_POINT,
                ruleSet.version(), ruleSet.sources(), d.action(), d.channel(), d.tone(), d.trace(), d,
                customerFacts.load(d.customerId(), AS_OF).orElseThrow(), runId);
    }

    private static Map<String, Long> countPerRoute(Map<String, String> routes) {
        Map<String, Long> counts = new TreeMap<>();
        routes.values().forEach(r -> counts.merge(r, 1L, Long::sum));
        return counts;
    }

    private List<String> auditedCustomers(long runId) {
        return jdbc.sql("SELECT customer_id FROM audit_records WHERE run_id = ?").param(runId).query(String.class)
                .list();
    }

    private RunStatus await(long id) {
        return Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.status(id).orElseThrow(), RunStatus::finished);
    }

    private JsonNode awaitOverHttp(long id) {
        return Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    HttpResponse<String> response = get("/api/v1/runs/" + id);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    return json.readTree(response.body());
                }, run -> !List.of("starting", "started", "stopping").contains(run.get("status").asString()));
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }

    private static Map<String, Long> map(JsonNode node) {
        Map<String, Long> map = new TreeMap<>();
        node.properties().forEach(e -> map.put(e.getKey(), e.getValue().asLong()));
        return map;
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
