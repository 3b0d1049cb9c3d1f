package dev.dunning.runs;

import dev.dunning.database.Sql;
import java.net.InetAddress;
import java.time.Clock;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Which instance works which partition of a run: the first to insert the partition's row claims it (the primary key
 * decides between instances racing for it), so a partition is worked by exactly one instance, once.
 */
@Repository
class PartitionClaims {

    /** A partition of a running run that no instance has claimed yet. */
    record Open(long jobExecutionId, long stepExecutionId) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final String instance;

    PartitionClaims(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.instance = hostName() + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    /** This instance as claims name it: host, process id, and a random part (two contexts in one process differ). */
    String instance() {
        return instance;
    }

    /** True if this instance now holds the partition; false if another one got it first. */
    boolean claim(long runId, long stepExecutionId) {
        return jdbc.sql("INSERT IGNORE INTO run_partition_claims (step_execution_id, run_id, claimed_by, claimed_at) "
                        + "VALUES (?, ?, ?, ?)")
                .params(stepExecutionId, runId, instance, Sql.utc(clock.instant())).update() == 1;
    }

    /** Who holds the partition, if anyone. */
    java.util.Optional<String> holder(long stepExecutionId) {
        return jdbc.sql("SELECT claimed_by FROM run_partition_claims WHERE step_execution_id = ?")
                .param(stepExecutionId).query(String.class).optional();
    }

    /** Partitions waiting for a worker in runs that are running, oldest first. */
    List<Open> open(String workerStep, int limit) {
        return jdbc.sql("SELECT s.JOB_EXECUTION_ID, s.STEP_EXECUTION_ID FROM BATCH_STEP_EXECUTION s "
                        + "JOIN BATCH_JOB_EXECUTION e ON e.JOB_EXECUTION_ID = s.JOB_EXECUTION_ID "
                        + "WHERE e.STATUS = 'STARTED' AND s.STATUS = 'STARTING' AND s.STEP_NAME LIKE ? "
                        + "AND NOT EXISTS (SELECT 1 FROM run_partition_claims c "
                        + "WHERE c.step_execution_id = s.STEP_EXECUTION_ID) ORDER BY s.STEP_EXECUTION_ID LIMIT ?")
                .params(workerStep + ":%", limit)
                .query((rs, n) -> new Open(rs.getLong(1), rs.getLong(2))).list();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown-host";
        }
    }

    /**
     * Now as Spring Batch writes its times (a local date-time in the JVM's zone), from the injected clock: what a
     * partition's last update is compared with.
     */
    static LocalDateTime batchNow(Clock clock) {
        return LocalDateTime.ofInstant(clock.instant(), ZoneId.systemDefault());
    }

    LocalDateTime batchNow() {
        return batchNow(clock);
    }
}
