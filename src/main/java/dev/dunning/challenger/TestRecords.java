package dev.dunning.challenger;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** The tests and their history in MariaDB (V28). Every change of state is a conditional update and one event. */
@Repository
class TestRecords {

    private static final String COLUMNS = "id, champion_version, challenger_version, share_bp, salt, status, comment, "
            + "proposed_by, proposed_at, approved_by, started_at, ended_by, ended_at, end_reason";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    TestRecords(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Stores a proposed test, or returns empty when another test is open (proposed or running). */
    Optional<Long> propose(String champion, String challenger, int shareBasisPoints, String salt, String comment,
            String principal, Instant at) {
        return transactions.execute(tx -> {
            int inserted = jdbc.sql("INSERT IGNORE INTO challenger_tests (champion_version, challenger_version, "
                    + "share_bp, salt, status, comment, proposed_by, proposed_at) VALUES (?, ?, ?, ?, 'PROPOSED', ?, "
                    + "?, ?)").params(champion, challenger, shareBasisPoints, salt, comment, principal, Sql.utc(at))
                    .update();
            if (inserted == 0) {
                return Optional.<Long>empty();
            }
            long id = jdbc.sql("SELECT LAST_INSERT_ID()").query(Long.class).single();
            event(id, at, principal, "PROPOSED", "challenger " + challenger + " against " + champion + ", "
                    + ChallengerTests.percent(shareBasisPoints) + " of customers"
                    + (comment == null ? "" : ": " + comment));
            return Optional.of(id);
        });
    }

    /** Moves a test from one state to another if it is still in {@code from}; false if it was not. */
    boolean move(long id, ChallengerTests.Status from, ChallengerTests.Status to, String principal, Instant at,
            String detail) {
        return Boolean.TRUE.equals(transactions.execute(tx -> {
            int changed = to == ChallengerTests.Status.RUNNING
                    ? jdbc.sql("UPDATE challenger_tests SET status = ?, approved_by = ?, started_at = ? "
                            + "WHERE id = ? AND status = ?").params(to.name(), principal, Sql.utc(at), id, from.name())
                            .update()
                    : jdbc.sql("UPDATE challenger_tests SET status = ?, ended_by = ?, ended_at = ?, end_reason = ? "
                            + "WHERE id = ? AND status = ?").params(to.name(), principal, Sql.utc(at), detail, id,
                            from.name()).update();
            if (changed == 1) {
                event(id, at, principal, to == ChallengerTests.Status.RUNNING ? "APPROVED" : to.name(), detail);
            }
            return changed == 1;
        }));
    }

    /** Undoes a move whose follow-up failed (a promotion whose activation was refused), with an event saying so. */
    void revert(long id, ChallengerTests.Status from, ChallengerTests.Status to, String principal, Instant at,
            String detail) {
        transactions.executeWithoutResult(tx -> {
            jdbc.sql("UPDATE challenger_tests SET status = ?, ended_by = NULL, ended_at = NULL, end_reason = NULL "
                    + "WHERE id = ? AND status = ?").params(to.name(), id, from.name()).update();
            event(id, at, principal, "RESUMED", detail);
        });
    }

    private void event(long id, Instant at, String principal, String event, String detail) {
        jdbc.sql("INSERT INTO challenger_test_events (test_id, at, principal, event, detail) VALUES (?, ?, ?, ?, ?)")
                .params(id, Sql.utc(at), principal, event,
                        detail == null ? null : detail.substring(0, Math.min(detail.length(), 2000)))
                .update();
    }

    Optional<ChallengerTests.Test> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM challenger_tests WHERE id = ?").param(id).query(TestRecords::map)
                .optional();
    }

    Optional<ChallengerTests.Test> running() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM challenger_tests WHERE status = 'RUNNING'")
                .query(TestRecords::map).optional();
    }

    List<ChallengerTests.Test> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM challenger_tests ORDER BY id DESC LIMIT 200")
                .query(TestRecords::map).list();
    }

    List<ChallengerTests.Event> events(long id) {
        return jdbc.sql("SELECT at, principal, event, detail FROM challenger_test_events WHERE test_id = ? ORDER BY id")
                .param(id).query((rs, n) -> new ChallengerTests.Event(Sql.instant(rs, "at"), rs.getString(2),
                        rs.getString(3), rs.getString(4))).list();
    }

    private static ChallengerTests.Test map(ResultSet rs, int n) throws SQLException {
        return new ChallengerTests.Test(rs.getLong("id"), rs.getString("champion_version"),
                rs.getString("challenger_version"), rs.getInt("share_bp"), rs.getString("salt"),
                ChallengerTests.Status.valueOf(rs.getString("status")), rs.getString("comment"),
                rs.getString("proposed_by"), Sql.instant(rs, "proposed_at"), rs.getString("approved_by"),
                Sql.instant(rs, "started_at"), rs.getString("ended_by"), Sql.instant(rs, "ended_at"),
                rs.getString("end_reason"));
    }
}
