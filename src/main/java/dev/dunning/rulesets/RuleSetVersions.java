package dev.dunning.rulesets;

import dev.dunning.database.Sql;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Rule-set versions in MariaDB. Files are kept once per content hash in the tables the audit log shares
 * (rule_set_files, rule_set_version_files), so a version stored here and a version a decision was made under are the
 * same rows, never two copies.
 */
@Repository
public class RuleSetVersions {

    public enum Status {
        CANDIDATE,
        ACTIVE,
        RETIRED,
        REJECTED
    }

    /** One version as stored; {@code problems} is the gates' report as JSON. */
    public record Stored(String version, Status status, String origin, String author, Instant createdAt,
            String comment, String problems, String activatedBy, Instant activatedAt) {}

    /** One line of a version's history. */
    public record Event(long id, String version, Instant at, String principal, String event, String detail) {}

    /** A file of a version: its name, content hash and size. */
    public record FileRow(String name, String sha256, long size) {}

    /** rule_set_events.detail is a TEXT (V17): a validation lists every file of a zip with its hash. */
    private static final int MAX_DETAIL = 16_000;

    private static final String COLUMNS =
            "version, status, origin, author, created_at, comment, problems, activated_by, activated_at";

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;

    public RuleSetVersions(JdbcClient jdbc, TransactionTemplate transactions) {
        this.jdbc = jdbc;
        this.transactions = transactions;
    }

    /** Stores a version and its files; false (and nothing changed) when the version is already known. */
    public boolean insert(String version, Status status, String origin, String author, String comment,
            String problems, List<RuleSource> sources, Instant now) {
        return insert(version, status, origin, author, comment, problems, sources, now, null);
    }

    /**
     * As {@link #insert(String, Status, String, String, String, String, List, Instant)}, with the detail of the
     * {@code SUBMITTED} or {@code REJECTED} event (null: the origin and the comment), e.g. how an upload was taken.
     */
    public boolean insert(String version, Status status, String origin, String author, String comment,
            String problems, List<RuleSource> sources, Instant now, String detail) {
        Boolean inserted = transactions.execute(tx -> {
            int rows = jdbc.sql("INSERT IGNORE INTO rule_set_versions (version, status, origin, author, created_at, "
                    + "comment, problems) VALUES (?, ?, ?, ?, ?, ?, ?)")
                    .params(version, status.name(), origin, author, Sql.utc(now), comment, problems).update();
            if (rows == 0) {
                return false;
            }
            for (RuleSource source : sources) {
                String sha = RuleSetCompiler.sha256(source.content());
                jdbc.sql("INSERT IGNORE INTO rule_set_files (sha256, content) VALUES (?, ?)")
                        .params(sha, source.content()).update();
                jdbc.sql("INSERT IGNORE INTO rule_set_version_files (version, name, sha256) VALUES (?, ?, ?)")
                        .params(version, source.name(), sha).update();
            }
            event(version, now, author, status == Status.REJECTED ? "REJECTED" : "SUBMITTED",
                    detail != null ? detail : origin + (comment == null ? "" : ": " + comment));
            return true;
        });
        return Boolean.TRUE.equals(inserted);
    }

    public Optional<Stored> find(String version) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_versions WHERE version = ?").param(version)
                .query(RuleSetVersions::stored).optional();
    }

    /** The versions whose hash starts with {@code prefix} (a short hash as people copy it), at most two. */
    public List<String> matching(String prefix) {
        return jdbc.sql("SELECT version FROM rule_set_versions WHERE version LIKE ? ORDER BY version LIMIT 2")
                .param(prefix.replace("%", "").replace("_", "") + "%").query(String.class).list();
    }

    /** Every version, newest first. */
    public List<Stored> list() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM rule_set_versions ORDER BY created_at DESC, version")
                .query(RuleSetVersions::stored).list();
    }

    public List<Event> events(String version) {
        return jdbc.sql("SELECT id, version, at, principal, event, detail FROM rule_set_events WHERE version = ? "
                + "ORDER BY id").param(version)
                .query((rs, n) -> new Event(rs.getLong("id"), rs.getString("version"), Sql.instant(rs, "at"),
                        rs.getString("principal"), rs.getString("event"), rs.getString("detail"))).list();
    }

    public List<FileRow> files(String version) {
        return jdbc.sql("SELECT v.name, v.sha256, LENGTH(f.content) FROM rule_set_version_files v "
                + "JOIN rule_set_files f ON f.sha256 = v.sha256 WHERE v.version = ? ORDER BY v.name").param(version)
                .query((rs, n) -> new FileRow(rs.getString(1), rs.getString(2), rs.getLong(3))).list();
    }

    /**
     * The exact files of a version, in name order. A version is its content: the files must hash to the version id
     * (as {@link RuleSetCompiler#versionOf} computes it), or they were changed in the database and are refused.
     *
     * @throws AlteredVersionException if they do not
     */
    public List<RuleSource> sources(String version) {
        List<RuleSource> sources = jdbc.sql("SELECT v.name, f.content FROM rule_set_version_files v "
                + "JOIN rule_set_files f ON f.sha256 = v.sha256 WHERE v.version = ? ORDER BY v.name").param(version)
                .query((rs, n) -> new RuleSource(rs.getString(1), rs.getBytes(2))).list();
        String actual = RuleSetCompiler.versionOf(sources);
        if (!actual.equals(version)) {
            throw new AlteredVersionException(version, actual);
        }
        return sources;
    }

    public Optional<String> activeVersion() {
        return jdbc.sql("SELECT version FROM rule_set_active WHERE id = 1").query(String.class).optional();
    }

    /**
     * Makes a version the one every instance serves: under a lock on the active row, the previous active version is
     * retired and this one marked active, so two activations at once leave one active version and a true history.
     */
    public void activate(String version, String principal, Instant now) {
        activate(version, principal, now, null);
    }

    /**
     * As {@link #activate(String, String, Instant)}, only if {@code expectedActive} (when not null) is the active
     * version under the row lock.
     *
     * @throws StaleRequestException if it is not
     */
    public void activate(String version, String principal, Instant now, String expectedActive) {
        activate(version, principal, now, expectedActive, null);
    }

    /**
     * As {@link #activate(String, String, Instant, String)}, running {@code alsoRecord} (when not null) first in the
     * same transaction, under the same lock: what else the activation changes (a review request approved) is
     * recorded with it or not at all, and if it throws nothing is activated.
     */
    public void activate(String version, String principal, Instant now, String expectedActive, Runnable alsoRecord) {
        transactions.executeWithoutResult(tx -> {
            Optional<String> previous = jdbc.sql("SELECT version FROM rule_set_active WHERE id = 1 FOR UPDATE")
                    .query(String.class).optional();
            if (alsoRecord != null) {
                alsoRecord.run();
            }
            if (expectedActive != null && !previous.equals(Optional.of(expectedActive))
                    && !previous.equals(Optional.of(version))) {
                throw stale(expectedActive, version, previous.orElse(null));
            }
            if (previous.isPresent() && previous.get().equals(version)) {
                return;
            }
            if (previous.isPresent()) {
                jdbc.sql("UPDATE rule_set_versions SET status = 'RETIRED' WHERE version = ?").param(previous.get())
                        .update();
                event(previous.get(), now, principal, "RETIRED", "replaced by " + version);
                jdbc.sql("UPDATE rule_set_active SET version = ?, activated_by = ?, activated_at = ? WHERE id = 1")
                        .params(version, principal, Sql.utc(now)).update();
            } else {
                jdbc.sql("INSERT INTO rule_set_active (id, version, activated_by, activated_at) VALUES (1, ?, ?, ?)")
                        .params(version, principal, Sql.utc(now)).update();
            }
            jdbc.sql("UPDATE rule_set_versions SET status = 'ACTIVE', activated_by = ?, activated_at = ? "
                    + "WHERE version = ?").params(principal, Sql.utc(now), version).update();
            event(version, now, principal, "ACTIVATED", previous.map(p -> "replacing " + p).orElse("first version"));
        });
    }

    /**
     * Refuses when {@code expectedActive} is no longer the version in force (read without a lock: the definitive check
     * is the one under the row lock in {@link #activate(String, String, Instant, String)}).
     *
     * @throws StaleRequestException if another version is in force
     */
    public void requireActive(String expectedActive, String wanted) {
        Optional<String> now = activeVersion();
        if (!now.equals(Optional.of(expectedActive)) && !now.equals(Optional.of(wanted))) {
            throw stale(expectedActive, wanted, now.orElse(null));
        }
    }

    private StaleRequestException stale(String expected, String wanted, String now) {
        Optional<Stored> current = now == null ? Optional.empty() : find(now);
        String since = current.filter(c -> c.activatedAt() != null)
                .map(c -> " (activated by " + c.activatedBy() + " at " + c.activatedAt() + ")").orElse("");
        return new StaleRequestException("the request for rule-set version " + wanted.substring(0, 12)
                + " was made while version " + expected.substring(0, 12) + " was in force, but version "
                + (now == null ? "none" : now.substring(0, 12)) + since + " is in force now, so the change was "
                + "reviewed against rules that no longer serve; withdraw the request and ask again, so that the "
                + "reviewer sees the change against the version in force", expected, now);
    }

    /**
     * A version that failed the gates on activation. A candidate is rejected with the problems found and never served
     * (by design: it is refused from then on). A version that was in force before ({@code RETIRED}) keeps its status
     * and its stored report: it passed these gates on these exact files when it went into force, so a failure now says
     * more about this build than about the files (a class the build could not load, memory), and rewriting it would
     * make a good rollback target impossible for good. Its history records the failure ({@code ACTIVATION_FAILED}),
     * and it can be activated again once the cause is gone.
     *
     * @param failure what the gates said, for the history: the gate and the number of problems
     * @return true when the version is rejected now, false when it kept its status
     */
    public boolean reject(String version, String problems, String principal, Instant now, String failure) {
        Boolean rejected = transactions.execute(tx -> {
            int changed = jdbc.sql("UPDATE rule_set_versions SET status = 'REJECTED', problems = ? WHERE version = ? "
                    + "AND status = 'CANDIDATE'").params(problems, version).update();
            if (changed > 0) {
                event(version, now, principal, "REJECTED", "failed the gates on activation: " + failure);
            } else {
                event(version, now, principal, "ACTIVATION_FAILED", "failed the gates on activation: " + failure
                        + "; it was in force before, so it keeps its status and can be activated again");
            }
            return changed > 0;
        });
        return Boolean.TRUE.equals(rejected);
    }

    /** A line in a version's history that changes nothing else, e.g. what the file watcher did. */
    public void event(String version, Instant at, String principal, String event, String detail) {
        jdbc.sql("INSERT INTO rule_set_events (version, at, principal, event, detail) VALUES (?, ?, ?, ?, ?)")
                .params(version, Sql.utc(at), principal, event, detail == null ? null
                        : detail.substring(0, Math.min(detail.length(), MAX_DETAIL))).update();
    }

    private static Stored stored(ResultSet rs, int n) throws SQLException {
        return new Stored(rs.getString("version"), Status.valueOf(rs.getString("status")), rs.getString("origin"),
                rs.getString("author"), Sql.instant(rs, "created_at"), rs.getString("comment"),
                rs.getString("problems"), rs.getString("activated_by"), Sql.instant(rs, "activated_at"));
    }
}
