package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Reading the log. */
@Repository
public class AuditRecords {

    static final String COLUMNS = "seq, decision_id, recorded_at, as_of, customer_id, principal, entry_point, "
            + "rule_set_version, action, channel, tone, facts_hash, content, prev_hash, hash";

    private final JdbcClient jdbc;

    public AuditRecords(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
