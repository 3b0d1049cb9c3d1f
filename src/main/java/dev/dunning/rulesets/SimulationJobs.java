package dev.dunning.rulesets;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
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

    /** One job as stored, without its result (see {@link #result}). */
    record Row(String id, String candidate, String requestedBy, String instanceId, Status status, long total,
            long done, Instant startedAt, Instant heartbeatAt, Instant finishedAt, String error) {}

    private static final String COLUMNS = "id, candidate, requested_by, instance_id, status, total, done, started_at, "
            + "heartbeat_at, finished_at, error";

    private final JdbcClient jdbc;

    SimulationJobs(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void insert(String id, String candidate, String requestedBy, String instanceId, long total, Instant now) {
        jdbc.sql("INSERT INTO rule_set_simulations (id, candidate, requested_by, instance_id, status, total, done, "
                + "started_at, heartbeat_at) VALUES (?, ?, ?, ?, 'QUEUED', ?, 0, ?, ?)")
                .params(id, candidate, requestedBy, instanceId, total, Sql.utc(now), Sql.utc(now)).update();
    }

    /** Progress of a running job; also a sign of life. */
    void progress(String id, long done, Instant now) {
        jdbc.sql("UPDATE rule_set_simulations SET status = 'RUNNING', done = ?, heartbeat_at = ? "
                + "WHERE id = ? AND status IN ('QUEUED', 'RUNNING')").params(done, Sql.utc(now), id).update();
    }

    /** The sign of life of every unfinished job this instance holds, queued ones included. */
    void heartbeat(String instanceId, Instant now) {
        jdbc.sql("UPDATE rule_set_simulations SET heartbeat_at = ? WHERE instance_id = ? "
                + "AND status IN ('QUEUED', 'RUNNING')").params(Sql.utc(now), instanceId).update();
    }

    void done(String id, long done, byte[] result, Instant now) {
        jdbc.sql("UPDATE rule_set_simulations SET status = 'DONE', done = ?, result = ?, finished_at = ?, "
                + "heartbeat_at = ? WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(done, result, Sql.utc(now), Sql.utc(now), id).update();
    }

    void failed(String id, String error, Instant now) {
        jdbc.sql("UPDATE rule_set_simulations SET status = 'FAILED', error = ?, finished_at = ?, heartbeat_at = ? "
                + "WHERE id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(truncate(error), Sql.utc(now), Sql.utc(now), id).update();
    }

    /** Every unfinished job of this instance fails with the reason given (the instance is stopping). */
    void failAll(String instanceId, String error, Instant now) {
        jdbc.sql("UPDATE rule_set_simulations SET status = 'FAILED', error = ?, finished_at = ?, heartbeat_at = ? "
                + "WHERE instance_id = ? AND status IN ('QUEUED', 'RUNNING')")
                .params(truncate(error), Sql.utc(now), Sql.utc(now), instanceId).update();
    }

    /**
     * A job whose instance has not shown a sign of life for {@code silence} is failed: the instance crashed or was
     * killed with it. Then the job as it now stands, without its result.
     */
    Optional<Row> find(String id, Instant now, Duration silence) {
        Instant limit = now.minus(silence);
        jdbc.sql("UPDATE rule_set_simulations SET status = 'FAILED', finished_at = ?, error = CONCAT('the instance ', "
                + "instance_id, ' running this simulation stopped showing signs of life at ', "
                + "DATE_FORMAT(heartbeat_at, '%Y-%m-%dT%H:%i:%sZ'), ' (it crashed or was stopped); start it again') "
                + "WHERE id = ? AND status IN ('QUEUED', 'RUNNING') AND heartbeat_at < ?")
                .params(Sql.utc(now), id, Sql.utc(limit)).update();
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_simulations WHERE id = ?").param(id)
                .query((rs, n) -> row(rs)).optional();
    }

    /** The stored result of a finished job (gzip JSON), if it has one. */
    Optional<byte[]> result(String id) {
        return jdbc.sql("SELECT result FROM rule_set_simulations WHERE id = ? AND result IS NOT NULL").param(id)
                .query((rs, n) -> rs.getBytes(1)).optional();
    }

    /** Removes finished jobs older than the retention; how many went. */
    int forget(Instant before) {
        return jdbc.sql("DELETE FROM rule_set_simulations WHERE status IN ('DONE', 'FAILED') AND started_at < ?")
                .param(Sql.utc(before)).update();
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("candidate"), rs.getString("requested_by"),
                rs.getString("instance_id"), Status.valueOf(rs.getString("status")), rs.getLong("total"),
                rs.getLong("done"), Sql.instant(rs, "started_at"), Sql.instant(rs, "heartbeat_at"),
                Sql.instant(rs, "finished_at"), rs.getString("error"));
    }

    private static String truncate(String error) {
        String text = error == null ? "failed" : error;
        return text.length() <= 2000 ? text : text.substring(0, 1997) + "...";
    }
}
