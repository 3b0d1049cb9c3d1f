package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import java.util.List;
import java.util.Map;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * V12 moves fired rules recorded in the wide layout (one row per firing with the rule's whole description) to the
 * narrow one without losing or changing any: same firings, same order, same descriptions, one name id across versions.
 */
class AuditFiringsMigrationIT {

    @Test
    void firingsRecordedBeforeV12MoveOverUnchanged() {
        TestDatabase.Connection db = TestDatabase.freshDatabase("v12");
        DriverManagerDataSource dataSource = new DriverManagerDataSource(db.url(), db.user(), db.password());
        JdbcClient jdbc = JdbcClient.create(dataSource);
        Flyway.configure().dataSource(dataSource).target("6").load().migrate();
        String v1 = "a".repeat(64);
        String v2 = "b".repeat(64);
        String insert = "INSERT INTO audit_fired_rules (seq, ordinal, recorded_at, rule_set_version, rule_name, source, "
                + "sheet, sheet_row, policy, group_name, overridden) VALUES (?, ?, NOW(6), ?, ?, ?, ?, ?, ?, ?, ?)";
        jdbc.sql(insert).params(1, 0, v1, "Ladder Ladder_41", "decision-tables/escalation.xlsx", "Ladder", 41,
                "ESC-C1", "escalation", false).update();
        jdbc.sql(insert).params(1, 1, v1, "Wide intervals", "rules/constraints.drl", null, null, null, "constraints",
                true).update();
        jdbc.sql(insert).params(2, 0, v1, "Ladder Ladder_41", "decision-tables/escalation.xlsx", "Ladder", 41,
                "ESC-C1", "escalation", false).update();
        jdbc.sql(insert).params(3, 0, v2, "Ladder Ladder_41", "decision-tables/escalation.xlsx", "Ladder", 41,
                "ESC-C2", "escalation", false).update();
        jdbc.sql(insert).params(3, 1, v2, "ladder Ladder_41", null, null, null, null, null, false).update();

        Flyway.configure().dataSource(dataSource).load().migrate();

        List<String> firings = jdbc.sql("SELECT CONCAT_WS('|', f.seq, f.ordinal, u.rule_set_version = ?, u.rule_name, "
                        + "u.source, IFNULL(u.sheet, '-'), IFNULL(u.sheet_row, '-'), IFNULL(u.policy, '-'), "
                        + "IFNULL(u.group_name, '-'), f.overridden, n.rule_name = u.rule_name) "
                        + "FROM audit_firings f JOIN audit_rules u ON u.id = f.rule_id "
                        + "JOIN audit_rule_names n ON n.id = f.name_id ORDER BY f.seq, f.ordinal")
                .param(v1).query(String.class).list();
        assertThat(firings).containsExactly(
                "1|0|1|Ladder Ladder_41|decision-tables/escalation.xlsx|Ladder|41|ESC-C1|escalation|0|1",
                "1|1|1|Wide intervals|rules/constraints.drl|-|-|-|constraints|1|1",
                "2|0|1|Ladder Ladder_41|decision-tables/escalation.xlsx|Ladder|41|ESC-C1|escalation|0|1",
                "3|0|0|Ladder Ladder_41|decision-tables/escalation.xlsx|Ladder|41|ESC-C2|escalation|0|1",
                "3|1|0|ladder Ladder_41||-|-|-|-|0|1");
        // One description per version and rule; one name across versions, names compared byte for byte.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM audit_rules").query(Long.class).single()).isEqualTo(4);
        Map<String, Long> idsPerName = jdbc.sql("SELECT rule_name, COUNT(DISTINCT name_id) FROM audit_rules "
                        + "GROUP BY rule_name").query((rs, n) -> Map.entry(rs.getString(1), rs.getLong(2))).list()
                .stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertThat(idsPerName).containsOnly(Map.entry("Ladder Ladder_41", 1L), Map.entry("Wide intervals", 1L),
                Map.entry("ladder Ladder_41", 1L));
        assertThat(jdbc.sql("SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() "
                + "AND table_name = 'audit_fired_rules'").query(Long.class).single()).isZero();
    }
}
