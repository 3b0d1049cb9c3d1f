package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.dunning.database.Sql;
import dev.dunning.database.TestDatabase;
import dev.dunning.security.TestCredentials;
import dev.dunning.web.DecisionApiIT;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The audit log over real HTTP and a real MariaDB, in a database of its own (these tests tamper with the chain):
 * every decision is chained before it is answered, the database refuses to change the log, and verification finds
 * a changed field, a deleted record and a reordered pair, tampered through a connection that bypasses the triggers.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditChainIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("audit_chain");
        db.register(registry);
        // Snapshots may be erased two seconds after their decision; the tests erase, the schedule does not.
        registry.add("dunning.audit.facts-retention", () -> "2s");
        registry.add("dunning.audit.retention-initial-delay", () -> "1h");
    }

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    ChainVerifier verifier;

    @Autowired
    AuditRecords records;

    @Autowired
    AuditRetention retention;

    final HttpClient http = HttpClient.newHttpClient();

    Instant start;

    @BeforeEach
    void markStart() {
        start = ChainTampering.startAfterEarlierRecords();
    }

    @Test
    void everyAnsweredDecisionIsInAnIntactChain() throws Exception {
        List<String> ids = decide(5);

        ChainVerifier.Result result = verifier.verify(start, null);

        assertThat(result.intact()).as("%s", result.broken()).isTrue();
        assertThat(result.verified()).isEqualTo(5);
        for (String id : ids) {
            AuditRecord r = records.byDecisionId(id).orElseThrow();
            assertThat(r.entryPoint()).isEqualTo("evaluate");
            assertThat(r.principal()).isEqualTo(TestCredentials.NAME);
            assertThat(r.ruleSetVersion()).matches("[0-9a-f]{64}");
            assertThat(r.action()).isEqualTo("REMINDER");
        }
        JsonNode verify = json.readTree(get("/api/v1/audit/verify?from=" + start).body());
        assertThat(verify.get("verified").asLong()).isEqualTo(5);
        assertThat(verify.get("broken").isNull()).isTrue();
    }

    @Test
    void theEvaluateAnswerIsTheDecisionAsChainedByteForByte() throws Exception {
        HttpResponse<String> answer = post(DecisionApiIT.EXAMPLE);

        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/json"));
        String id = json.readTree(answer.body()).get("decisionId").asString();
        String content = jdbc.sql("SELECT content FROM audit_records WHERE decision_id = ?").param(id)
                .query(String.class).single();
        // Mapped to JSON once: the answer is the very text the chained record holds (and its hash covers).
        assertThat(content).contains("\"decision\":" + answer.body() + ",\"decisionId\":\"" + id + "\"");
        assertThat(json.readTree(content).get("decision")).isEqualTo(json.readTree(answer.body()));
    }

    @Test
    void theDecisionCanBeReadBackWithItsTraceAndTheRuleFilesInForce() throws Exception {
        String id = decide(1).get(0);

        JsonNode recorded = json.readTree(get("/api/v1/decisions/" + id).body());

        assertThat(recorded.get("decision").get("decisionId").asString()).isEqualTo(id);
        assertThat(recorded.get("decision").get("trace").get(0).get("sheet").asString()).isEqualTo("Ladder");
        String version = recorded.get("decision").get("ruleSetVersion").asString();
        byte[] onDisk = read("decision-tables/escalation.xlsx");
        assertThat(records.ruleSetFile(version, "decision-tables/escalation.xlsx")).hasValueSatisfying(bytes ->
                assertThat(bytes).isEqualTo(onDisk));
        assertThat(get("/api/v1/decisions/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
    }

    @Test
    void theDatabaseRefusesToChangeOrDeleteTheLog() throws Exception {
        long seq = seqOf(decide(1).get(0));

        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_records SET action = 'NO_ACTION' WHERE seq = ?").param(seq)
                .update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_records WHERE seq = ?").param(seq).update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_firings WHERE seq = ?").param(seq).update())
                .hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_firings SET overridden = NOT overridden WHERE seq = ?")
                .param(seq).update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_rules SET policy = 'X' WHERE id IN (SELECT rule_id FROM "
                + "audit_firings WHERE seq = ?)").param(seq).update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_rules WHERE id IN (SELECT rule_id FROM "
                + "audit_firings WHERE seq = ?)").param(seq).update()).hasMessageContaining("append-only");
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_facts SET facts = '{}' WHERE seq = ?").param(seq).update())
                .hasMessageContaining("only allows erasure");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_facts WHERE seq = ?").param(seq).update())
                .hasMessageContaining("append-only");
    }

    @Test
    void theDatabaseRefusesToEraseFactsYoungerThanTheRetentionAge() throws Exception {
        long seq = seqOf(decide(1).get(0));
        retention.recordRetentionAge();

        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_facts SET facts = NULL, erased_at = UTC_TIMESTAMP(6) "
                + "WHERE seq = ?").param(seq).update()).hasMessageContaining("past the retention age");
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_facts_retention SET min_age_seconds = 1 WHERE id = 1")
                .update()).as("the age cannot be shortened").hasMessageContaining("can only grow");
        assertThat(jdbc.sql("SELECT facts IS NOT NULL FROM audit_facts WHERE seq = ?").param(seq)
                .query(Boolean.class).single()).isTrue();
    }

    @Test
    void aMovedRecordingTimeIsFound() throws Exception {
        List<String> ids = decide(3);
        long seq = seqOf(ids.get(1));

        // Time filters read the column: moving a decision out of an audited period must not go unnoticed.
        bypassingTriggers("audit_records", () -> jdbc.sql(
                "UPDATE audit_records SET recorded_at = recorded_at - INTERVAL 1 DAY WHERE seq = ?").param(seq).update());

        // The range runs from the first to the last record recorded in it, so the moved one in between is walked.
        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.broken()).isNotNull();
        assertThat(result.broken().seq()).isEqualTo(seq);
        assertThat(result.broken().problem()).contains("recorded_at");
    }

    @Test
    void aChangedFieldIsFound() throws Exception {
        List<String> ids = decide(4);
        long seq = seqOf(ids.get(2));

        bypassingTriggers("audit_records", () ->
                jdbc.sql("UPDATE audit_records SET action = 'NO_ACTION' WHERE seq = ?").param(seq).update());

        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.broken()).isNotNull();
        assertThat(result.broken().seq()).isEqualTo(seq);
        assertThat(result.broken().decisionId()).isEqualTo(ids.get(2));
        assertThat(result.broken().problem()).contains("action");
        assertThat(result.broken().kind()).isEqualTo(ChainVerifier.Kind.COLUMNS);
        assertThat(result.verified()).as("the records that held").isEqualTo(3);
        assertThat(result.breakCount()).isEqualTo(1);
    }

    @Test
    void changedContentIsFound() throws Exception {
        long seq = seqOf(decide(3).get(1));

        bypassingTriggers("audit_records", () -> jdbc.sql(
                "UPDATE audit_records SET content = REPLACE(content, '\"FRIENDLY\"', '\"FIRM\"') WHERE seq = ?")
                .param(seq).update());

        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.broken().seq()).isEqualTo(seq);
        assertThat(result.broken().problem()).contains("no longer matches its hash");
    }

    @Test
    void aDeletedRecordIsFound() throws Exception {
        long seq = seqOf(decide(4).get(1));

        bypassingTriggers("audit_records", () ->
                jdbc.sql("DELETE FROM audit_records WHERE seq = ?").param(seq).update());

        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.broken().seq()).isEqualTo(seq);
        assertThat(result.broken().problem()).contains("missing");
    }

    @Test
    void aReorderedPairIsFound() throws Exception {
        List<String> ids = decide(4);
        long a = seqOf(ids.get(1));
        long b = seqOf(ids.get(2));

        bypassingTriggers("audit_records", () -> {
            jdbc.sql("UPDATE audit_records SET seq = -1 WHERE seq = ?").param(a).update();
            jdbc.sql("UPDATE audit_records SET seq = ? WHERE seq = ?").params(a, b).update();
            jdbc.sql("UPDATE audit_records SET seq = ? WHERE seq = -1").param(b).update();
        });

        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.broken().seq()).isEqualTo(a);
        assertThat(result.broken().problem()).contains("does not point at the record before");
    }

    @Test
    void aDecisionTheLogCannotHoldIsNotAnswered() throws Exception {
        long before = jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single();
        jdbc.sql("RENAME TABLE audit_firings TO audit_firings_away").update();
        HttpResponse<String> refused;
        try {
            refused = post(DecisionApiIT.EXAMPLE);
        } finally {
            jdbc.sql("RENAME TABLE audit_firings_away TO audit_firings").update();
        }

        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.body()).doesNotContain("REMINDER").doesNotContain("SQL");
        // Nothing half-written: neither the record nor its facts.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single()).isEqualTo(before);
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_facts").query(Long.class).single()).isEqualTo(before);
        // The next decision is recorded and the chain still holds.
        assertThat(post(DecisionApiIT.EXAMPLE).statusCode()).isEqualTo(200);
        assertThat(verifier.verify(start, null).intact()).isTrue();
    }

    @Test
    void retentionErasesOldFactsAndTheChainStillVerifies() throws Exception {
        List<String> ids = decide(3);
        AuditRecord kept = records.byDecisionId(ids.get(2)).orElseThrow();
        // The database measures the age on its own clock: wait until the first two are past the two seconds.
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql("SELECT UTC_TIMESTAMP(6) - INTERVAL 2 SECOND > ?")
                .param(Sql.utc(kept.recordedAt())).query(Boolean.class).single());

        int erased = retention.eraseRecordedBefore(kept.recordedAt());

        assertThat(erased).isGreaterThanOrEqualTo(2);
        for (String id : ids.subList(0, 2)) {
            long seq = seqOf(id);
            assertThat(jdbc.sql("SELECT facts IS NULL AND erased_at IS NOT NULL FROM audit_facts WHERE seq = ?")
                    .param(seq).query(Boolean.class).single()).as("facts of %s erased", id).isTrue();
            // What was decided, and why, stays readable after its facts are gone.
            JsonNode recorded = json.readTree(get("/api/v1/decisions/" + id).body());
            assertThat(recorded.get("decision").get("action").asString()).isEqualTo("REMINDER");
        }
        assertThat(jdbc.sql("SELECT facts FROM audit_facts WHERE seq = ?").param(kept.seq()).query(String.class)
                .single()).contains("\"invoices\"");
        ChainVerifier.Result afterErasure = verifier.verify(start, null); // earlier tests broke the chain before it
        assertThat(afterErasure.intact()).as("%s", afterErasure.breaks()).isTrue();
        assertThat(afterErasure.verified()).as("three decisions and the erasure record").isEqualTo(4);
        // The erasure is in the chain: which records, by whom, when; listed only when asked for.
        AuditRecord erasure = records.find(new AuditFilter(null, start, null, null, null, null, null, "erasure"), null, 5)
                .get(0);
        assertThat(erasure.principal()).isEqualTo("system:retention");
        // Written beside the writer, it still widens its minute's seq bounds, which time-range searches read.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_minutes WHERE minute = ? AND ? BETWEEN min_seq AND max_seq")
                .params(Sql.utc(AuditMinutes.minute(erasure.recordedAt())), erasure.seq()).query(Long.class).single())
                .isOne();
        JsonNode erasedRanges = json.readTree(erasure.content()).get("erased");
        for (String id : ids.subList(0, 2)) {
            long seq = seqOf(id);
            boolean named = false;
            for (JsonNode range : erasedRanges) {
                named |= range.get(0).asLong() <= seq && seq <= range.get(1).asLong();
            }
            assertThat(named).as("the erasure record names %s in %s", seq, erasedRanges).isTrue();
        }
        assertThat(records.find(new AuditFilter(null, start, null, null, null, null, null, null), null, 10))
                .extracting(AuditRecord::entryPoint).containsOnly("evaluate");
        assertThat(retention.eraseRecordedBefore(kept.recordedAt())).as("erasing again changes nothing").isZero();
        // Erasure is the only change the database allows: facts cannot be put back.
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_facts SET facts = '{}' WHERE seq = ?").param(seqOf(ids.get(0)))
                .update()).hasMessageContaining("only allows erasure");
    }

    private void bypassingTriggers(String table, Runnable tamper) {
        ChainTampering.bypassingTriggers(jdbc, tamper, table);
    }

    private long seqOf(String decisionId) {
        return records.byDecisionId(decisionId).orElseThrow().seq();
    }

    private List<String> decide(int n) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            HttpResponse<String> response = post(DecisionApiIT.EXAMPLE);
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            ids.add(json.readTree(response.body()).get("decisionId").asString());
        }
        return ids;
    }

    private static byte[] read(String path) throws Exception {
        return Files.readAllBytes(Path.of(path));
    }

    private HttpResponse<String> post(String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/decisions/evaluate"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
