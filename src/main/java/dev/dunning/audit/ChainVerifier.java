package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Walks the chain in order and reports the first record that does not hold: a gap in the sequence (a deleted
 * record), a link that does not point at the record before (reordered or replaced), content that no longer matches
 * its hash (changed), a column that contradicts the chained content (the run id
 * included), facts that no longer match their hash, fired
 * rules that differ from the chained trace, or a chain head beyond the last record (the tail removed).
 */
@Service
public class ChainVerifier {

    private static final int PAGE = 1000;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public ChainVerifier(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** The verdict: how many records held, and the first that did not (null if all held). */
    public record Result(long verified, Long fromSeq, Long toSeq, Broken broken) {
        public boolean intact() {
            return broken == null;
        }
    }

    /** Where and why the chain breaks. */
    public record Broken(long seq, String decisionId, String problem) {}

    /** Verifies the records recorded in [from, to) (either end open when null). */
    public Result verify(Instant from, Instant to) {
        Long first = jdbc.sql("SELECT MIN(seq) FROM audit_records WHERE recorded_at >= ?")
                .param(Sql.utc(from == null ? Instant.EPOCH : from)).query(Long.class).optional().orElse(null);
        Long last = to == null
                ? jdbc.sql("SELECT MAX(seq) FROM audit_records").query(Long.class).optional().orElse(null)
                : jdbc.sql("SELECT MAX(seq) FROM audit_records WHERE recorded_at < ?").param(Sql.utc(to))
                        .query(Long.class).optional().orElse(null);
        long headSeq = jdbc.sql("SELECT seq FROM audit_chain_head WHERE id = 1").query(Long.class).single();
        if (first == null || last == null || first > last) {
            if (to == null && headSeq > 0 && last == null) {
                return new Result(0, null, null, new Broken(headSeq, null,
                        "the chain head is at record " + headSeq + " but the log holds no records"));
            }
            return new Result(0, null, null, null);
        }
        // The link into the range: the hash of the record just before it (or the genesis hash).
        String previous = first == 1 ? Hashes.GENESIS : jdbc.sql("SELECT hash FROM audit_records WHERE seq = ?")
                .param(first - 1).query(String.class).optional().orElse(null);
        if (previous == null) {
            return new Result(0, first, last, new Broken(first - 1, null,
                    "record " + (first - 1) + " is missing (deleted?): the record before the range cannot be found"));
        }
        long expected = first;
        long verified = 0;
        while (expected <= last) {
            List<Row> rows = page(expected, last);
            if (rows.isEmpty()) {
                return new Result(verified, first, last, new Broken(expected, null,
                        "record " + expected + " is missing (deleted?)"));
            }
            for (Row row : rows) {
                AuditRecord r = row.record;
                if (r.seq() != expected) {
                    return new Result(verified, first, last, new Broken(expected, null,
                            "record " + expected + " is missing (deleted?): the next record is " + r.seq()));
                }
                String problem = check(row, previous);
                if (problem != null) {
                    return new Result(verified, first, last, new Broken(r.seq(), r.decisionId(), problem));
                }
                previous = r.hash();
                expected++;
                verified++;
            }
        }
        if (to == null && headSeq != last) {
            return new Result(verified, first, last, new Broken(headSeq, null, "the chain head is at record "
                    + headSeq + " but the last record is " + last + " (records removed from the end?)"));
        }
        return new Result(verified, first, last, null);
    }

    private record Row(AuditRecord record, Long runId, String facts, String factsHash, List<String> firedRules) {}

    private List<Row> page(long from, long last) {
        var runIds = new java.util.HashMap<Long, Long>();
        List<AuditRecord> records = jdbc.sql("SELECT " + AuditRecords.COLUMNS + ", run_id FROM audit_records "
                        + "WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?")
                .params(from, last, PAGE).query((rs, n) -> {
                    AuditRecord r = AuditRecords.map(rs);
                    runIds.put(r.seq(), rs.getObject("run_id", Long.class));
                    return r;
                }).list();
        if (records.isEmpty()) {
            return List.of();
        }
        long to = records.get(records.size() - 1).seq();
        var facts = new java.util.HashMap<Long, String[]>();
        jdbc.sql("SELECT seq, facts, facts_hash FROM audit_facts WHERE seq BETWEEN ? AND ?").params(from, to)
                .query(rs -> {
                    facts.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)});
                });
        var fired = new java.util.HashMap<Long, List<String>>();
        jdbc.sql("SELECT f.seq, u.rule_name FROM audit_firings f JOIN audit_rules u ON u.id = f.rule_id "
                        + "WHERE f.seq BETWEEN ? AND ? ORDER BY f.seq, f.ordinal")
                .params(from, to)
                .query(rs -> {
                    fired.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getString(2));
                });
        List<Row> rows = new ArrayList<>(records.size());
        for (AuditRecord r : records) {
            String[] f = facts.get(r.seq());
            rows.add(new Row(r, runIds.get(r.seq()), f == null ? null : f[0], f == null ? null : f[1],
                    fired.getOrDefault(r.seq(), List.of())));
        }
        return rows;
    }

    private String check(Row row, String previous) {
        AuditRecord r = row.record;
        if (!r.prevHash().equals(previous)) {
            return "its link does not point at the record before it (records reordered, replaced or removed)";
        }
        if (!Hashes.link(r.prevHash(), r.content()).equals(r.hash())) {
            return "its content no longer matches its hash (the record was changed)";
        }
        JsonNode content = json.readTree(r.content());
        JsonNode decision = content.path("decision");
        List<String> differing = new ArrayList<>();
        same(differing, "decision_id", r.decisionId(), content.path("decisionId").asString(null));
        same(differing, "customer_id", r.customerId(), content.path("customerId").asString(null));
        same(differing, "principal", r.principal(), content.path("principal").asString(null));
        same(differing, "entry_point", r.entryPoint(), content.path("entryPoint").asString(null));
        same(differing, "rule_set_version", r.ruleSetVersion(), content.path("ruleSetVersion").asString(null));
        same(differing, "facts_hash", r.factsHash(), content.path("factsHash").asString(null));
        sameInstant(differing, "recorded_at", r.recordedAt(), content.path("recordedAt"));
        sameInstant(differing, "as_of", r.asOf(), content.path("asOf"));
        same(differing, "action", r.action(), decision.path("action").asString(null));
        same(differing, "channel", r.channel(), decision.path("channel").asString(null));
        same(differing, "tone", r.tone(), decision.path("tone").asString(null));
        JsonNode runId = content.path("runId");
        same(differing, "run_id", row.runId == null ? null : row.runId.toString(),
                runId.isMissingNode() || runId.isNull() ? null : runId.asString());
        if (!differing.isEmpty()) {
            return "column(s) " + String.join(", ", differing) + " contradict the chained content";
        }
        if (row.factsHash == null) {
            return "its facts are missing";
        }
        if (!row.factsHash.equals(r.factsHash())) {
            return "its facts hash was changed";
        }
        if (row.facts != null && !Hashes.sha256(row.facts).equals(r.factsHash())) {
            return "its facts no longer match their hash (the facts were changed)";
        }
        List<String> traced = new ArrayList<>();
        decision.path("trace").forEach(t -> traced.add(t.path("rule").asString(null)));
        if (!traced.equals(row.firedRules)) {
            return "its fired rules differ from the chained trace";
        }
        return null;
    }

    /** The columns hold microseconds; the chained content may hold the clock's full precision. */
    private void sameInstant(List<String> differing, String column, Instant stored, JsonNode chained) {
        // Parsed here, not by the JSON mapper, which refuses instants outside the range requests may carry: a record
        // written before that rule must still be verifiable.
        Instant value = chained.isMissingNode() || chained.isNull() ? null
                : chained.isString() ? Instant.parse(chained.asString()) : json.treeToValue(chained, Instant.class);
        if (!Objects.equals(stored, value == null ? null : value.truncatedTo(ChronoUnit.MICROS))) {
            differing.add(column);
        }
    }

    private static void same(List<String> differing, String column, String stored, String chained) {
        if (!Objects.equals(stored, chained)) {
            differing.add(column);
        }
    }
}
