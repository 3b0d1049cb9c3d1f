package dev.dunning.audit;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.database.Sql;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Erases the personal facts of decisions older than the retention period. Only {@code audit_facts.facts} is erased
 * (the database's trigger allows nothing else, and only past the retention age it holds): the chained record keeps
 * the decision, its trace and the hash of the erased snapshot, so the chain still verifies and still proves what the
 * snapshot was until it was erased. Each erasure is itself appended to the chain, in the same transaction: an
 * {@value #ENTRY_POINT} record naming the records whose facts were erased, by whom and when, so an erasure nobody
 * recorded is found by verification.
 */
@Service
public class AuditRetention {

    /** The entry point of the chain records that note an erasure; they are no decisions. */
    public static final String ENTRY_POINT = "erasure";
    /** Who erases: the service's retention job, not a person. */
    static final String PRINCIPAL = "system:retention";

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);
    /** Records per transaction, so that erasing a year of decisions never holds locks for long. */
    private static final int BATCH = 5_000;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AuditProperties properties;
    private final Clock clock;
    private final JsonMapper canonical;

    public AuditRetention(JdbcClient jdbc, TransactionTemplate transactions, AuditProperties properties, Clock clock,
            JsonMapper json) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        this.canonical = CanonicalJson.of(json);
    }

    @Scheduled(initialDelayString = "${dunning.audit.retention-initial-delay:1m}",
            fixedDelayString = "${dunning.audit.retention-check:1h}")
    void eraseExpired() {
        if (properties.factsRetention().isZero()) {
            return;
        }
        int erased = eraseRecordedBefore(clock.instant().minus(properties.factsRetention()));
        if (erased > 0) {
            log.info("Erased the facts of {} decisions recorded more than {} ago", erased,
                    properties.factsRetention());
        }
    }

    /**
     * Tells the database the retention age, which its trigger enforces on erasure. The age can only grow there: a
     * shorter setting than the database holds is not applied (the longer one keeps ruling) until a database
     * administrator shortens it.
     */
    void recordRetentionAge() {
        long seconds = properties.factsRetention().toSeconds();
        if (seconds <= 0) {
            return;
        }
        Long stored = jdbc.sql("SELECT min_age_seconds FROM audit_facts_retention WHERE id = 1").query(Long.class)
                .optional().orElse(null);
        if (stored == null || stored < seconds) {
            jdbc.sql("UPDATE audit_facts_retention SET min_age_seconds = ? WHERE id = 1").param(seconds).update();
        } else if (stored > seconds) {
            log.warn("dunning.audit.facts-retention is {}, but the database allows erasure only after {}: facts are "
                    + "kept that long. Only a database administrator can shorten it (docs/audit.md, Retention)",
                    properties.factsRetention(), Duration.ofSeconds(stored));
        }
    }

    /**
     * Erases the facts of every decision recorded before {@code cutoff} and past the database's retention age; returns
     * how many were erased.
     */
    public int eraseRecordedBefore(Instant cutoff) {
        recordRetentionAge();
        Long last = jdbc.sql("SELECT MAX(seq) FROM audit_records WHERE recorded_at < ?")
                .param(Sql.utc(cutoff)).query(Long.class).optional().orElse(null);
        if (last == null) {
            return 0;
        }
        // Walk seq windows rather than one UPDATE over the whole range: each window is a short transaction.
        long first = jdbc.sql("SELECT COALESCE(MIN(seq), 1) FROM audit_facts WHERE facts IS NOT NULL")
                .query(Long.class).single();
        int erased = 0;
        for (long start = first; start <= last; start += BATCH) {
            long from = start;
            long to = Math.min(start + BATCH - 1, last);
            Integer n = transactions.execute(status -> eraseWindow(from, to, cutoff));
            erased += n == null ? 0 : n;
        }
        return erased;
    }

    private int eraseWindow(long from, long to, Instant cutoff) {
        // The head first, as the audit writer does: the erasure record takes the next place in the chain.
        var head = jdbc.sql("SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE")
                .query((rs, n) -> new Object[] {rs.getLong(1), rs.getString(2)}).single();
        // The age is measured on the database's clock, as its trigger measures it, so a skewed clock in the
        // service never makes the trigger refuse a window.
        List<Long> seqs = jdbc.sql("""
                SELECT f.seq FROM audit_facts f JOIN audit_records r ON r.seq = f.seq
                 WHERE f.seq BETWEEN ? AND ? AND f.facts IS NOT NULL AND r.recorded_at < ?
                   AND r.recorded_at <= UTC_TIMESTAMP(6) - INTERVAL
                       (SELECT min_age_seconds FROM audit_facts_retention WHERE id = 1) SECOND
                 ORDER BY f.seq FOR UPDATE""")
                .params(from, to, Sql.utc(cutoff)).query(Long.class).list();
        if (seqs.isEmpty()) {
            return 0;
        }
        Instant now = clock.instant();
        jdbc.sql("UPDATE audit_facts SET facts = NULL, erased_at = :now WHERE seq IN (:seqs)")
                .param("now", Sql.utc(now)).param("seqs", seqs).update();
        appendErasureRecord((long) head[0] + 1, (String) head[1], now, cutoff, seqs);
        return seqs.size();
    }

    private void appendErasureRecord(long seq, String previous, Instant now, Instant cutoff, List<Long> seqs) {
        String id = UuidCreator.getTimeOrderedEpoch().toString();
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("action", "ERASURE");
        content.put("asOf", cutoff);
        content.put("channel", "NONE");
        content.put("customerId", "");
        content.put("decisionId", id);
        content.put("entryPoint", ENTRY_POINT);
        content.put("erased", ranges(seqs));
        content.put("factsHash", Hashes.GENESIS);
        content.put("principal", PRINCIPAL);
        content.put("recordedAt", now);
        content.put("retention", properties.factsRetention().toString());
        content.put("ruleSetVersion", Hashes.GENESIS);
        String text = canonical.writeValueAsString(content);
        String hash = Hashes.link(previous, text);
        jdbc.sql("INSERT INTO audit_records (seq, decision_id, recorded_at, as_of, customer_id, principal, entry_point, "
                        + "rule_set_version, action, channel, tone, facts_hash, content, prev_hash, hash) "
                        + "VALUES (?, ?, ?, ?, '', ?, ?, ?, 'ERASURE', 'NONE', NULL, ?, ?, ?, ?)")
                .params(seq, id, Sql.utc(now), Sql.utc(cutoff), PRINCIPAL, ENTRY_POINT, Hashes.GENESIS,
                        Hashes.GENESIS, text, previous, hash)
                .update();
        AuditMinutes minutes = new AuditMinutes();
        minutes.add(seq, now);
        minutes.write(jdbc);
        jdbc.sql("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1").params(seq, hash).update();
    }

    /** Sorted numbers as inclusive ranges: [[1, 40], [45, 45]]. */
    static List<long[]> ranges(List<Long> sorted) {
        List<long[]> ranges = new ArrayList<>();
        for (long s : sorted) {
            long[] last = ranges.isEmpty() ? null : ranges.get(ranges.size() - 1);
            if (last != null && last[1] + 1 == s) {
                last[1] = s;
            } else {
                ranges.add(new long[] {s, s});
            }
        }
        return ranges;
    }
}
