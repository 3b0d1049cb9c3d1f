package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V40 fills audit_minutes from the records already in the log: per minute of recording time, the first and last seq,
 * also where recording times do not follow seq order and where a minute's records are far apart in seq.
 */
class AuditMinutesMigrationIT {

    @Test
    void recordsWrittenBeforeV40GetTheirMinutesBounds() {
        TestDatabase.Connection db = TestDatabase.freshDatabase("v40");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Flyway.configure().dataSource(dataSource).target("39").load().migrate();
        String[] recordedAt = {"2026-12-05 10:00:59.999999", "2026-12-05 10:01:00.000000", "2026-12-05 10:00:00.000001",
            "2026-12-05 10:01:30.5", "2026-12-05 10:03:00", "2026-12-05 10:01:59.999999", "2026-12-04 23:59:59.9"};
        for (int i = 0; i < recordedAt.length; i++) {
            jdbc.sql("INSERT INTO audit_records (seq, decision_id, recorded_at, as_of, customer_id, principal, "
                            + "entry_point, rule_set_version, action, channel, tone, facts_hash, content, prev_hash, hash) "
                            + "VALUES (?, ?, ?, ?, 'C', 'test', 'decide', ?, 'REMINDER', 'EMAIL', NULL, ?, '{}', ?, ?)")
                    .params(i + 1, "00000000-0000-0000-0000-00000000000" + i, recordedAt[i], recordedAt[i],
                            "0".repeat(64), "0".repeat(64), "0".repeat(64), "0".repeat(64))
                    .update();
        }

        Flyway.configure().dataSource(dataSource).load().migrate();

        assertThat(jdbc.sql("SELECT CONCAT_WS('|', minute, min_seq, max_seq) FROM audit_minutes ORDER BY minute")
                .query(String.class).list()).containsExactly(
                        "2026-12-04 23:59:00|7|7",
                        "2026-12-05 10:00:00|1|3",
                        "2026-12-05 10:01:00|2|6",
                        "2026-12-05 10:03:00|5|5");
    }
}
