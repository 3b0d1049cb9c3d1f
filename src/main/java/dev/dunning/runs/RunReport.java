package dev.dunning.runs;

import dev.dunning.database.Sql;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The run's own tables: what was asked for, the counts per partition, and the customers that failed. */
@Repository
class RunReport {

    /** The customers a run decides for: an unsettled invoice due on or before the as-of date (UTC). */
    static final String SELECTED = "EXISTS (SELECT 1 FROM invoices i%s WHERE i.customer_id = c.id "
            + "AND i.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') AND i.due_date <= :day)";

    record Stored(long id, Instant asOf, String mode, String segment, String country, String currency, long total) {}

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;

    RunReport(JdbcClient jdbc, JdbcTemplate jdbcTemplate) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
    }

    /** The WHERE clause (after "WHERE") selecting the run's customers, with its parameters. */
    static String filter(RunRequest request, Map<String, Object> params) {
        return filter(request, params, false);
    }

    /**
     * {@link #filter(RunRequest, Map)}; {@code perCustomer}: each customer's invoices are looked up through the
     * customer index whatever the statistics say (a window of customers, where the check runs once per customer).
     * MariaDB plans with the index statistics InnoDB last counted: after a large import they can say that one customer
     * holds every invoice, and the check then scanned the whole table once per customer (docs/benchmarks.md, section
     * 4: 40 to 140 s for a window of 2,000 at 100,000 customers). The count of a whole run keeps the optimizer's
     * choice: there one pass over the invoices can be the better plan.
     */
    static String filter(RunRequest request, Map<String, Object> params, boolean perCustomer) {
        StringBuilder sql = new StringBuilder(SELECTED.formatted(perCustomer ? " FORCE INDEX (invoices_customer)" : ""));
        params.put("day", request.asOf().atOffset(ZoneOffset.UTC).toLocalDate());
        if (request.segment() != null) {
            sql.append(" AND c.segment = :segment");
            params.put("segment", request.segment().name());
        }
        if (request.country() != null) {
            sql.append(" AND c.country = :country");
            params.put("country", request.country());
        }
        if (request.currency() != null) {
            sql.append(" AND c.currency = :currency");
            params.put("currency", request.currency());
        }
        return sql.toString();
    }

    /** Stores the run once (a restart keeps the first total); counts the customers it selects. */
    void register(long id, RunRequest request, Instant now) {
        if (find(id).isPresent()) {
            return;
        }
        Map<String, Object> params = new TreeMap<>();
        String where = filter(request, params);
        long total = jdbc.sql("SELECT COUNT(*) FROM customers c WHERE " + where).params(params).query(Long.class)
                .single();
        jdbc.sql("INSERT IGNORE INTO runs (id, as_of, mode, segment, country, currency, total, created_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(id, Sql.utc(request.asOf()), request.mode(),
                        request.segment() == null ? null : request.segment().name(), request.country(),
                        request.currency(), total, Sql.utc(now))
                .update();
    }

    Optional<Stored> find(long id) {
        return jdbc.sql("SELECT * FROM runs WHERE id = ?").param(id)
                .query((rs, n) -> new Stored(rs.getLong("id"), Sql.instant(rs, "as_of"), rs.getString("mode"),
                        rs.getString("segment"), rs.getString("country"), rs.getString("currency"),
                        rs.getLong("total")))
                .optional();
    }

    /** Adds a chunk's counts to the partition's rows; runs in the chunk's transaction. */
    void add(long runId, String partition, Map<String, Map<String, Long>> counts) {
        List<Object[]> rows = new ArrayList<>();
        counts.forEach((dimension, values) -> values.forEach((value, count) -> {
            if (count != 0) {
                rows.add(new Object[] {runId, partition, dimension, value, count});
            }
        }));
        if (!rows.isEmpty()) {
            jdbcTemplate.batchUpdate("INSERT INTO run_tallies (run_id, partition_name, dimension, value, count) "
                    + "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE count = count + VALUES(count)", rows);
        }
    }

    /** Records failed customers; runs in the chunk's transaction. */
    void failed(long runId, List<RunStatus.FailedItem> failures, Instant now) {
        if (failures.isEmpty()) {
            return;
        }
        jdbcTemplate.batchUpdate("INSERT IGNORE INTO run_failures (run_id, customer_id, reason, failed_at) "
                        + "VALUES (?, ?, ?, ?)",
                failures.stream().map(f -> new Object[] {runId, f.customerId(), truncate(f.reason()),
                    Sql.utc(now)}).toList());
    }

    /** dimension -> value -> count, summed over the partitions. */
    Map<String, Map<String, Long>> tallies(long runId) {
        Map<String, Map<String, Long>> tallies = new TreeMap<>();
        jdbc.sql("SELECT dimension, value, SUM(count) FROM run_tallies WHERE run_id = ? GROUP BY dimension, value")
                .param(runId)
                .query(rs -> {
                    tallies.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2),
                            rs.getLong(3));
                });
        return tallies;
    }

    long failureCount(long runId) {
        return jdbc.sql("SELECT COUNT(*) FROM run_failures WHERE run_id = ?").param(runId).query(Long.class).single();
    }

    List<RunStatus.FailedItem> failures(long runId, int limit) {
        return jdbc.sql("SELECT customer_id, reason FROM run_failures WHERE run_id = ? ORDER BY customer_id LIMIT ?")
                .params(runId, limit)
                .query((rs, n) -> new RunStatus.FailedItem(rs.getString(1), rs.getString(2))).list();
    }

    /** A decision the run has recorded: its chained content, and the route of its outbox entry (null: none). */
    record Recorded(String content, String outboxRoute) {}

    /**
     * The run's audit records among these customers, by customer id. A restarted chunk finds here the customers whose
     * decisions (and, in a dispatching run, their outbox entries, committed with them) were made durable before the
     * chunk's own transaction was lost.
     */
    Map<String, Recorded> recorded(long runId, List<String> customerIds) {
        Map<String, Recorded> recorded = new TreeMap<>();
        jdbc.sql("SELECT a.customer_id, a.content, o.route FROM audit_records a "
                        + "LEFT JOIN outbox o ON o.decision_id = a.decision_id "
                        + "WHERE a.run_id = :run AND a.customer_id IN (:ids)")
                .param("run", runId).param("ids", customerIds)
                .query(rs -> {
                    recorded.put(rs.getString(1), new Recorded(rs.getString(2), rs.getString(3)));
                });
        return recorded;
    }

    /** The longest value a count is kept under (V29 widened run_tallies.value for rule names). */
    static final int VALUE_LENGTH = 255;

    /** A value as the report keeps it: a longer rule name is cut, with an ellipsis that says so. */
    static String tallyValue(String value) {
        return value.length() <= VALUE_LENGTH ? value : value.substring(0, VALUE_LENGTH - 1) + "\u2026";
    }

    private static String truncate(String reason) {
        String r = reason == null ? "(no message)" : reason;
        return r.length() <= 2000 ? r : r.substring(0, 1997) + "...";
    }
}
