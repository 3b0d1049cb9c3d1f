package dev.dunning.audit;

import dev.dunning.decision.TraceEntry;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The ids of rules in {@code audit_rules} (one row per rule-set version and rule, holding what the rule is: file,
 * sheet, row, policy, group) and of their names in {@code audit_rule_names}, so that a firing is stored as numbers. Used by the audit writer thread only, inside
 * its transaction; an id learnt in a transaction is remembered only once that transaction has committed, so a rolled
 * back batch never leaves an id behind that the database does not hold.
 */
final class AuditRules {

    private record Key(String version, String rule, String source) {

        static Key of(String version, TraceEntry t) {
            return new Key(version, t.rule(), t.source() == null ? "" : t.source());
        }
    }

    /** The two ids a firing stores: the rule of its version, and its name across versions. */
    record Ids(int rule, int name) {}

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final Map<Key, Ids> committed = new HashMap<>();
    private final Map<Key, Ids> inTransaction = new HashMap<>();

    AuditRules(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
    }

    /**
     * Makes sure every rule these entries fired has its rows, in the current transaction. Another instance may have
     * written the same rule already: INSERT IGNORE keeps its row, and the ids are read back either way.
     */
    void prepare(List<AuditEntry> entries) {
        Map<Key, TraceEntry> missing = new LinkedHashMap<>();
        for (AuditEntry e : entries) {
            for (TraceEntry t : e.trace()) {
                Key key = Key.of(e.ruleSetVersion(), t);
                if (!committed.containsKey(key) && !inTransaction.containsKey(key)) {
                    missing.putIfAbsent(key, t);
                }
            }
        }
        if (missing.isEmpty()) {
            return;
        }
        List<String> names = missing.keySet().stream().map(Key::rule).distinct().toList();
        jdbcTemplate.batchUpdate("INSERT IGNORE INTO audit_rule_names (rule_name) VALUES (?)",
                names.stream().map(n -> new Object[] {n}).toList());
        Map<String, Integer> nameIds = new HashMap<>();
        jdbc.sql("SELECT id, rule_name FROM audit_rule_names WHERE rule_name IN (:names)").param("names", names)
                .query(rs -> {
                    nameIds.put(rs.getString(2), rs.getInt(1));
                });
        List<Object[]> rows = new ArrayList<>(missing.size());
        missing.forEach((key, t) -> {
            Object policy = t.metadata() == null ? null : t.metadata().get("policy");
            rows.add(new Object[] {key.version(), key.rule(), nameIds.get(key.rule()), key.source(), t.sheet(), t.row(),
                policy == null ? null : policy.toString(), t.group()});
        });
        jdbcTemplate.batchUpdate("INSERT IGNORE INTO audit_rules (rule_set_version, rule_name, name_id, source, sheet, "
                + "sheet_row, policy, group_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows);
        Map<String, List<Key>> byVersion = new HashMap<>();
        missing.keySet().forEach(k -> byVersion.computeIfAbsent(k.version(), v -> new ArrayList<>()).add(k));
        byVersion.forEach((version, keys) -> jdbc.sql("SELECT id, name_id, rule_name, source FROM audit_rules "
                        + "WHERE rule_set_version = :version AND rule_name IN (:names)")
                .param("version", version).param("names", keys.stream().map(Key::rule).distinct().toList())
                .query(rs -> {
                    inTransaction.put(new Key(version, rs.getString(3), rs.getString(4)),
                            new Ids(rs.getInt(1), rs.getInt(2)));
                }));
    }

    /** The ids of the fired rule; {@link #prepare} must have seen it in this transaction or before. */
    Ids ids(String version, TraceEntry t) {
        Key key = Key.of(version, t);
        Ids ids = committed.get(key);
        if (ids == null) {
            ids = inTransaction.get(key);
        }
        if (ids == null) {
            throw new IllegalStateException("No audit_rules row for " + key + "; prepare() was not called for it");
        }
        return ids;
    }

    void committed() {
        committed.putAll(inTransaction);
        inTransaction.clear();
    }

    void rolledBack() {
        inTransaction.clear();
    }
}
