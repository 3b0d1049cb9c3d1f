package dev.dunning.facts;

import dev.dunning.database.Sql;
import dev.dunning.decision.Hold;
import dev.dunning.decision.HoldKind;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** Holds on customers or single invoices (disputes, promises to pay, payment plans, insolvency, legal, manual). */
@Repository
public class Holds {

    private final JdbcClient jdbc;

    public Holds(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long add(String customerId, Hold hold, String reason, String by, Instant now) {
        var keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO holds (customer_id, kind, invoice_id, from_date, until_date, reason, created_at, "
                        + "created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(customerId, hold.kind().name(), hold.invoiceId(), hold.from(), hold.until(), reason,
                        Sql.utc(now), by)
                .update(keys);
        return keys.getKey().longValue();
    }

    /** Ends the hold now; true if it was running. */
    boolean end(long id, String by, Instant now) {
        return jdbc.sql("UPDATE holds SET ended_at = ?, ended_by = ? WHERE id = ? AND ended_at IS NULL")
                .params(Sql.utc(now), by, id).update() == 1;
    }

    public Optional<StoredHold> find(long id) {
        return jdbc.sql("SELECT * FROM holds WHERE id = ?").param(id).query((rs, n) -> stored(rs)).optional();
    }

    /** Every hold of the customer, ended ones included, newest first. */
    public List<StoredHold> ofCustomer(String customerId) {
        return jdbc.sql("SELECT * FROM holds WHERE customer_id = ? ORDER BY from_date DESC, id DESC").param(customerId)
                .query((rs, n) -> stored(rs)).list();
    }

    static StoredHold stored(ResultSet rs) throws SQLException {
        return new StoredHold(rs.getLong("id"), rs.getString("customer_id"), map(rs), rs.getString("reason"),
                Sql.instant(rs, "created_at"), rs.getString("created_by"), Sql.instant(rs, "ended_at"),
                rs.getString("ended_by"));
    }

    static Hold map(ResultSet rs) throws SQLException {
        return new Hold(HoldKind.valueOf(rs.getString("kind")), rs.getString("invoice_id"), Sql.date(rs, "from_date"),
                Sql.date(rs, "until_date"));
    }
}
