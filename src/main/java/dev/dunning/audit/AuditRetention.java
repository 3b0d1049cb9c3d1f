package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.time.Clock;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Erases the personal facts of decisions older than the retention period. Only {@code audit_facts.facts} is erased
 * (the database's trigger allows nothing else): the chained record keeps the decision, its trace and the hash of the
 * erased snapshot, so the chain still verifies and still proves what the snapshot was until it was erased.
 */
@Service
public class AuditRetention {

    private static final Logger log = LoggerFactory.getLogger(AuditRetention.class);
    /** Records per transaction, so that erasing a year of decisions never holds locks for long. */
    private static final int BATCH = 5_000;

    private final JdbcClient jdbc;
    private final TransactionTemplate transactions;
    private final AuditProperties properties;
    private final Clock clock;

    public AuditRetention(JdbcClient jdbc, TransactionTemplate transactions, AuditProperties properties, Clock clock) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
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

    /** Erases the facts of every decision recorded before {@code cutoff}; returns how many were erased. */
    public int eraseRecordedBefore(Instant cutoff) {
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
            Integer n = transactions.execute(status -> jdbc.sql("""
                    UPDATE audit_facts f JOIN audit_records r ON r.seq = f.seq
                       SET f.facts = NULL, f.erased_at = ?
                     WHERE f.seq BETWEEN ? AND ? AND f.facts IS NOT NULL AND r.recorded_at < ?""")
                    .params(Sql.utc(clock.instant()), from, to, Sql.utc(cutoff)).update());
            erased += n == null ? 0 : n;
        }
        return erased;
    }
}
