package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The first and last seq recorded in each minute of recording time (table audit_minutes), so that a time range is
 * turned into a seq range by reading one row per minute rather than one index entry per record. Every insert into
 * audit_records adds its records here in the same transaction; a minute's bounds only ever widen.
 */
final class AuditMinutes {

    private static final String UPSERT = "INSERT INTO audit_minutes (minute, min_seq, max_seq) VALUES (?, ?, ?) "
            + "ON DUPLICATE KEY UPDATE min_seq = LEAST(min_seq, VALUES(min_seq)), "
            + "max_seq = GREATEST(max_seq, VALUES(max_seq))";

    // Sorted, so that writers always lock the minutes' rows in the same order.
    private final Map<Instant, long[]> bounds = new TreeMap<>();

    void add(long seq, Instant recordedAt) {
        long[] b = bounds.computeIfAbsent(minute(recordedAt), m -> new long[] {seq, seq});
        b[0] = Math.min(b[0], seq);
        b[1] = Math.max(b[1], seq);
    }

    /** One batched upsert for the records added: one row per minute they were recorded in. */
    void write(JdbcTemplate jdbc) {
        if (bounds.isEmpty()) {
            return;
        }
        List<Object[]> rows = new ArrayList<>(bounds.size());
        bounds.forEach((minute, b) -> rows.add(new Object[] {Sql.utc(minute), b[0], b[1]}));
        jdbc.batchUpdate(UPSERT, rows);
    }

    /** The same upsert one statement per minute, for a writer of a single record (an erasure record). */
    void write(JdbcClient jdbc) {
        bounds.forEach((minute, b) -> jdbc.sql(UPSERT).params(Sql.utc(minute), b[0], b[1]).update());
    }

    /** The minute a recording time falls in, as audit_minutes keys it (recorded_at truncated to the minute). */
    static Instant minute(Instant recordedAt) {
        return recordedAt.truncatedTo(ChronoUnit.MINUTES);
    }
}
