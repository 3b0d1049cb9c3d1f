package dev.dunning.effectiveness;

import dev.dunning.database.Sql;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Whether messages arrive: delivery and bounce rates per channel and per template, and the customers whose messages
 * bounced repeatedly in the time range.
 */
@Service
public class Deliverability {

    /** A customer with at least two bounced messages in the range, and when the last one was decided. */
    public record RepeatedBouncer(String customerId, long bounces, Instant lastBouncedDecisionAt) {}

    public record Report(LocalDate from, LocalDate to, List<Figures.Row> byChannel, List<Figures.Row> byTemplate,
            List<RepeatedBouncer> repeatedBouncers) {}

    static final int BOUNCERS_LISTED = 500;

    private final Figures figures;
    private final JdbcClient jdbc;

    Deliverability(Figures figures, JdbcClient jdbc) {
        this.figures = figures;
        this.jdbc = jdbc;
    }

    public Report report(Figures.Filter filter) {
        List<Figures.Row> byChannel = figures.report(filter, Figures.Cut.CHANNEL).rows();
        List<Figures.Row> byTemplate = figures.report(filter, Figures.Cut.TEMPLATE).rows();
        List<RepeatedBouncer> bouncers = jdbc.sql("""
                SELECT customer_id, COUNT(*) AS bounces, MAX(decided_at) AS last_at FROM effect_decisions
                WHERE outcome = 'BOUNCED' AND decided_at >= ? AND decided_at < ?
                GROUP BY customer_id HAVING COUNT(*) >= 2 ORDER BY bounces DESC, customer_id LIMIT ?""")
                .params(Sql.utc(filter.from().atStartOfDay(ZoneOffset.UTC).toInstant()),
                        Sql.utc(filter.to().plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant()), BOUNCERS_LISTED)
                .query((rs, n) -> new RepeatedBouncer(rs.getString(1), rs.getLong(2), Sql.instant(rs, "last_at")))
                .list();
        return new Report(filter.from(), filter.to(), byChannel, byTemplate, bouncers);
    }
}
