package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.security.PublicKey;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Walks the chain in order and reports every record that does not hold, not only the first: a gap in the sequence
 * (deleted records), a link that does not point at the record before (reordered or replaced), content that no longer
 * matches its hash (changed), a column that contradicts the chained content (the run id included), facts that no
 * longer match their hash or were erased without an erasure record in the chain, fired-rule rows that differ in any
 * column from the chained trace, the files of a rule-set version that do not hash to the version, and a chain head
 * that does not name the last record. Given checkpoints an auditor kept, it checks their signatures and that each
 * names a record still in the log with the same hash: a cut-off tail or a consistent rewrite.
 */
@Service
public class ChainVerifier {

    private static final int PAGE = 1000;
    /** The breaks listed in a result; the count goes on past them. */
    public static final int MAX_LISTED = 100;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public ChainVerifier(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * The verdict. {@code broken} is the first break (null if none), kept for callers that read only it;
     * {@code breaks} lists the first {@value #MAX_LISTED} in order, {@code breakCount} counts all of them.
     *
     * @param verified records walked that held
     * @param checkpoints how many kept checkpoints were checked
     */
    public record Result(long verified, Long fromSeq, Long toSeq, Broken broken, List<Broken> breaks, long breakCount,
            int checkpoints) {
        public boolean intact() {
            return breakCount == 0;
        }
    }

    /** What kind of break: what it means is explained in docs/audit.md, "Auditing the log". */
    public enum Kind {
        /** Records are missing from the sequence (deleted). */
        MISSING,
        /** A record does not link to the record before it (reordered, replaced, or a record inserted). */
        LINK,
        /** A record's content no longer matches its hash (changed). */
        CONTENT,
        /** A column contradicts the chained content (what filters and lists read was changed). */
        COLUMNS,
        /** The fact snapshot was changed, removed, or erased without an erasure record or before its time. */
        FACTS,
        /** The fired-rule rows (audit_firings and what they point at) differ from the chained trace. */
        FIRINGS,
        /** The stored files of a rule-set version do not hash to the version (remapped or changed). */
        RULE_SET_FILES,
        /** The chain head does not name the last record (records removed from the end, head moved). */
        HEAD,
        /** A kept checkpoint is not signed by the trusted key: it is not evidence (forged, or another key). */
        CHECKPOINT_SIGNATURE,
        /** A kept checkpoint names a record beyond the end of the log: the tail was cut off. */
        TRUNCATED,
        /** The record a kept checkpoint names has another hash: the chain was rewritten up to there. */
        REWRITTEN
    }

    /** Where and why the chain breaks. {@code seq} is the record concerned (for a gap, the first missing one). */
    public record Broken(long seq, String decisionId, Kind kind, String problem) {}

    /** Verifies the records recorded in [from, to) (either end open when null). */
    public Result verify(Instant from, Instant to) {
        return verify(from, to, List.of(), null);
    }

    /**
     * Verifies the records recorded in [from, to) and the checkpoints an auditor kept against {@code trustedKey}
     * (every checkpoint is checked, whatever the range).
     */
    public Result verify(Instant from, Instant to, List<Checkpoint> checkpoints, PublicKey trustedKey) {
        Breaks breaks = new Breaks();
        long verified = walk(from, to, breaks);
        checkCheckpoints(checkpoints, trustedKey, breaks);
        return new Result(verified, breaks.fromSeq, breaks.toSeq, breaks.listed.isEmpty() ? null : breaks.listed.get(0),
                List.copyOf(breaks.listed), breaks.count, checkpoints.size());
    }

    private long walk(Instant from, Instant to, Breaks breaks) {
        Long first = jdbc.sql("SELECT MIN(seq) FROM audit_records WHERE recorded_at >= ?")
                .param(Sql.utc(from == null ? Instant.EPOCH : from)).query(Long.class).optional().orElse(null);
        Long last = to == null
                ? jdbc.sql("SELECT MAX(seq) FROM audit_records").query(Long.class).optional().orElse(null)
                : jdbc.sql("SELECT MAX(seq) FROM audit_records WHERE recorded_at < ?").param(Sql.utc(to))
                        .query(Long.class).optional().orElse(null);
        Head head = jdbc.sql("SELECT seq, hash FROM audit_chain_head WHERE id = 1")
                .query((rs, n) -> new Head(rs.getLong(1), rs.getString(2))).single();
        if (first == null || last == null || first > last) {
            if (to == null && head.seq > 0 && last == null) {
                breaks.add(new Broken(head.seq, null, Kind.HEAD,
                        "the chain head is at record " + head.seq + " but the log holds no records"));
            }
            return 0;
        }
        breaks.fromSeq = first;
        breaks.toSeq = last;
        ErasureIndex erasures = ErasureIndex.load(jdbc, json);
        Set<String> versionsChecked = new HashSet<>();
        // The link into the range: the hash of the record just before it (or the genesis hash). Null: unknown.
        String previous = first == 1 ? Hashes.GENESIS : jdbc.sql("SELECT hash FROM audit_records WHERE seq = ?")
                .param(first - 1).query(String.class).optional().orElse(null);
        if (previous == null) {
            breaks.add(new Broken(first - 1, null, Kind.MISSING,
                    "record " + (first - 1) + " is missing (deleted?): the record before the range cannot be found"));
        }
        long expected = first;
        long verified = 0;
        String lastHash = null;
        while (expected <= last) {
            List<Row> rows = page(expected, last);
            if (rows.isEmpty()) {
                breaks.add(new Broken(expected, null, Kind.MISSING, missing(expected, last) + " (deleted?)"));
                break;
            }
            for (Row row : rows) {
                AuditRecord r = row.record;
                if (r.seq() != expected) {
                    breaks.add(new Broken(expected, null, Kind.MISSING, missing(expected, r.seq() - 1)
                            + " (deleted?): the next record is " + r.seq()));
                    previous = null; // the link across a gap is not checked twice
                }
                int before = breaks.count();
                check(row, previous, erasures, breaks);
                if (!AuditRetention.ENTRY_POINT.equals(r.entryPoint()) && versionsChecked.add(r.ruleSetVersion())) {
                    checkVersionFiles(r, breaks);
                }
                if (breaks.count() == before) {
                    verified++;
                }
                previous = r.hash();
                lastHash = r.hash();
                expected = r.seq() + 1;
            }
        }
        if (to == null && head.seq != last) {
            breaks.add(new Broken(head.seq, null, Kind.HEAD, "the chain head is at record " + head.seq
                    + " but the last record is " + last + " (records removed from the end?)"));
        } else if (to == null && lastHash != null && !head.hash.equals(lastHash)) {
            breaks.add(new Broken(head.seq, null, Kind.HEAD, "the chain head names record " + head.seq
                    + " with another hash than the record has (the head or the record was changed)"));
        }
        return verified;
    }

    private static String missing(long from, long to) {
        return from == to ? "record " + from + " is missing" : "records " + from + " to " + to + " are missing";
    }

    private void checkCheckpoints(List<Checkpoint> checkpoints, PublicKey trustedKey, Breaks breaks) {
        if (checkpoints.isEmpty()) {
            return;
        }
        long lastSeq = jdbc.sql("SELECT COALESCE(MAX(seq), 0) FROM audit_records").query(Long.class).single();
        for (Checkpoint c : checkpoints) {
            if (trustedKey == null || !c.signedBy(trustedKey)) {
                breaks.add(new Broken(c.seq(), null, Kind.CHECKPOINT_SIGNATURE, "the checkpoint of record " + c.seq()
                        + " at " + c.at() + " is not signed by the trusted key"
                        + (trustedKey == null ? " (no key given)" : " (key id " + Checkpoint.keyId(trustedKey) + ")")
                        + ": it proves nothing and was not compared"));
                continue;
            }
            AuditRecord r = jdbc.sql("SELECT " + AuditRecords.COLUMNS + " FROM audit_records WHERE seq = ?")
                    .param(c.seq()).query((rs, n) -> AuditRecords.map(rs)).optional().orElse(null);
            if (r == null && c.seq() > lastSeq) {
                breaks.add(new Broken(c.seq(), null, Kind.TRUNCATED, "the checkpoint signed at " + c.at()
                        + " names record " + c.seq() + " but the log ends at record " + lastSeq + ": records "
                        + (lastSeq + 1) + " to " + c.seq() + " at least were removed from the end"));
            } else if (r == null) {
                breaks.add(new Broken(c.seq(), null, Kind.MISSING, "record " + c.seq()
                        + ", named by the checkpoint signed at " + c.at() + ", is missing (deleted?)"));
            } else if (!r.hash().equals(c.hash())) {
                breaks.add(new Broken(c.seq(), r.decisionId(), Kind.REWRITTEN, "record " + c.seq() + " has hash "
                        + r.hash() + " but the checkpoint signed at " + c.at() + " says " + c.hash()
                        + ": the chain up to this record was rewritten"));
            }
        }
    }

    private record Head(long seq, String hash) {}

    /** One stored firing with what its ids point at (null where a row is missing). */
    private record Firing(int ordinal, boolean overridden, int nameId, String nameOfNameId, String version,
            String rule, Integer ruleNameId, String source, String sheet, Integer row, String policy, String group) {}

    private record Row(AuditRecord record, Long runId, boolean hasFacts, String facts, String factsHash,
            List<Firing> firings, Long testId, String arm) {}

    private List<Row> page(long from, long last) {
        var runIds = new HashMap<Long, Long>();
        var tests = new HashMap<Long, Object[]>();
        List<AuditRecord> records = jdbc.sql("SELECT " + AuditRecords.COLUMNS + ", run_id, test_id, arm "
                        + "FROM audit_records WHERE seq >= ? AND seq <= ? ORDER BY seq LIMIT ?")
                .params(from, last, PAGE).query((rs, n) -> {
                    AuditRecord r = AuditRecords.map(rs);
                    runIds.put(r.seq(), rs.getObject("run_id", Long.class));
                    tests.put(r.seq(), new Object[] {rs.getObject("test_id", Long.class), rs.getString("arm")});
                    return r;
                }).list();
        if (records.isEmpty()) {
            return List.of();
        }
        long to = records.get(records.size() - 1).seq();
        var facts = new HashMap<Long, String[]>();
        jdbc.sql("SELECT seq, facts, facts_hash FROM audit_facts WHERE seq BETWEEN ? AND ?").params(from, to)
                .query(rs -> {
                    facts.put(rs.getLong(1), new String[] {rs.getString(2), rs.getString(3)});
                });
        var fired = new HashMap<Long, List<Firing>>();
        jdbc.sql("SELECT f.seq, f.ordinal, f.overridden, f.name_id, n.rule_name name_of_id, u.rule_set_version, "
                        + "u.rule_name, u.name_id rule_name_id, u.source, u.sheet, u.sheet_row, u.policy, u.group_name "
                        + "FROM audit_firings f LEFT JOIN audit_rules u ON u.id = f.rule_id "
                        + "LEFT JOIN audit_rule_names n ON n.id = f.name_id "
                        + "WHERE f.seq BETWEEN ? AND ? ORDER BY f.seq, f.ordinal")
                .params(from, to)
                .query(rs -> {
                    fired.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(new Firing(rs.getInt(2),
                            rs.getBoolean(3), rs.getInt(4), rs.getString(5), rs.getString(6), rs.getString(7),
                            Sql.intOrNull(rs, "rule_name_id"), rs.getString(9), rs.getString(10),
                            Sql.intOrNull(rs, "sheet_row"), rs.getString(12), rs.getString(13)));
                });
        List<Row> rows = new ArrayList<>(records.size());
        for (AuditRecord r : records) {
            String[] f = facts.get(r.seq());
            rows.add(new Row(r, runIds.get(r.seq()), f != null, f == null ? null : f[0], f == null ? null : f[1],
                    fired.getOrDefault(r.seq(), List.of()), (Long) tests.get(r.seq())[0],
                    (String) tests.get(r.seq())[1]));
        }
        return rows;
    }

    private void check(Row row, String previous, ErasureIndex erasures, Breaks breaks) {
        AuditRecord r = row.record;
        if (previous != null && !r.prevHash().equals(previous)) {
            breaks.add(r, Kind.LINK,
                    "its link does not point at the record before it (records reordered, replaced or removed)");
        }
        if (!Hashes.link(r.prevHash(), r.content()).equals(r.hash())) {
            breaks.add(r, Kind.CONTENT, "its content no longer matches its hash (the record was changed)");
        }
        JsonNode content = json.readTree(r.content());
        boolean erasure = AuditRetention.ENTRY_POINT.equals(r.entryPoint())
                && AuditRetention.ENTRY_POINT.equals(text(content.path("entryPoint")));
        // An erasure record carries what the columns repeat at its top level; a decision inside "decision".
        JsonNode decision = erasure ? content : content.path("decision");
        List<String> differing = new ArrayList<>();
        same(differing, "decision_id", r.decisionId(), text(content.path("decisionId")));
        same(differing, "customer_id", r.customerId(), text(content.path("customerId")));
        same(differing, "principal", r.principal(), text(content.path("principal")));
        same(differing, "entry_point", r.entryPoint(), text(content.path("entryPoint")));
        same(differing, "rule_set_version", r.ruleSetVersion(), text(content.path("ruleSetVersion")));
        same(differing, "facts_hash", r.factsHash(), text(content.path("factsHash")));
        sameInstant(differing, "recorded_at", r.recordedAt(), content.path("recordedAt"));
        sameInstant(differing, "as_of", r.asOf(), content.path("asOf"));
        same(differing, "action", r.action(), text(decision.path("action")));
        same(differing, "channel", r.channel(), text(decision.path("channel")));
        same(differing, "tone", r.tone(), text(decision.path("tone")));
        same(differing, "run_id", row.runId == null ? null : row.runId.toString(), text(content.path("runId")));
        same(differing, "test_id", row.testId == null ? null : row.testId.toString(), text(content.path("testId")));
        same(differing, "arm", row.arm, text(content.path("arm")));
        if (!differing.isEmpty()) {
            breaks.add(r, Kind.COLUMNS, "column(s) " + String.join(", ", differing)
                    + " contradict the chained content");
        }
        if (erasure) {
            if (row.hasFacts || !row.firings.isEmpty()) {
                breaks.add(r, Kind.FIRINGS, "an erasure record has facts or fired rules stored with it");
            }
            return;
        }
        checkFacts(row, erasures, breaks);
        checkFirings(row, decision.path("trace"), breaks);
    }

    private static void checkFacts(Row row, ErasureIndex erasures, Breaks breaks) {
        AuditRecord r = row.record;
        if (!row.hasFacts) {
            breaks.add(r, Kind.FACTS, "its facts are missing (the row was deleted)");
        } else if (!r.factsHash().equals(row.factsHash)) {
            breaks.add(r, Kind.FACTS, "its facts hash was changed");
        } else if (row.facts != null && !Hashes.sha256(row.facts).equals(r.factsHash())) {
            breaks.add(r, Kind.FACTS, "its facts no longer match their hash (the facts were changed)");
        } else if (row.facts == null) {
            ErasureIndex.Erasure e = erasures.of(r.seq());
            if (e == null) {
                breaks.add(r, Kind.FACTS, "its facts were erased, but no erasure record in the chain names it");
            } else if (e.seq() < r.seq() || e.cutoff() == null || !r.recordedAt().isBefore(e.cutoff())) {
                breaks.add(r, Kind.FACTS, "its facts were erased, but the erasure record " + e.seq()
                        + " that names it erased only records made before " + e.cutoff());
            }
        }
    }

    /** Every column of every fired-rule row, and what its ids point at, against the chained trace. */
    private static void checkFirings(Row row, JsonNode trace, Breaks breaks) {
        AuditRecord r = row.record;
        List<String> problems = new ArrayList<>();
        if (trace.size() != row.firings.size()) {
            problems.add(row.firings.size() + " fired-rule rows but " + trace.size() + " in the chained trace");
        }
        for (int i = 0; i < Math.min(trace.size(), row.firings.size()); i++) {
            JsonNode t = trace.get(i);
            Firing f = row.firings.get(i);
            String rule = text(t.path("rule"));
            List<String> differing = new ArrayList<>();
            same(differing, "ordinal", Integer.toString(i), Integer.toString(f.ordinal));
            same(differing, "overridden", Boolean.toString(t.path("overridden").asBoolean(false)),
                    Boolean.toString(f.overridden));
            same(differing, "name_id", rule, f.nameOfNameId);
            if (f.version == null) {
                differing.add("rule_id (no such rule)");
            } else {
                same(differing, "rule_id (version)", r.ruleSetVersion(), f.version);
                same(differing, "rule_id (name)", rule, f.rule);
                same(differing, "rule_id (name id)", Integer.toString(f.nameId), String.valueOf(f.ruleNameId));
                String source = text(t.path("source"));
                same(differing, "rule_id (source)", source == null ? "" : source, f.source);
                same(differing, "rule_id (sheet)", text(t.path("sheet")), f.sheet);
                same(differing, "rule_id (row)", t.path("row").isNumber() ? Integer.toString(t.path("row").asInt())
                        : null, f.row == null ? null : f.row.toString());
                same(differing, "rule_id (policy)", text(t.path("metadata").path("policy")), f.policy);
                same(differing, "rule_id (group)", text(t.path("group")), f.group);
            }
            if (!differing.isEmpty()) {
                problems.add("fired rule " + (i + 1) + " (" + rule + "): " + String.join(", ", differing));
            }
        }
        if (!problems.isEmpty()) {
            breaks.add(r, Kind.FIRINGS, "its fired-rule rows differ from the chained trace: "
                    + String.join("; ", problems));
        }
    }

    private void checkVersionFiles(AuditRecord r, Breaks breaks) {
        List<String> problems = VersionFiles.problems(jdbc, r.ruleSetVersion());
        if (!problems.isEmpty()) {
            breaks.add(r, Kind.RULE_SET_FILES, "rule-set version " + r.ruleSetVersion() + " under which it was "
                    + "decided: " + String.join("; ", problems) + ", so the files in force cannot be shown");
        }
    }

    /** The columns hold microseconds; the chained content may hold the clock's full precision. */
    private void sameInstant(List<String> differing, String column, Instant stored, JsonNode chained) {
        // Parsed here, not by the JSON mapper, which refuses instants outside the range requests may carry: a record
        // written before that rule must still be verifiable.
        Instant value = instant(json, chained);
        if (!Objects.equals(stored, value == null ? null : value.truncatedTo(ChronoUnit.MICROS))) {
            differing.add(column);
        }
    }

    static Instant instant(JsonMapper json, JsonNode node) {
        return node.isMissingNode() || node.isNull() ? null
                : node.isString() ? Instant.parse(node.asString()) : json.treeToValue(node, Instant.class);
    }

    static String text(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull() ? null : node.asString();
    }

    private static void same(List<String> differing, String column, String stored, String chained) {
        if (!Objects.equals(stored, chained)) {
            differing.add(column);
        }
    }

}
