package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dunning.database.TestDatabase;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.RuleSource;
import dev.dunning.rulesets.AlteredVersionException;
import dev.dunning.rulesets.RuleSetLifecycle;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.ObjectMapper;

/**
 * The tampering issue 16 found on main, each through a privileged connection (triggers dropped, as a database
 * administrator could): each is refused by the database, or caught by verification with the break located. A deleted
 * tail and a consistent rewrite leave a chain that is whole in itself; only a checkpoint kept outside finds them.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class AuditTamperIT {

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("audit_tamper").register(registry);
        registry.add("dunning.audit.checkpoint.check", () -> "1h"); // the tests make their checkpoints
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
    AuditCheckpoints checkpoints;

    @Autowired
    AuditRecords records;

    @Autowired
    RuleSetLifecycle lifecycle;

    @Autowired
    ActiveRuleSet active;

    final HttpClient http = HttpClient.newHttpClient();

    Instant start;

    @BeforeEach
    void markStart() {
        start = ChainTampering.startAfterEarlierRecords();
    }

    @Test
    void theDatabaseMovesTheChainHeadOnlyForwardToTheStoredRecord() throws Exception {
        decide(2);
        long head = headSeq();
        String before = hashOf(head - 1);

        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1")
                .params(head - 1, before).update()).hasMessageContaining("only moves forward");
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_chain_head SET hash = ? WHERE id = 1").param(before)
                .update()).hasMessageContaining("only moves forward");
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_chain_head SET seq = seq + 5 WHERE id = 1").update())
                .hasMessageContaining("must name a stored record");
        assertThatThrownBy(() -> jdbc.sql("DELETE FROM audit_chain_head").update()).hasMessageContaining("one row");
        assertThat(headSeq()).isEqualTo(head);
    }

    @Test
    void aDeletedTailWithTheHeadMovedBackIsFoundByAKeptCheckpoint() throws Exception {
        decide(3);
        Checkpoint kept = checkpoints.checkpointNow();
        long newEnd = kept.seq() - 2;

        ChainTampering.bypassingTriggers(jdbc, () -> {
            for (String table : List.of("audit_firings", "audit_facts", "audit_records")) {
                jdbc.sql("DELETE FROM " + table + " WHERE seq > ?").param(newEnd).update();
            }
            jdbc.sql("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1").params(newEnd, hashOf(newEnd))
                    .update();
        }, "audit_firings", "audit_facts", "audit_records", "audit_chain_head");

        assertThat(verifier.verify(start, null).intact()).as("the chain alone cannot tell").isTrue();
        ChainVerifier.Result result = verifier.verify(start, null, List.of(kept), checkpoints.publicKey());
        assertThat(result.breakCount()).isEqualTo(1);
        assertThat(result.broken().kind()).isEqualTo(ChainVerifier.Kind.TRUNCATED);
        assertThat(result.broken().seq()).isEqualTo(kept.seq());
        assertThat(result.broken().problem()).contains("the log ends at record " + newEnd);
    }

    @Test
    void aConsistentRewriteWithRecomputedHashesIsFoundByAKeptCheckpoint() throws Exception {
        List<String> ids = decide(3);
        Checkpoint kept = checkpoints.checkpointNow();
        long a = seqOf(ids.get(1));
        long b = seqOf(ids.get(2));
        assertThat(kept.seq()).isEqualTo(b);

        // Record a said by someone else, every hash from there on recomputed: the chain is whole in itself.
        ChainTampering.bypassingTriggers(jdbc, () -> {
            AuditRecord ra = records.byDecisionId(ids.get(1)).orElseThrow();
            AuditRecord rb = records.byDecisionId(ids.get(2)).orElseThrow();
            String content = ra.content().replace("\"principal\":\"" + ra.principal() + "\"",
                    "\"principal\":\"someone-else\"");
            String hashA = Hashes.link(ra.prevHash(), content);
            String hashB = Hashes.link(hashA, rb.content());
            jdbc.sql("UPDATE audit_records SET principal = 'someone-else', content = ?, hash = ? WHERE seq = ?")
                    .params(content, hashA, a).update();
            jdbc.sql("UPDATE audit_records SET prev_hash = ?, hash = ? WHERE seq = ?").params(hashA, hashB, b)
                    .update();
            jdbc.sql("UPDATE audit_chain_head SET hash = ? WHERE id = 1").param(hashB).update();
        }, "audit_records", "audit_chain_head");

        assertThat(records.byDecisionId(ids.get(1)).orElseThrow().principal()).isEqualTo("someone-else");
        assertThat(verifier.verify(start, null).intact()).as("the chain alone cannot tell").isTrue();
        ChainVerifier.Result result = verifier.verify(start, null, List.of(kept), checkpoints.publicKey());
        assertThat(result.breakCount()).isEqualTo(1);
        assertThat(result.broken().kind()).isEqualTo(ChainVerifier.Kind.REWRITTEN);
        assertThat(result.broken().seq()).isEqualTo(b);
        assertThat(result.broken().decisionId()).isEqualTo(ids.get(2));
    }

    @Test
    void changedFiredRuleRowsAreFoundAndVerificationGoesOnPastTheFirst() throws Exception {
        List<String> ids = decide(4);
        long flipped = seqOf(ids.get(1));
        long renamed = seqOf(ids.get(2));
        int otherName = jdbc.sql("SELECT id FROM audit_rule_names WHERE id NOT IN (SELECT name_id FROM "
                + "audit_firings WHERE seq = ? AND ordinal = 0) LIMIT 1").param(renamed).query(Integer.class).single();
        String otherRule = jdbc.sql("SELECT rule_name FROM audit_rule_names WHERE id = ?").param(otherName)
                .query(String.class).single();
        assertThatThrownBy(() -> jdbc.sql("UPDATE audit_firings SET overridden = NOT overridden WHERE seq = ?")
                .param(flipped).update()).hasMessageContaining("append-only");

        ChainTampering.bypassingTriggers(jdbc, () -> {
            jdbc.sql("UPDATE audit_firings SET overridden = NOT overridden WHERE seq = ? AND ordinal = 0")
                    .param(flipped).update();
            jdbc.sql("UPDATE audit_firings SET name_id = ? WHERE seq = ? AND ordinal = 0").params(otherName, renamed)
                    .update();
        }, "audit_firings");

        // What the attack changes: the rule-name filter now finds the decision under a rule that never fired in it.
        assertThat(records.find(new AuditFilter(null, start, null, null, null, otherRule, null, null), null, 10))
                .extracting(AuditRecord::seq).contains(renamed);
        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.breakCount()).isEqualTo(2);
        assertThat(result.breaks()).extracting(ChainVerifier.Broken::seq).containsExactly(flipped, renamed);
        assertThat(result.breaks()).extracting(ChainVerifier.Broken::kind).containsOnly(ChainVerifier.Kind.FIRINGS);
        assertThat(result.breaks().get(0).problem()).contains("fired rule 1").contains("overridden");
        assertThat(result.breaks().get(1).problem()).contains("fired rule 1").contains("name_id");
        assertThat(result.broken()).isEqualTo(result.breaks().get(0));
        assertThat(result.verified()).isEqualTo(2);
    }

    @Test
    void factsErasedBehindTheServicesBackAreFound() throws Exception {
        long seq = seqOf(decide(2).get(0));

        ChainTampering.bypassingTriggers(jdbc, () -> jdbc.sql(
                "UPDATE audit_facts SET facts = NULL, erased_at = UTC_TIMESTAMP(6) WHERE seq = ?").param(seq).update(),
                "audit_facts");

        ChainVerifier.Result result = verifier.verify(start, null);
        assertThat(result.breakCount()).isEqualTo(1);
        assertThat(result.broken().seq()).isEqualTo(seq);
        assertThat(result.broken().kind()).isEqualTo(ChainVerifier.Kind.FACTS);
        assertThat(result.broken().problem()).contains("no erasure record");
    }

    @Test
    void aRemappedVersionFileIsRefusedFoundByVerificationAndNeverCompiled() throws Exception {
        String version = active.get().version();
        long seq = seqOf(decide(1).get(0));
        String target = "decision-tables/escalation.xlsx";
        String original = fileHash(version, target);
        String forged = jdbc.sql("SELECT sha256 FROM rule_set_version_files WHERE version = ? AND name <> ? LIMIT 1")
                .params(version, target).query(String.class).single();
        String remap = "UPDATE rule_set_version_files SET sha256 = ? WHERE version = ? AND name = ?";
        assertThatThrownBy(() -> jdbc.sql(remap).params(forged, version, target).update())
                .hasMessageContaining("append-only");

        ChainTampering.bypassingTriggers(jdbc, () -> jdbc.sql(remap).params(forged, version, target).update(),
                "rule_set_version_files");
        try {
            ChainVerifier.Result result = verifier.verify(start, null);
            assertThat(result.breakCount()).isEqualTo(1);
            assertThat(result.broken().kind()).isEqualTo(ChainVerifier.Kind.RULE_SET_FILES);
            assertThat(result.broken().seq()).isEqualTo(seq);
            assertThat(result.broken().problem()).contains(version);
            // Auditors are not handed the forged "file in force".
            assertThatThrownBy(() -> lifecycle.file(version, target)).isInstanceOf(AlteredVersionException.class);
        } finally {
            ChainTampering.bypassingTriggers(jdbc, () -> jdbc.sql(remap).params(original, version, target).update(),
                    "rule_set_version_files");
        }
        assertThat(verifier.verify(start, null).intact()).isTrue();

        // A rollback to a version whose files were remapped refuses to compile them; the rules in force stay.
        List<RuleSource> sources = new ArrayList<>();
        for (RuleSource s : active.get().sources()) {
            sources.add(s.isDrl() && sources.stream().noneMatch(RuleSource::isDrl)
                    ? new RuleSource(s.name(), (new String(s.content(), StandardCharsets.UTF_8) + "\n// reviewed\n")
                            .getBytes(StandardCharsets.UTF_8))
                    : s);
        }
        String candidate = lifecycle.submit(sources, "alice", "a comment more", RuleSetLifecycle.UPLOAD).stored()
                .version();
        ChainTampering.bypassingTriggers(jdbc, () -> jdbc.sql(remap).params(forged, candidate, target).update(),
                "rule_set_version_files");
        assertThatThrownBy(() -> lifecycle.activate(candidate, "bob")).isInstanceOf(AlteredVersionException.class)
                .hasMessageContaining("do not hash to it").hasMessageContaining("stay in force");
        HttpResponse<String> overHttp = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                + "/api/v1/rule-sets/" + candidate + "/activate")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(overHttp.statusCode()).as(overHttp.body()).isEqualTo(409);
        assertThat(json.readTree(overHttp.body()).get("type").asString())
                .isEqualTo("https://dunning.dev/problems/rule-set-altered");
        assertThat(active.get().version()).isEqualTo(version);
        assertThat(lifecycle.find(candidate).status().name()).isEqualTo("CANDIDATE");
    }

    private List<String> decide(int n) throws Exception {
        return ChainTampering.decide(http, port, json, n);
    }

    private long seqOf(String decisionId) {
        return records.byDecisionId(decisionId).orElseThrow().seq();
    }

    private long headSeq() {
        return jdbc.sql("SELECT seq FROM audit_chain_head WHERE id = 1").query(Long.class).single();
    }

    private String hashOf(long seq) {
        return jdbc.sql("SELECT hash FROM audit_records WHERE seq = ?").param(seq).query(String.class).single();
    }

    private String fileHash(String version, String name) {
        return jdbc.sql("SELECT sha256 FROM rule_set_version_files WHERE version = ? AND name = ?")
                .params(version, name).query(String.class).single();
    }
}
