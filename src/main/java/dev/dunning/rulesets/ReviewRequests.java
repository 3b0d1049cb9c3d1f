package dev.dunning.rulesets;

import dev.dunning.database.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.GeneratedKeyHolder;
import org.springframework.stereotype.Repository;

/** Review requests of rule-set versions in MariaDB (V27); the steps' history is in rule_set_events. */
@Repository
class ReviewRequests {

    private static final String COLUMNS = "id, version, kind, detail, requested_by, requested_at, comment, "
            + "active_at_request, state, reviewer, review_comment, reviewed_at, last_failure";

    private final JdbcClient jdbc;

    ReviewRequests(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Stores a pending request; its id. A pending request of the same version and kind makes this fail. */
    long insert(String version, RuleSetReviews.Kind kind, String requestedBy, Instant at, String comment,
            String activeAtRequest) {
        return insert(version, kind, null, requestedBy, at, comment, activeAtRequest);
    }

    /** The same, with what a request of another kind needs beyond the version ({@code detail}: a test's id). */
    long insert(String version, RuleSetReviews.Kind kind, String detail, String requestedBy, Instant at,
            String comment, String activeAtRequest) {
        GeneratedKeyHolder keys = new GeneratedKeyHolder();
        jdbc.sql("INSERT INTO rule_set_reviews (version, kind, detail, requested_by, requested_at, comment, "
                + "active_at_request, state, pending_key) VALUES (?, ?, ?, ?, ?, ?, ?, 'PENDING', ?)")
                .params(version, kind.name(), detail, requestedBy, Sql.utc(at), comment, activeAtRequest,
                        pendingKey(version, kind))
                .update(keys, "id");
        return keys.getKey().longValue();
    }

    Optional<RuleSetReviews.Review> find(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_reviews WHERE id = ?").param(id)
                .query(ReviewRequests::review).optional();
    }

    /** The request, its row locked until the transaction ends: two approvers at once are served one after the other. */
    Optional<RuleSetReviews.Review> lock(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_reviews WHERE id = ? FOR UPDATE").param(id)
                .query(ReviewRequests::review).optional();
    }

    Optional<RuleSetReviews.Review> pending(String version, RuleSetReviews.Kind kind) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_reviews WHERE pending_key = ?")
                .param(pendingKey(version, kind)).query(ReviewRequests::review).optional();
    }

    /** The latest request of a kind with this detail (a test's id), whatever its state. */
    Optional<RuleSetReviews.Review> latest(RuleSetReviews.Kind kind, String detail) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_reviews WHERE kind = ? AND detail = ? ORDER BY id DESC "
                + "LIMIT 1").params(kind.name(), detail).query(ReviewRequests::review).optional();
    }

    /** Requests in a state (null: all), oldest first for pending (the queue), else newest first; at most limit. */
    List<RuleSetReviews.Review> list(RuleSetReviews.State state, int limit) {
        if (state == null) {
            return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_reviews ORDER BY id DESC LIMIT ?").param(limit)
                    .query(ReviewRequests::review).list();
        }
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_reviews WHERE state = ? ORDER BY id "
                + (state == RuleSetReviews.State.PENDING ? "" : "DESC ") + "LIMIT ?").params(state.name(), limit)
                .query(ReviewRequests::review).list();
    }

    List<RuleSetReviews.Review> ofVersion(String version) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_reviews WHERE version = ? ORDER BY id DESC")
                .param(version).query(ReviewRequests::review).list();
    }

    /** Decides a pending request; false when it was not pending any more. */
    boolean decide(long id, RuleSetReviews.State state, String reviewer, String comment, Instant at) {
        return jdbc.sql("UPDATE rule_set_reviews SET state = ?, reviewer = ?, review_comment = ?, reviewed_at = ?, "
                + "pending_key = NULL WHERE id = ? AND state = 'PENDING'")
                .params(state.name(), reviewer, comment, Sql.utc(at), id)
                .update() == 1;
    }

    void failed(long id, String why) {
        jdbc.sql("UPDATE rule_set_reviews SET last_failure = ? WHERE id = ?")
                .params(why.substring(0, Math.min(why.length(), 2000)), id).update();
    }

    private static String pendingKey(String version, RuleSetReviews.Kind kind) {
        return version + ":" + kind.name();
    }

    private static RuleSetReviews.Review review(ResultSet rs, int n) throws SQLException {
        return new RuleSetReviews.Review(rs.getLong("id"), rs.getString("version"),
                RuleSetReviews.Kind.valueOf(rs.getString("kind")), rs.getString("requested_by"),
                Sql.instant(rs, "requested_at"), rs.getString("comment"), rs.getString("active_at_request"),
                RuleSetReviews.State.valueOf(rs.getString("state")), rs.getString("reviewer"),
                rs.getString("review_comment"), Sql.instant(rs, "reviewed_at"), rs.getString("last_failure"),
                rs.getString("detail"));
    }
}
