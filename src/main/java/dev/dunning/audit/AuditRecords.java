package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowCallbackHandler;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reading the log. */
@Repository
public class AuditRecords {

    /**
     * Rows the driver holds at a time while streaming. MariaDB Connector/J 3 streams a result set when the statement
     * has a positive fetch size (it refuses the Integer.MIN_VALUE of MySQL's driver); without one it reads the whole
     * result into memory before the first row is handed over.
     */
    static final int STREAM_FETCH_SIZE = 200;

    static final String COLUMNS = "seq, decision_id, recorded_at, as_of, customer_id, principal, entry_point, "
            + "rule_set_version, action, channel, tone, facts_hash, content, prev_hash, hash";

    private final JdbcClient jdbc;
    private final JdbcTemplate streaming;

    public AuditRecords(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
        this.jdbc = jdbc;
        this.streaming = new JdbcTemplate(jdbcTemplate.getDataSource());
        this.streaming.setFetchSize(STREAM_FETCH_SIZE);
    }

    /**
     * One page of the decisions the filter selects, newest first (descending seq), starting below {@code beforeSeq}
     * (from the newest when null). Keyset paging: a page never shifts when decisions are added meanwhile, because
     * new decisions get higher numbers than every page already read.
     */
    public List<AuditRecord> find(AuditFilter filter, Long beforeSeq, int limit) {
        Optional<AuditFilter.Where> where = where(filter, beforeSeq);
        if (where.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(where.get().statement("SELECT " + prefixed() + " FROM audit_records r" + where.get().sql()
                        + " ORDER BY r.seq DESC LIMIT ?"))
                .params(where.get().params()).param(limit).query((rs, n) -> map(rs)).list();
    }

    /**
     * Hands every record the filter selects to {@code each}, oldest first (chain order), row by row from a streamed
     * result set: memory stays flat however long the range. The connection is held until the last row is handed
     * over, so {@code each} should only write the row out.
     */
    public void stream(AuditFilter filter, Consumer<AuditRecord> each) {
        Optional<AuditFilter.Where> where = where(filter, null);
        if (where.isEmpty()) {
            return;
        }
        streaming.query(where.get().statement("SELECT " + prefixed() + " FROM audit_records r" + where.get().sql()
                        + " ORDER BY r.seq"),
                (RowCallbackHandler) rs -> each.accept(map(rs)), where.get().params().toArray());
    }

    /**
     * The plan MariaDB chooses for a page of {@link #find}, one row per table as EXPLAIN shows it (for tests); no rows
     * when {@link #find} runs no query at all (a policy reference that names no rule).
     */
    List<String> explainFind(AuditFilter filter, Long beforeSeq, int limit) {
        Optional<AuditFilter.Where> where = where(filter, beforeSeq);
        if (where.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(where.get().statement("EXPLAIN SELECT " + prefixed() + " FROM audit_records r"
                        + where.get().sql() + " ORDER BY r.seq DESC LIMIT ?"))
                .params(where.get().params()).param(limit)
                .query((rs, n) -> "table=" + rs.getString("table") + " type=" + rs.getString("type") + " key="
                        + rs.getString("key") + " rows=" + rs.getString("rows") + " extra=" + rs.getString("Extra"))
                .list();
    }

    /** The plan MariaDB chooses for {@link #stream}, one row per table as EXPLAIN shows it (for tests). */
    List<String> explainStream(AuditFilter filter) {
        Optional<AuditFilter.Where> where = where(filter, null);
        if (where.isEmpty()) {
            return List.of();
        }
        return jdbc.sql(where.get().statement("EXPLAIN SELECT " + prefixed() + " FROM audit_records r"
                        + where.get().sql() + " ORDER BY r.seq"))
                .params(where.get().params())
                .query((rs, n) -> "table=" + rs.getString("table") + " type=" + rs.getString("type") + " key="
                        + rs.getString("key") + " extra=" + rs.getString("Extra"))
                .list();
    }

    /**
     * The filter's WHERE clause; empty when its policy reference names no rule the log knows or its time range holds
     * no record, so that nothing can
     * match and no query need run. The reference is resolved first, in a query of its own on audit_rules (one row per
     * version and rule, indexed by policy and by name), because MariaDB plans the search well only over constants:
     * the names of the rules that carried it, and, only where one of those names carried another reference or none
     * under some version, the ids of the rules that carried it.
     *
     * <p>A time range: a page is read in seq order from the newest down (the primary key, or an index ending in seq), and its time range is not in seq order: MariaDB
     * walked back from the newest record until it had a page, through every record after the range and, when the
     * range held fewer matches than a page, down to the first record (measured at 1,000,000 records: 13 to 44 s for a
     * 10-minute range; docs/benchmarks.md, "Console pages"). So a range given at both ends is first turned into the
     * first and last seq recorded in it, and the page is bounded by them too: exact, as every record of the range lies
     * between the two (recording times need not follow seq order), and the scan no longer leaves the range. The whole
     * minutes inside the range give their bounds from audit_minutes (the first and last seq recorded in each minute,
     * kept by every writer of audit_records in the same transaction), one row per minute; only the parts of a minute at
     * either end are read from the (recorded_at, seq) index. MIN/MAX over the index alone read every entry in the range
     * (742 ms for 462,000 records, docs/benchmarks.md §9); now the cost grows with the minutes in the range and the
     * records of at most two minutes, not with the records in the range. The bounds are the exact ones, so MariaDB
     * plans the page as before (a superset from whole minutes made it prefer the time index and a filesort).
     * Empty too when the range holds no record.
     */
    private Optional<AuditFilter.Where> where(AuditFilter filter, Long beforeSeq) {
        Long fromSeq = null;
        Long toSeq = null;
        if (filter.from() != null && filter.to() != null) {
            // Whole minutes inside the range from audit_minutes; the parts of a minute at either end from the
            // records' (recorded_at, seq) index, so the bounds stay exact (see above).
            Instant head = AuditMinutes.minute(filter.from()).equals(filter.from()) ? filter.from()
                    : AuditMinutes.minute(filter.from()).plus(Duration.ofMinutes(1));
            if (head.isAfter(filter.to())) {
                head = filter.to();
            }
            Instant tail = AuditMinutes.minute(filter.to());
            if (tail.isBefore(head)) {
                tail = head;
            }
            Long[] span = jdbc.sql("SELECT MIN(lo), MAX(hi) FROM ("
                            + "SELECT MIN(seq) lo, MAX(seq) hi FROM audit_records WHERE recorded_at >= ? AND recorded_at < ? "
                            + "UNION ALL SELECT MIN(min_seq), MAX(max_seq) FROM audit_minutes WHERE minute >= ? AND minute < ? "
                            + "UNION ALL SELECT MIN(seq), MAX(seq) FROM audit_records WHERE recorded_at >= ? AND recorded_at < ?"
                            + ") bounds")
                    .params(Sql.utc(filter.from()), Sql.utc(head), Sql.utc(head), Sql.utc(tail), Sql.utc(tail),
                            Sql.utc(filter.to()))
                    .query((rs, n) -> new Long[] {rs.getObject(1, Long.class), rs.getObject(2, Long.class)})
                    .single();
            if (span[0] == null) {
                return Optional.empty();
            }
            fromSeq = span[0];
            toSeq = span[1];
        }
        if (filter.policy() == null) {
            return Optional.of(filter.where(beforeSeq, null, fromSeq, toSeq));
        }
        Set<Integer> nameIds = new LinkedHashSet<>();
        List<Integer> ruleIds = new ArrayList<>();
        boolean[] mixed = {false};
        jdbc.sql("SELECT u.id, u.name_id, COALESCE(u.policy = ?, FALSE) FROM audit_rules u WHERE u.name_id IN "
                        + "(SELECT p.name_id FROM audit_rules p WHERE p.policy = ?) ORDER BY u.id")
                .params(filter.policy(), filter.policy())
                .query(rs -> {
                    if (rs.getBoolean(3)) {
                        ruleIds.add(rs.getInt(1));
                        nameIds.add(rs.getInt(2));
                    } else {
                        mixed[0] = true;
                    }
                });
        AuditFilter.PolicyRules rules = new AuditFilter.PolicyRules(List.copyOf(nameIds), mixed[0] ? ruleIds : null);
        return rules.none() ? Optional.empty() : Optional.of(filter.where(beforeSeq, rules, fromSeq, toSeq));
    }

    /** How often a rule fired under a version in a time range. */
    public record RuleCount(String ruleSetVersion, String rule, String source, String sheet, Integer row,
            String policy, String group, long firings, long decisions, long overridden) {}

    /** Firings per version and rule over [from, to), optionally of one version. */
    public List<RuleCount> ruleCounts(Instant from, Instant to, String ruleSetVersion) {
        AuditFilter.Where where = new AuditFilter(null, from, to, null, null, null, ruleSetVersion, null).where(null);
        // Counted per rule id first (a narrow scan of the range's firings), described from audit_rules after.
        return jdbc.sql("SELECT u.rule_set_version, u.rule_name, NULLIF(u.source, '') source, u.sheet, u.sheet_row, "
                        + "u.policy, u.group_name, c.firings, c.decisions, c.overridden FROM (SELECT f.rule_id, "
                        + "COUNT(*) firings, COUNT(DISTINCT f.seq) decisions, SUM(f.overridden) overridden "
                        + "FROM audit_records r JOIN audit_firings f ON f.seq = r.seq" + where.sql()
                        + " GROUP BY f.rule_id) c JOIN audit_rules u ON u.id = c.rule_id")
                .params(where.params())
                .query((rs, n) -> new RuleCount(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        Sql.intOrNull(rs, "sheet_row"), rs.getString("policy"), rs.getString("group_name"),
                        rs.getLong("firings"), rs.getLong("decisions"), rs.getLong("overridden")))
                .list();
    }

    /** Decisions per rule-set version recorded in [from, to), optionally of one version. */
    public java.util.Map<String, Long> decisionsPerVersion(Instant from, Instant to, String ruleSetVersion) {
        AuditFilter.Where where = new AuditFilter(null, from, to, null, null, null, ruleSetVersion, null).where(null);
        var counts = new java.util.LinkedHashMap<String, Long>();
        jdbc.sql("SELECT r.rule_set_version, COUNT(*) FROM audit_records r" + where.sql()
                        + " GROUP BY r.rule_set_version ORDER BY r.rule_set_version")
                .params(where.params()).query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    /**
     * Every rule that ever fired under a version, whatever the time: the rules of a version that is no longer active
     * that the log knows of. A rule of such a version that never fired at all is not stored anywhere but in its files.
     */
    public List<RuleCount> rulesEverFired(String ruleSetVersion) {
        return jdbc.sql("SELECT rule_name, NULLIF(source, '') source, sheet, sheet_row, policy, group_name "
                        + "FROM audit_rules WHERE rule_set_version = ?")
                .param(ruleSetVersion)
                .query((rs, n) -> new RuleCount(ruleSetVersion, rs.getString(1), rs.getString(2), rs.getString(3),
                        Sql.intOrNull(rs, "sheet_row"), rs.getString("policy"), rs.getString("group_name"), 0, 0, 0))
                .list();
    }

    private static String prefixed() {
        return "r." + COLUMNS.replace(", ", ", r.");
    }

    public Optional<AuditRecord> byDecisionId(String decisionId) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM audit_records WHERE decision_id = ?").param(decisionId)
                .query((rs, n) -> map(rs)).optional();
    }

    /** One page of the customer's decisions asked for by customer id (not inline evaluations), newest first. */
    public List<AuditRecord> decisionsOf(String customerId, int page, int size) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM audit_records WHERE customer_id = ? AND entry_point <> 'evaluate' "
                        + "ORDER BY recorded_at DESC, seq DESC LIMIT ? OFFSET ?")
                .params(customerId, size, (long) page * size).query((rs, n) -> map(rs)).list();
    }

    public long countDecisionsOf(String customerId) {
        return jdbc.sql("SELECT COUNT(*) FROM audit_records WHERE customer_id = ? AND entry_point <> 'evaluate'")
                .param(customerId).query(Long.class).single();
    }

    /**
     * The facts a decision was made on, as recorded (canonical JSON); empty when retention has erased them or there
     * is no such record.
     */
    public Optional<String> facts(long seq) {
        return jdbc.sql("SELECT facts FROM audit_facts WHERE seq = ? AND facts IS NOT NULL").param(seq)
                .query(String.class).optional();
    }

    /** The exact bytes of a file of a stored rule-set version. */
    public Optional<byte[]> ruleSetFile(String version, String name) {
        return jdbc.sql("SELECT f.content FROM rule_set_version_files v JOIN rule_set_files f ON f.sha256 = v.sha256 "
                        + "WHERE v.version = ? AND v.name = ?")
                .params(version, name).query((rs, n) -> rs.getBytes(1)).optional();
    }

    static AuditRecord map(ResultSet rs) throws SQLException {
        return new AuditRecord(rs.getLong("seq"), rs.getString("decision_id"), Sql.instant(rs, "recorded_at"),
                Sql.instant(rs, "as_of"), rs.getString("customer_id"), rs.getString("principal"),
                rs.getString("entry_point"), rs.getString("rule_set_version"), rs.getString("action"),
                rs.getString("channel"), rs.getString("tone"), rs.getString("facts_hash"), rs.getString("content"),
                rs.getString("prev_hash"), rs.getString("hash"));
    }
}
