package dev.dunning.audit;

import java.time.Duration;
import java.time.Instant;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Facts;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Export of a large log, in a database of its own holding 100,000 decisions written through the real {@link AuditLog}
 * (group commit, hash chain): real decisions of the shipped rules, copied with new ids and spread over 1,000
 * customers, 1 in 100 a hold asked for by customer id.
 *
 * <p>How streaming is proven: the client reads the first lines of the export and then stops reading. If the server
 * had loaded the range into memory (a JDBC result set read whole, or a list built first), the database would have
 * finished sending every row before the first byte left the service, and the export query would no longer be running.
 * Streamed, the stalled client blocks the service's socket, the service stops pulling rows, and the database blocks
 * in the middle of the result: the query is still in MariaDB's process list while the client already holds the
 * first records. The rows total some 150 MB, far more than the socket buffers on the way, so this cannot pass by
 * buffering. Then the client reads on and counts every record: nothing is lost. A heap limit would prove the same
 * more bluntly but needs a JVM of its own; this check runs in the shared test JVM and fails for the right reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AuditExportIT {

    static final int RECORDS = 100_000;
    static final String ODD_CUSTOMER = "ODD,\"quoted\"";
    static final String ODD_PRINCIPAL = "auditor, \"chief\"\nsecond line";

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("audit_export");
        db.register(registry);
    }

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    AuditLog auditLog;

    @Autowired
    AuditRecords records;

    @Autowired
    DecisionEngine engine;

    @Autowired
    ActiveRuleSet active;

    @Autowired
    JdbcClient jdbc;

    final HttpClient http = HttpClient.newHttpClient();

    String holdRule;
    String holdPolicy;
    String reminderPolicy;
    String reminderRule;

    @BeforeAll
    void fillTheLog() throws Exception {
        RuleSet ruleSet = active.get();
        Facts reminderFacts = json.readValue(AuditReadingIT.reminder("T"), Facts.class);
        Facts holdFacts = json.readValue(AuditReadingIT.disputed("T"), Facts.class);
        DecisionResponse reminder = DecisionResponse.of("x", engine.evaluate(reminderFacts, ruleSet), ruleSet.version());
        DecisionResponse hold = DecisionResponse.of("x", engine.evaluate(holdFacts, ruleSet), ruleSet.version());
        assertThat(reminder.action()).isEqualTo("REMINDER");
        assertThat(hold.action()).isEqualTo("HOLD");
        List<String> reminderRules = reminder.trace().stream().map(t -> t.rule()).toList();
        holdRule = hold.trace().stream().map(t -> t.rule()).filter(r -> !reminderRules.contains(r)).findFirst()
                .orElseThrow();
        List<String> reminderPolicies = reminder.trace().stream().map(AuditExportIT::policy).toList();
        reminderRule = reminderRules.get(0);
        reminderPolicy = reminderPolicies.stream().filter(p -> p != null).findFirst().orElseThrow();
        holdPolicy = hold.trace().stream().map(AuditExportIT::policy)
                .filter(p -> p != null && !reminderPolicies.contains(p)).findFirst().orElse(null);

        long started = System.nanoTime();
        ExecutorService writers = Executors.newFixedThreadPool(64);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 64; w++) {
                int first = w;
                done.add(writers.submit(() -> {
                    for (int i = first; i < RECORDS; i += 64) {
                        boolean isHold = i % 100 == 7;
                        DecisionResponse template = isHold ? hold : reminder;
                        append(template, "EXP-" + (i % 1000), "anonymous", isHold ? "decide" : "evaluate",
                                isHold ? holdFacts : reminderFacts);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            writers.shutdownNow();
        }
        append(reminder, ODD_CUSTOMER, ODD_PRINCIPAL, "evaluate", reminderFacts);
        System.out.printf("Appended %d records through AuditLog in %d ms%n", RECORDS + 1,
                (System.nanoTime() - started) / 1_000_000);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single()).isEqualTo(RECORDS + 1);
    }

    private void append(DecisionResponse t, String customerId, String principal, String entryPoint, Facts facts) {
        String id = UuidCreator.getTimeOrderedEpoch().toString();
        DecisionResponse d = new DecisionResponse(id, customerId, t.asOf(), t.action(), t.channel(), t.tone(),
                t.stage(), t.template(), t.invoiceIds(), t.notBefore(), t.nextReviewOn(), t.requiresApproval(),
                t.fees(), t.reasons(), t.holdsApplied(), t.ruleSetVersion(), t.trace(), t.challengerTest());
        auditLog.append(new AuditEntry(id, d.asOf(), customerId, principal, entryPoint, d.ruleSetVersion(),
                active.get().sources(), d.action(), d.channel(), d.tone(), d.trace(), d, facts));
    }

    @Test
    void csvExportOfTheWholeLogStreamsEveryRecord() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url(
                "/api/v1/audit/export?format=csv"))).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8), 8192)) {
            CsvRecords csv = new CsvRecords(reader);
            assertThat(csv.next()).isEqualTo(AuditExport.CSV_COLUMNS);
            List<String> first = csv.next();
            assertThat(first.get(0)).isEqualTo("1");

            // The client holds the first record and reads no further: the export query must still be running.
            assertThat(exportQueriesRunning()).as("the export query is still being read").isEqualTo(1);

            // Read in chain order as stored, never sorted first (leaving out erasure records keeps it so).
            assertThat(records.explainStream(AuditFilter.ALL)).allSatisfy(plan ->
                    assertThat(plan).doesNotContain("filesort"));

            long count = 1;
            long previousSeq = 1;
            List<String> row;
            while ((row = csv.next()) != null) {
                assertThat(row).hasSize(AuditExport.CSV_COLUMNS.size());
                long seq = Long.parseLong(row.get(0));
                assertThat(seq).isEqualTo(previousSeq + 1);
                previousSeq = seq;
                count++;
            }
            assertThat(count).isEqualTo(RECORDS + 1);
        }
        assertThat(exportQueriesRunningAfterAWhile()).isZero();
    }

    @Test
    void csvQuotesCommasQuotesAndLineBreaks() throws Exception {
        String body = get("/api/v1/audit/export?format=csv&customerId="
                + URLEncoder.encode(ODD_CUSTOMER, StandardCharsets.UTF_8));
        assertThat(body).contains("\"ODD,\"\"quoted\"\"\"").contains("\"auditor, \"\"chief\"\"\nsecond line\"");
        CsvRecords csv = new CsvRecords(new BufferedReader(new java.io.StringReader(body)));
        csv.next();
        List<String> row = csv.next();
        assertThat(row.get(AuditExport.CSV_COLUMNS.indexOf("customer_id"))).isEqualTo(ODD_CUSTOMER);
        assertThat(row.get(AuditExport.CSV_COLUMNS.indexOf("principal"))).isEqualTo(ODD_PRINCIPAL);
        assertThat(row.get(AuditExport.CSV_COLUMNS.indexOf("fired_rules")))
                .contains("decision-tables/escalation.xlsx, sheet Ladder, row ");
        assertThat(csv.next()).isNull();
    }

    @Test
    void jsonLinesCarryEachRecordWithItsFiredRules() throws Exception {
        HttpResponse<InputStream> response = http.send(HttpRequest.newBuilder(URI.create(url(
                "/api/v1/audit/export?format=jsonl&action=HOLD"))).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(response.statusCode()).isEqualTo(200);
        long lines = 0;
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                JsonNode record = json.readTree(line);
                assertThat(record.get("action").asString()).isEqualTo("HOLD");
                assertThat(record.get("entryPoint").asString()).isEqualTo("decide");
                assertThat(record.get("decision").get("trace").findValuesAsString("rule")).contains(holdRule);
                lines++;
            }
        }
        assertThat(lines).isEqualTo(RECORDS / 100);

        long all = 0;
        try (var reader = new BufferedReader(new InputStreamReader(http.send(HttpRequest.newBuilder(URI.create(url(
                "/api/v1/audit/export?format=jsonl"))).GET().build(), HttpResponse.BodyHandlers.ofInputStream())
                .body(), StandardCharsets.UTF_8))) {
            while (reader.readLine() != null) {
                all++;
            }
        }
        assertThat(all).isEqualTo(RECORDS + 1);
    }

    /** The filters a page is read by use their indexes on a log of 100,000 records, and never sort. */
    @Test
    void theCommonFiltersUseTheirIndexes() {
        assertPlan(new AuditFilter("EXP-42", null, null, null, null, null, null, null), "audit_records_customer_seq");
        assertPlan(new AuditFilter(null, null, null, "HOLD", null, null, null, null), "audit_records_action_seq");
        assertPlan(new AuditFilter(null, null, null, null, null, null, null, "decide"),
                "audit_records_entry_point_seq");
        assertPlan(new AuditFilter(null, null, null, null, null, holdRule, null, null), "audit_firings_name_seq");
        assertPlan(new AuditFilter("EXP-42", null, null, null, null, null, null, null), 5000L,
                "audit_records_customer_seq");
    }

    /**
     * A policy reference is resolved to its rules before the search, so the search walks the (name_id, seq) index as
     * the rule-name filter does, for a reference carried by 1 decision in 100 and for one carried by nearly all, on the
     * first page and a later one; a reference that names no rule answers empty without a query of the log.
     */
    @Test
    void thePolicyFilterUsesTheFiringsIndexAndAnUnknownReferenceQueriesNothing() throws Exception {
        assertThat(holdPolicy).as("a reference only the hold decisions carry").isNotNull();
        assertPlan(policy(holdPolicy), "audit_firings_name_seq");
        assertPlan(policy(reminderPolicy), "audit_firings_name_seq");
        assertPlan(policy(reminderPolicy), 50_000L, "audit_firings_name_seq");
        // The rule-name filter is planned the same way: a common rule below a cursor walks its index too.
        assertPlan(new AuditFilter(null, null, null, null, null, reminderRule, null, null), 50_000L,
                "audit_firings_name_seq");
        assertThat(records.explainStream(policy(holdPolicy))).anySatisfy(row ->
                assertThat(row).contains("key=audit_firings_name_seq")).noneSatisfy(row ->
                assertThat(row).containsAnyOf("filesort", "type=ALL"));
        assertThat(records.find(policy(holdPolicy), null, 500)).hasSize(500)
                .allSatisfy(r -> assertThat(r.action()).isEqualTo("HOLD"));
        assertThat(records.find(policy(reminderPolicy), null, 3)).hasSize(3);

        assertThat(records.explainFind(policy("NO-SUCH-REF"), null, 51)).as("no query is planned").isEmpty();
        assertThat(records.find(policy("NO-SUCH-REF"), null, 51)).isEmpty();
        assertThat(get("/api/v1/audit/decisions?policy=NO-SUCH-REF")).contains("\"decisions\":[]");

        // The export of the filter: every hold decision, none other, in chain order.
        long lines = 0;
        long previous = 0;
        for (String line : get("/api/v1/audit/export?format=jsonl&policy=" + URLEncoder.encode(holdPolicy,
                StandardCharsets.UTF_8)).lines().toList()) {
            JsonNode record = json.readTree(line);
            assertThat(record.get("action").asString()).isEqualTo("HOLD");
            assertThat(record.get("seq").asLong()).isGreaterThan(previous);
            previous = record.get("seq").asLong();
            lines++;
        }
        assertThat(lines).isEqualTo(RECORDS / 100);
        assertThat(get("/api/v1/audit/export?format=csv&policy=NO-SUCH-REF").lines().toList())
                .containsExactly(String.join(",", AuditExport.CSV_COLUMNS));
    }

    private static AuditFilter policy(String reference) {
        return new AuditFilter(null, null, null, null, null, null, null, null, reference);
    }

    private static String policy(dev.dunning.decision.TraceEntry t) {
        Object policy = t.metadata() == null ? null : t.metadata().get("policy");
        return policy == null ? null : policy.toString();
    }

    /**
     * A page of a time range given at both ends is bounded by the first and last seq recorded in it: the same records
     * as the range alone selects (64 writers, so recording times are not quite in seq order), without a walk back
     * from the newest record. A range with fewer matches than a page (HOLD is one decision in a hundred) made that
     * walk go down to the first record: 13 to 44 s at 1,000,000 records (docs/benchmarks.md, "Console pages").
     */
    @Test
    void aTimeRangeIsReadBetweenTheFirstAndLastSeqRecordedInIt() {
        Instant from = recordedAt(20_000);
        Instant to = recordedAt(21_000);
        for (String action : new String[] {"HOLD", null}) {
            AuditFilter range = new AuditFilter(null, from, to, action, null, null, null, null);
            List<Long> newestFirst = new ArrayList<>();
            records.stream(range, r -> newestFirst.add(0, r.seq()));
            assertThat(newestFirst).as("records of %s in the range", action).hasSizeGreaterThan(5);
            List<Long> page = records.find(range, null, 51).stream().map(AuditRecord::seq).toList();
            assertThat(page).isEqualTo(newestFirst.subList(0, Math.min(51, newestFirst.size())));
            if (newestFirst.size() > 51) {
                List<Long> next = records.find(range, page.get(page.size() - 1), 51).stream()
                        .map(AuditRecord::seq).toList();
                assertThat(next).isEqualTo(newestFirst.subList(51, Math.min(102, newestFirst.size())));
            }
            List<String> plan = records.explainFind(range, null, 51);
            System.out.println("EXPLAIN " + range + ": " + plan);
            assertThat(plan).as("%s", plan).noneSatisfy(row -> assertThat(row).containsAnyOf("type=index ",
                    "type=ALL", "filesort"));
            assertThat(plan).as("%s", plan).allSatisfy(row -> assertThat(Long.parseLong(row.replaceAll(
                    ".* rows=(\\d+) .*", "$1"))).isLessThan(10_000));
        }
        AuditFilter empty = new AuditFilter(null, Instant.parse("2001-01-01T00:00:00Z"),
                Instant.parse("2001-01-02T00:00:00Z"), null, null, null, null, null);
        assertThat(records.find(empty, null, 51)).isEmpty();
    }

    private Instant recordedAt(long seq) {
        return records.find(new AuditFilter(null, null, null, null, null, null, null, null), seq + 1, 1).get(0)
                .recordedAt();
    }

    private void assertPlan(AuditFilter filter, String index) {
        assertPlan(filter, null, index);
    }

    private void assertPlan(AuditFilter filter, Long before, String index) {
        List<String> plan = records.explainFind(filter, before, 51);
        System.out.println("EXPLAIN " + filter + " before " + before + ": " + plan);
        assertThat(plan).as("%s", plan).anySatisfy(row -> assertThat(row).contains("key=" + index));
        assertThat(plan).as("%s", plan).noneSatisfy(row -> assertThat(row).contains("filesort"));
        assertThat(plan).as("%s", plan).noneSatisfy(row -> assertThat(row).contains("type=ALL"));
    }

    private long exportQueriesRunning() {
        return jdbc.sql("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE COMMAND = 'Query' "
                        + "AND INFO LIKE 'SELECT r.seq%FROM audit_records r%ORDER BY r.seq' AND DB = DATABASE()")
                .query(Long.class).single();
    }

    private long exportQueriesRunningAfterAWhile() {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                    .until(() -> exportQueriesRunning() == 0);
        } catch (ConditionTimeoutException e) {
            // the caller's assertion names the count still running
        }
        return exportQueriesRunning();
    }

    /** RFC 4180 records from a reader: quoted fields may hold commas, doubled quotes and line breaks. */
    static final class CsvRecords {
        private final BufferedReader in;

        CsvRecords(BufferedReader in) {
            this.in = in;
        }

        List<String> next() throws java.io.IOException {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            while (c >= 0) {
                if (quoted) {
                    if (c == '"') {
                        in.mark(1);
                        int n = in.read();
                        if (n == '"') {
                            field.append('"');
                        } else {
                            quoted = false;
                            in.reset();
                        }
                    } else {
                        field.append((char) c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (c == '\r') {
                    // part of the CRLF record end
                } else if (c == '\n') {
                    break;
                } else {
                    field.append((char) c);
                }
                c = in.read();
            }
            fields.add(field.toString());
            return fields;
        }
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    private String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url(path))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }
}
