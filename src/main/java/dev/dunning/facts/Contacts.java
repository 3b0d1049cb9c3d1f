package dev.dunning.facts;

import dev.dunning.database.Sql;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Complaint;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Outcome;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** The contact history of customers: what was sent or said, when, and what came of it. */
@Repository
public class Contacts {

    private final JdbcClient jdbc;

    public Contacts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    long add(String customerId, ContactAttempt attempt, String reference, Instant now) {
        var keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, outcome, reference, "
                        + "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                .params(customerId, Sql.utc(attempt.at()), attempt.channel().name(), Sql.name(attempt.action()),
                        attempt.stage(), attempt.outcome().name(), reference, Sql.utc(now))
                .update(keys);
        return keys.getKey().longValue();
    }

    /**
     * Records the attempt of a dispatched message under its reference (one per message): sending the same message again
     * after a failure updates that row instead of adding another, so the history holds one attempt per message.
     */
    public StoredContact recordSend(String customerId, ContactAttempt attempt, String reference, Instant now) {
        jdbc.sql("INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, outcome, reference, "
                        + "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE "
                        + "contacted_at = VALUES(contacted_at), outcome = VALUES(outcome), recorded_at = VALUES(recorded_at)")
                .params(customerId, Sql.utc(attempt.at()), attempt.channel().name(), Sql.name(attempt.action()),
                        attempt.stage(), attempt.outcome().name(), reference, Sql.utc(now))
                .update();
        return byReference(customerId, reference).orElseThrow();
    }

    /** One dispatched message's attempt, for {@link #recordSends}. */
    public record Send(String customerId, ContactAttempt attempt, String reference) {}

    /**
     * Records many sends as {@link #recordSend} records one, in two statements whatever their number (one insert of
     * every row, one read of their ids) instead of two per send; answers the rows' ids in the order of the sends.
     */
    public List<Long> recordSends(List<Send> sends, Instant now) {
        if (sends.isEmpty()) {
            return List.of();
        }
        StringBuilder rows = new StringBuilder();
        List<Object> params = new java.util.ArrayList<>(sends.size() * 8);
        for (Send s : sends) {
            rows.append(rows.isEmpty() ? "" : ", ").append("(?, ?, ?, ?, ?, ?, ?, ?)");
            params.addAll(java.util.Arrays.asList(s.customerId(), Sql.utc(s.attempt().at()),
                    s.attempt().channel().name(), Sql.name(s.attempt().action()), s.attempt().stage(),
                    s.attempt().outcome().name(), s.reference(), Sql.utc(now)));
        }
        jdbc.sql("INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, outcome, reference, "
                        + "recorded_at) VALUES " + rows + " ON DUPLICATE KEY UPDATE contacted_at = VALUES(contacted_at), "
                        + "outcome = VALUES(outcome), recorded_at = VALUES(recorded_at)")
                .params(params).update();
        // Both lists walk the (customer_id, reference) key; the pairs are matched here.
        java.util.Map<String, Long> ids = new java.util.HashMap<>();
        jdbc.sql("SELECT id, customer_id, reference FROM contact_attempts WHERE customer_id IN (:customers) "
                        + "AND reference IN (:references)")
                .param("customers", sends.stream().map(Send::customerId).distinct().toList())
                .param("references", sends.stream().map(Send::reference).distinct().toList())
                .query((rs, n) -> ids.put(rs.getString("customer_id") + "\n" + rs.getString("reference"),
                        rs.getLong("id")))
                .list();
        return sends.stream().map(s -> java.util.Objects.requireNonNull(ids.get(s.customerId() + "\n" + s.reference()),
                () -> "contact attempt " + s.reference() + " of " + s.customerId() + " was not written")).toList();
    }

    /** What came of an attempt, as the provider or the customer's reaction reports it. */
    public boolean updateOutcome(long id, Outcome outcome) {
        return jdbc.sql("UPDATE contact_attempts SET outcome = ? WHERE id = ?").params(outcome.name(), id).update() == 1;
    }

    /**
     * Records a complaint about an attempt; only the first one of each attempt is kept (a second report of the same
     * message changes nothing). Returns whether this one was recorded.
     */
    public boolean complain(long id, Complaint complaint, Instant at) {
        return jdbc.sql("UPDATE contact_attempts SET complaint = ?, complained_at = ? WHERE id = ? "
                        + "AND complained_at IS NULL")
                .params(complaint.name(), Sql.utc(at), id).update() == 1;
    }

    public Optional<StoredContact> find(long id) {
        return jdbc.sql("SELECT * FROM contact_attempts WHERE id = ?").param(id).query((rs, n) -> stored(rs))
                .optional();
    }

    public Optional<StoredContact> byReference(String customerId, String reference) {
        return jdbc.sql("SELECT * FROM contact_attempts WHERE customer_id = ? AND reference = ?")
                .params(customerId, reference).query((rs, n) -> stored(rs)).optional();
    }

    /** The customer's contacts, newest first. */
    public List<StoredContact> ofCustomer(String customerId, int limit) {
        return jdbc.sql("SELECT * FROM contact_attempts WHERE customer_id = ? ORDER BY contacted_at DESC, id DESC "
                        + "LIMIT ?")
                .params(customerId, limit).query((rs, n) -> stored(rs)).list();
    }

    /** A page of the customer's contacts, newest first (ties by id, so that pages neither repeat nor skip one). */
    public List<StoredContact> pageOfCustomer(String customerId, int offset, int limit) {
        return jdbc.sql("SELECT * FROM contact_attempts WHERE customer_id = ? ORDER BY contacted_at DESC, id DESC "
                        + "LIMIT ? OFFSET ?")
                .params(customerId, limit, offset).query((rs, n) -> stored(rs)).list();
    }

    public long countOfCustomer(String customerId) {
        return jdbc.sql("SELECT COUNT(*) FROM contact_attempts WHERE customer_id = ?").param(customerId)
                .query(Long.class).single();
    }

    static StoredContact stored(ResultSet rs) throws SQLException {
        return new StoredContact(rs.getLong("id"), rs.getString("customer_id"), map(rs), rs.getString("reference"),
                Sql.instant(rs, "recorded_at"));
    }

    static ContactAttempt map(ResultSet rs) throws SQLException {
        return new ContactAttempt(Sql.instant(rs, "contacted_at"), Channel.valueOf(rs.getString("channel")),
                Sql.enumOrNull(rs, "action", Action.class), Sql.intOrNull(rs, "stage"),
                Outcome.valueOf(rs.getString("outcome")), Sql.enumOrNull(rs, "complaint", Complaint.class));
    }
}
