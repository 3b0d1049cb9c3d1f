package dev.dunning.decisions;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** Decisions made by customer id, newest first per customer. */
@Repository
public class Decisions {

    private final JdbcClient jdbc;

    public Decisions(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public void add(StoredDecision d) {
        jdbc.sql("INSERT INTO decisions (id, customer_id, decided_at, as_of, rule_set_version, action, channel, tone, "
                        + "stage, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(d.id(), d.customerId(), Sql.utc(d.decidedAt()), Sql.utc(d.asOf()), d.ruleSetVersion(),
                        d.action(), d.channel(), d.tone(), d.stage(), d.body())
                .update();
    }

    public Optional<StoredDecision> find(String id) {
        return jdbc.sql("SELECT * FROM decisions WHERE id = ?").param(id).query((rs, n) -> map(rs)).optional();
    }

    /** One page of the customer's decisions, newest first (ids are time-ordered, so they break ties). */
    public List<StoredDecision> ofCustomer(String customerId, int page, int size) {
        return jdbc.sql("SELECT * FROM decisions WHERE customer_id = ? ORDER BY decided_at DESC, id DESC "
                        + "LIMIT ? OFFSET ?")
                .params(customerId, size, (long) page * size).query((rs, n) -> map(rs)).list();
    }

    public long countOfCustomer(String customerId) {
        return jdbc.sql("SELECT COUNT(*) FROM decisions WHERE customer_id = ?").param(customerId).query(Long.class)
                .single();
    }

    private static StoredDecision map(ResultSet rs) throws SQLException {
        return new StoredDecision(rs.getString("id"), rs.getString("customer_id"), Sql.instant(rs, "decided_at"),
                Sql.instant(rs, "as_of"), rs.getString("rule_set_version"), rs.getString("action"),
                rs.getString("channel"), rs.getString("tone"), rs.getInt("stage"), rs.getString("body"));
    }
}
