package dev.dunning.rulesets;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Background simulations in MariaDB (table rule_set_simulations): their progress while they run and their result
 * when done, so whichever instance is asked can answer, and a finished result outlives a restart.
 */
@Repository
class SimulationJobs {

    enum Status {
        QUEUED,
        RUNNING,
        DONE,
        FAILED
    }

    /**
     * One job as stored, without its result (see {@link #result}): its filters, and once finished the version in force
     * it was compared against and its counts (NULL for a job stored before they were recorded, V43).
     */
    record Row(String id, String candidate, String requestedBy, String instanceId, Status status, long total,
            long done, Instant startedAt, Instant heartbeatAt, Instant finishedAt, String error, Instant asOf,
            Integer namedCustomers, String segment, String country, String active, Long customers, Long changed,
            Long failedCount) {}

    /** The counts a finished job records beside its result. */
    record Counts(String active, Instant asOf, long customers, long changed, long failedCount) {}

    private static final String COLUMNS = "id, candidate, requested_by, instance_id, status, total, done, started_at, "
            + "heartbeat_at, finished_at, error, as_of, named_customers, segment, country, active, customers, changed, "
            + "failed_count";

    private final JdbcClient jdbc;

    SimulationJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String id, String candidate, String requestedBy, String instanceId, long total, Instant now,
            RuleSetSimulation.Request filters) {
        List<String> named = filters.customerIds();
        jdbc.sql("INSERT INTO rule_set_simulations (id, candidate, requested_by, instance_id, status, total, done, "
                + "started_at, heartbeat_at, as_of, named_customers, segment, country) "
                + "VALUES (?, ?, ?, ?, 'QUEUED', ?, 0, ?, UTC_TIMESTAMP(6), ?, ?, ?, ?)")
                .params(id, candidate, requestedBy, instanceId, total, Sql.utc(now), Sql.utc(filters.asOf()),
                        named == null || named.isEmpty() ? null : named.size(), Sql.name(filters.segment()),
                        filters.country())
                .update();
    }

    /*
     * Signs of life are written and judged in the database's time (UTC_TIMESTAMP), never an instance's clock: two
     * instances whose clocks disagree must not declare each other's jobs dead.
     */

    /** Progress of a running job, also a sign of life; false when the job is no longer running (ended elsewhere). */
    boolean progress(String id, long done) {
        return jdbc.sql("UPDATE rule_set_simulations SET status = 'RUNNING', done = ?, heartbeat_at = UTC_TIMESTAMP(6) "
                + "WHERE id = ? AND status IN ('QUEUED', 'RUNNING')").params(done, id).update() == 1;
    }

    /** The sign of life of the unfinished jobs an instance holds, queued ones included. */
    void heartbeat(Collection<String> ids) {
        jdbc.sql("UPDATE rule_set_simulations SET heartbeat_at = UTC_TIMESTAMP(6) WHERE id IN (:ids) "
                + "AND status IN ('QUEUED', 'RUNNING')").param("ids", ids).update();
    }

    /** False when the job had been ended elsewhere meanwhile (its result is then not stored). */
    boolean done(String id, long done, byte[] result, Counts counts, Instant now) {
        return jdbc.sql("UPDATE rule_set_simulations SET status = 'DONE', done = ?, result = ?, finished_at = ?, "
                + "heartbeat_at = UTC_TIMESTAMP(6), active = ?, as_of = ?, customers = ?, changed = ?, "
                + "failed_count = ? WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(done, result, Sql.utc(now), counts.active(), Sql.utc(counts.asOf()), counts.customers(),
                        counts.changed(), counts.failedCount(), id).update() == 1;
    }

    void failed(String id, String error, Instant now) {
        jdbc.sql("UPDATE rule_set_simulations SET status = 'FAILED', error = ?, finished_at = ? "
                + "WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(truncate(error), Sql.utc(now), id).update();
    }

    /** Every unfinished job of this instance fails with the reason given (the instance is stopping). */
    void failAll(String instanceId, String error, Instant now) {
        jdbc.sql("UPDATE rule_set_simulations SET status = 'FAILED', error = ?, finished_at = ? "
                + "WHERE instance_id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(truncate(error), Sql.utc(now), instanceId).update();
    }

    /**
     * A job whose instance has not shown a sign of life for {@code silence} is failed: the instance crashed or was
     * killed with it. Then the job as it now stands, without its result.
     */
    Optional<Row> find(String id, Instant now, Duration silence) {
        failSilent("id = ? AND ", List.of(id), now, silence);
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_simulations WHERE id = ?").param(id)
                .query((rs, n) -> row(rs)).optional();
    }

    /**
     * The jobs of one candidate version, newest first (at most {@code limit}), after failing those of them nobody runs
     * any more.
     */
    List<Row> ofCandidate(String candidate, int limit, Instant now, Duration silence) {
        failSilent("candidate = ? AND ", List.of(candidate), now, silence);
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_simulations WHERE candidate = ? "
                + "ORDER BY started_at DESC, id DESC LIMIT ?").params(candidate, limit).query((rs, n) -> row(rs))
                .list();
    }

    private void failSilent(String condition, List<Object> params, Instant now, Duration silence) {
        List<Object> all = new ArrayList<>();
        all.add(Sql.utc(now));
        all.addAll(params);
        all.add(silence.toMillis() * 1000);
        jdbc.sql("UPDATE rule_set_simulations SET status = 'FAILED', finished_at = ?, error = CONCAT('the instance ', "
                + "instance_id, ' running this simulation stopped showing signs of life at ', "
                + "DATE_FORMAT(heartbeat_at, '%Y-%m-%dT%H:%i:%sZ'), ' (it crashed or was stopped); start it again') "
                + "WHERE " + condition + "status IN ('QUEUED', 'RUNNING') "
                + "AND heartbeat_at < UTC_TIMESTAMP(6) - INTERVAL ? MICROSECOND")
                .params(all).update();
    }

    /** The stored result of a finished job (gzip JSON), if it has one. */
    Optional<byte[]> result(String id) {
        return jdbc.sql("SELECT result FROM rule_set_simulations WHERE id = ? AND result IS NOT NULL").param(id)
                .query((rs, n) -> rs.getBytes(1)).optional();
    }

    /**
     * Removes jobs finished before {@code before}, after failing the ones nobody runs any more (so that a job a
     * crashed instance left, and nobody asked about, goes too in time); how many went.
     */
    int forget(Instant before, Instant now, Duration silence) {
        failSilent("", List.of(), now, silence);
        return jdbc.sql("DELETE FROM rule_set_simulations WHERE status IN ('DONE', 'FAILED') AND finished_at < ?")
                .param(Sql.utc(before)).update();
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("candidate"), rs.getString("requested_by"),
                rs.getString("instance_id"), Status.valueOf(rs.getString("status")), rs.getLong("total"),
                rs.getLong("done"), Sql.instant(rs, "started_at"), Sql.instant(rs, "heartbeat_at"),
                Sql.instant(rs, "finished_at"), rs.getString("error"), Sql.instant(rs, "as_of"),
                Sql.intOrNull(rs, "named_customers"), rs.getString("segment"), rs.getString("country"),
                rs.getString("active"), longOrNull(rs, "customers"), longOrNull(rs, "changed"),
                longOrNull(rs, "failed_count"));
    }

    private static Long longOrNull(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static String truncate(String error) {
        String text = error == null ? "failed" : error;
        return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
