package dev.dunning.runs;

import org.awaitility.Awaitility;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.audit.ChainVerifier;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Hold;
import dev.dunning.demo.Generator;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Dunning runs end to end on a database of its own: a few hundred generated customers (fixed seed) plus one whose
 * stored time zone breaks evaluation, decided in chunks of 10 by two partitions, compared with an independent count
 * made by deciding every customer one by one through the engine.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.runs.chunk-size=10", "dunning.runs.partitions=2"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// A database of its own: no other class can reuse this context, and cached it would keep its pool of connections
// on the test JVM's one MariaDB server (151 at most) for the rest of the build.
@DirtiesContext
class RunIT {

    static final int CUSTOMERS = 300;
    static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    static final Instant AS_OF = DAY.atTime(10, 0).toInstant(ZoneOffset.UTC);
    static final String BAD = "BAD-1";
    static TestDatabase.Connection db;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        db = TestDatabase.freshDatabase("runs");
        db.register(registry);
    }

    /** Test-only hook in every chunk's transaction: fails one chunk after its decisions were audited; notes threads. */
    static final class ChunkHook implements ItemWriteListener<String> {
        final AtomicInteger failAfter = new AtomicInteger(-1);
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public void afterWrite(Chunk<? extends String> items) {
            threads.add(Thread.currentThread().getName());
            if (failAfter.get() >= 0 && failAfter.getAndDecrement() == 0) {
                throw new IllegalStateException("chunk failed on purpose after its audit records were committed");
            }
        }
    }

    static final ChunkHook HOOK = new ChunkHook();

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

    final HttpClient http = HttpClient.newHttpClient();

    /** Counts made without the run: every customer decided on its own, those the run selects counted. */
    record Expected(Set<String> decided, Map<String, Map<String, Long>> counts) {}

    Expected expected;

    @BeforeAll
    void generateCustomersAndCountIndependently() throws Exception {
        GeneratedCustomers.generate(db, declineCodes, new Generator.Options(CUSTOMERS, 7, DAY, "G-"));
        Set<String> decided = new HashSet<>();
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        GeneratedCustomers.decidedOneByOne(jdbc, customerFacts, engine, activeRuleSet, AS_OF,
                i -> !i.dueDate().isAfter(DAY)).forEach((id, d) -> {
                    decided.add(id);
                    add(counts, "action", d.getAction());
                    add(counts, "channel", d.getChannel());
                    add(counts, "tone", d.getTone() == null ? "NONE" : d.getTone());
                    for (Hold h : d.getHoldsApplied()) {
                        add(counts, "hold", h.kind().name());
                    }
                });
        // Stored after the count (which it is not part of): a customer as a billing system could never send it (the
        // API checks time zones), which evaluation cannot place.
        jdbc.sql("INSERT INTO customers (id, name, segment, country, language, time_zone, currency, risk_score, "
                + "tenure_months, consent_email, consent_sms, consent_phone, consent_letter, do_not_contact, vulnerable, "
                + "third_party_collection, created_at, updated_at) VALUES ('" + BAD + "', 'Bad Zone', 'CONSUMER', 'NZ', "
                + "'en', 'Mars/Olympus_Mons', 'NZD', 10, 5, true, true, true, true, false, false, false, NOW(), NOW())")
                .update();
        jdbc.sql("INSERT INTO invoices (id, customer_id, number, currency, amount, amount_paid, issue_date, due_date, "
                + "status, created_at, updated_at) VALUES ('BAD-INV-1', '" + BAD + "', 'B1', 'NZD', 100, 0, "
                + "'2026-01-01', '2026-01-31', 'OPEN', NOW(), NOW())").update();
        expected = new Expected(decided, counts);
        assertThat(decided).as("customers with invoices due by the as-of date").hasSizeBetween(30, CUSTOMERS);
        assertThat(counts.get("action")).as("more than one kind of action").hasSizeGreaterThan(1);
    }

    @BeforeEach
    void disarm() {
        HOOK.failAfter.set(-1);
        HOOK.threads.clear();
    }

    @Test
    void aLiveRunDecidesEverySelectedCustomerOnceAndCountsAsAnIndependentEvaluationDoes() throws Exception {
        HttpResponse<String> started = post("/api/v1/runs",
                "{\"asOf\": \"" + AS_OF + "\", \"mode\": \"live\"}");
        assertThat(started.statusCode()).as(started.body()).isEqualTo(202);
        long id = json.readTree(started.body()).get("id").asLong();
        assertThat(started.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("/api/v1/runs/" + id));

        JsonNode run = awaitOverHttp(id);

        assertThat(run.get("status").asString()).isEqualTo("completed");
        assertThat(run.get("mode").asString()).isEqualTo("live");
        long selected = expected.decided.size() + 1; // and the bad customer
        assertThat(run.at("/progress/done").asLong()).isEqualTo(selected);
        assertThat(run.at("/progress/total").asLong()).isEqualTo(selected);
        assertThat(run.at("/summary/decided").asLong()).isEqualTo(expected.decided.size());
        assertThat(run.get("failedCount").asLong()).isEqualTo(1);
        assertThat(run.at("/failed/0/customerId").asString()).isEqualTo(BAD);
        assertThat(map(run.at("/summary/actions"))).isEqualTo(expected.counts.get("action"));
        assertThat(map(run.at("/summary/channels"))).isEqualTo(expected.counts.get("channel"));
        assertThat(map(run.at("/summary/tones"))).isEqualTo(expected.counts.get("tone"));
        assertThat(map(run.at("/summary/holds"))).isEqualTo(expected.counts.getOrDefault("hold", Map.of()));
        assertThat(run.at("/timingsMs").has("evaluate")).isTrue();

        assertThat(auditedCustomers(id)).containsExactlyInAnyOrderElementsOf(expected.decided);
        assertThat(verifier.verify(null, null).intact()).isTrue();

        HttpResponse<String> list = get("/api/v1/runs");
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(json.readTree(list.body()).valueStream().map(r -> r.get("id").asLong())).contains(id);
    }

    @Test
    void aCustomerWhoseFactsBreakEvaluationIsReportedWithItsReasonAndTheRunGoesOn() {
        long id = runs.start(new RunRequest(AS_OF, false, null, "NZ", null, "test"));

        RunStatus run = await(id);

        assertThat(run.status()).isEqualTo("completed");
        assertThat(run.failedCount()).isEqualTo(1);
        assertThat(run.failed()).singleElement().satisfies(f -> {
            assertThat(f.customerId()).isEqualTo(BAD);
            assertThat(f.reason()).contains("Mars/Olympus_Mons");
        });
        long nz = expected.decided.stream().filter(c -> jdbc.sql("SELECT country FROM customers WHERE id = ?")
                .param(c).query(String.class).single().equals("NZ")).count();
        assertThat(run.summary().decided()).isEqualTo(nz);
        assertThat(run.progress().total()).isEqualTo(nz + 1);
        assertThat(auditedCustomers(id)).doesNotContain(BAD).hasSize((int) nz);
    }

    @Test
    void aDryRunCountsTheSameButLeavesNoDecisionsOrAuditRecords() {
        long before = count("SELECT COUNT(*) FROM audit_records");

        RunStatus run = await(runs.start(new RunRequest(AS_OF, true, null, null, null, "test")));

        assertThat(run.status()).isEqualTo("completed");
        assertThat(run.mode()).isEqualTo("dry-run");
        assertThat(run.summary().decided()).isEqualTo(expected.decided.size());
        assertThat(run.summary().actions()).isEqualTo(expected.counts.get("action"));
        assertThat(count("SELECT COUNT(*) FROM audit_records")).isEqualTo(before);
        assertThat(count("SELECT COUNT(*) FROM audit_records WHERE run_id = " + run.id())).isZero();
    }

    @Test
    void aRunFailedHalfWayContinuesWhenRestartedAndDecidesNoCustomerTwice() throws Exception {
        HOOK.failAfter.set(2); // the third chunk fails after its decisions were committed to the audit log

        RunStatus failed = await(runs.start(new RunRequest(AS_OF, false, null, null, null, "test")));

        assertThat(failed.status()).isEqualTo("failed");
        long id = failed.id();
        long auditedBeforeRestart = count("SELECT COUNT(*) FROM audit_records WHERE run_id = " + id);
        assertThat(auditedBeforeRestart).isPositive().isLessThan(expected.decided.size());

        HttpResponse<String> restarted = post("/api/v1/runs/" + id + "/restart", "");
        assertThat(restarted.statusCode()).as(restarted.body()).isEqualTo(202);
        RunStatus run = await(id);

        assertThat(run.status()).isEqualTo("completed");
        assertThat(run.executions()).isEqualTo(2);
        assertThat(auditedCustomers(id)).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.decided);
        // The failed chunk's customers were counted once: from their audit records, not decided again.
        assertThat(run.summary().decided()).isEqualTo(expected.decided.size());
        assertThat(run.summary().actions()).isEqualTo(expected.counts.get("action"));
        assertThat(run.progress().done()).isEqualTo(run.progress().total());

        HttpResponse<String> again = post("/api/v1/runs/" + id + "/restart", "");
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(again.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(again.body()).contains("is complete");
    }

    @Test
    void twoPartitionsWorkedByTwoThreadsCoverEveryCustomerExactlyOnce() {
        RunStatus run = await(runs.start(new RunRequest(AS_OF, false, null, null, null, "test")));

        assertThat(run.status()).isEqualTo("completed");
        List<Long> reads = jdbc.sql("SELECT s.READ_COUNT FROM BATCH_STEP_EXECUTION s JOIN BATCH_JOB_EXECUTION e "
                        + "ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID WHERE e.JOB_INSTANCE_ID = ? "
                        + "AND s.STEP_NAME LIKE 'decideRange:%'")
                .param(run.id()).query(Long.class).list();
        assertThat(reads).hasSize(2).allSatisfy(r -> assertThat(r).isPositive());
        assertThat(reads.get(0) + reads.get(1)).isEqualTo(expected.decided.size() + 1);
        assertThat(HOOK.threads).hasSize(2).allSatisfy(t -> assertThat(t).startsWith("run-partition-"));
        assertThat(auditedCustomers(run.id())).doesNotHaveDuplicates()
                .containsExactlyInAnyOrderElementsOf(expected.decided);
    }

    @Test
    void theCommandLineRunShowsAProgressBarAndTheSummary() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        int code = new RunCommand(runs).run(List.of("--as-of=" + AS_OF, "--mode=dry-run", "--country=NZ"), out,
                false);

        String printed = bytes.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("[" + "#".repeat(RunCommand.BAR_WIDTH) + "] 100%")
                .contains("completed").contains("failed " + BAD);
        assertThat(new RunCommand(runs).run(List.of("--mode=live"), out, false)).isEqualTo(RunCommand.USAGE);
    }

    @Test
    void badRequestsAreNamed() throws Exception {
        HttpResponse<String> mode = post("/api/v1/runs", "{\"asOf\": \"" + AS_OF + "\", \"mode\": \"sometimes\"}");
        assertThat(mode.statusCode()).isEqualTo(400);
        assertThat(mode.body()).contains("mode").contains("dry-run");

        assertThat(get("/api/v1/runs/987654").statusCode()).isEqualTo(404);
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

    private static void add(Map<String, Map<String, Long>> counts, String dimension, String value) {
        counts.computeIfAbsent(dimension, k -> new TreeMap<>()).merge(value, 1L, Long::sum);
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
