package dev.dunning.effectiveness;

import dev.dunning.database.Sql;
import java.math.BigDecimal;
import java.sql.Date;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The effectiveness figures, read from the summary rows only (a few rows per day and cut, whatever the number of
 * decisions): counts, rates, recovered amounts per currency and the median days from contact to payment.
 */
@Service
public class Figures {

    /** How the figures are cut: one row per value of this dimension. */
    public enum Cut {
        NONE("NONE", "''"), RULE_SET_VERSION("NONE", "c.rule_set_version"), POLICY("POLICY", "c.value"),
        ACTION("ACTION", "c.value"), TEMPLATE("TEMPLATE", "c.value"), CHANNEL("CHANNEL", "c.value"),
        TONE("TONE", "c.value"), SEGMENT("NONE", "c.segment"), LANGUAGE("LANGUAGE", "c.value"),
        CURRENCY("NONE", "c.currency");

        /** The cells the cut reads (effect_cells.cut), and the column of its key. */
        private final String cells;
        private final String column;

        Cut(String cells, String column) {
            this.cells = cells;
            this.column = column;
        }
    }

    /** Which decisions count: made from {@code from} to {@code to} (both included, UTC days); the rest may be null. */
    public record Filter(LocalDate from, LocalDate to, String ruleSetVersion, String segment, String currency) {}

    /** A recovered amount in one currency: the sum of the payments attributed, never added across currencies. */
    public record Recovered(String currency, BigDecimal amount, long payments) {}

    /**
     * One row of figures; rates are null where their denominator is zero. {@code complaints}: sent messages that drew
     * a complaint (spam report, STOP reply, complaint to a person), whatever their outcome; complaint rate = complaints
     * / sent.
     */
    public record Row(String key, long decisions, long contacts, long sent, long delivered, long opened, long replied,
            long bounced, long failed, long paid, long complaints, Double paymentRate, Double deliveryRate,
            Double bounceRate, Double complaintRate, List<Recovered> recovered, Double medianDaysToPayment) {}

    /** Figures of a time range, cut one way, with the total of every decision in the range. */
    public record Report(LocalDate from, LocalDate to, Cut by, int windowDays, Row total, List<Row> rows,
            Freshness freshness) {}

    /** How far the summaries have got: when they last moved, and how many recorded changes still wait. */
    public record Freshness(Instant summariesUpdatedAt, long changesWaiting, long decisionsWaiting) {}

    /** A period of the timeline (a week from Monday, or a month) and its figures. */
    public record Period(LocalDate start, Row figures) {}

    /** A rule-set version that came into force, for marking the timeline. */
    public record Activation(String version, Instant at, String by) {}

    public record Timeline(LocalDate from, LocalDate to, String interval, int windowDays, List<Period> periods,
            List<Activation> activations, Freshness freshness) {}

    private final JdbcClient jdbc;
    private final EffectivenessProperties properties;

    Figures(JdbcClient jdbc, EffectivenessProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    public Report report(Filter filter, Cut by) {
        Row total = rows(filter, Cut.NONE, "''").values().stream().findFirst().orElse(empty(""));
        List<Row> rows = by == Cut.NONE ? List.of() : new ArrayList<>(rows(filter, by, by.column).values());
        return new Report(filter.from(), filter.to(), by, properties.windowDays(), total, rows, freshness());
    }

    /** The figures by week (from Monday) or month of decision, and the activations of rule-set versions between. */
    public Timeline timeline(Filter filter, boolean monthly) {
        String period = monthly ? "DATE_FORMAT(d.day, '%Y-%m-01')" : "DATE_SUB(d.day, INTERVAL WEEKDAY(d.day) DAY)";
        List<Period> periods = rows(filter, Cut.NONE, period).values().stream()
                .map(r -> new Period(LocalDate.parse(r.key()), r)).sorted(Comparator.comparing(Period::start)).toList();
        List<Activation> activations = jdbc.sql("""
                SELECT version, at, principal FROM rule_set_events
                WHERE event = 'ACTIVATED' AND at >= ? AND at < ? ORDER BY at, id""")
                .params(Sql.utc(filter.from().atStartOfDay(java.time.ZoneOffset.UTC).toInstant()),
                        Sql.utc(filter.to().plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()))
                .query((rs, n) -> new Activation(rs.getString(1), Sql.instant(rs, "at"), rs.getString(3))).list();
        return new Timeline(filter.from(), filter.to(), monthly ? "month" : "week", properties.windowDays(), periods,
                activations, freshness());
    }

    public Freshness freshness() {
        return jdbc.sql("""
                SELECT p.updated_at, (SELECT COUNT(*) FROM effect_changes) AS changes,
                    (SELECT COALESCE(MAX(seq), 0) FROM audit_records) - p.audit_seq AS decisions
                FROM effect_progress p WHERE p.id = 1""")
                .query((rs, n) -> new Freshness(Sql.instant(rs, "updated_at"), rs.getLong("changes"),
                        Math.max(0, rs.getLong("decisions"))))
                .single();
    }

    private Map<String, Row> rows(Filter filter, Cut cut, String key) {
        StringBuilder where = new StringBuilder(" WHERE d.day BETWEEN ? AND ? AND c.cut = ?");
        List<Object> params = new ArrayList<>(List.of(Date.valueOf(filter.from()), Date.valueOf(filter.to()),
                cut.cells));
        if (filter.ruleSetVersion() != null) {
            where.append(" AND c.rule_set_version = ?");
            params.add(filter.ruleSetVersion());
        }
        if (filter.segment() != null) {
            where.append(" AND c.segment = ?");
            params.add(filter.segment());
        }
        if (filter.currency() != null) {
            where.append(" AND c.currency = ?");
            params.add(filter.currency());
        }
        String from = " JOIN effect_cells c ON c.id = d.cell" + where;
        Map<String, long[]> counts = new LinkedHashMap<>();
        StringBuilder sums = new StringBuilder();
        for (String column : DecisionState.COLUMNS) {
            sums.append(", SUM(d.").append(column).append(')');
        }
        jdbc.sql("SELECT " + key + " AS k" + sums + " FROM effect_daily d" + from + " GROUP BY k ORDER BY k")
                .params(params).query(rs -> {
                    long[] c = new long[DecisionState.COLUMNS.length];
                    for (int i = 0; i < c.length; i++) {
                        c[i] = rs.getLong(i + 2);
                    }
                    counts.put(rs.getString(1), c);
                });
        Map<String, List<Recovered>> recovered = new HashMap<>();
        jdbc.sql("SELECT " + key + " AS k, d.currency, SUM(d.amount) AS amount, SUM(d.payments) "
                        + "FROM effect_daily_amounts d"
                        + from + " GROUP BY k, d.currency ORDER BY k, d.currency")
                .params(params).query(rs -> {
                    if (rs.getLong(4) != 0 || rs.getBigDecimal(3).signum() != 0) {
                        String currency = rs.getString(2);
                        recovered.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Recovered(currency,
                                Sql.money(rs, "amount", currency), rs.getLong(4)));
                    }
                });
        Map<String, TreeMap<Integer, Long>> days = new HashMap<>();
        jdbc.sql("SELECT " + key + " AS k, d.days, SUM(d.decisions) FROM effect_daily_days d" + from
                        + " GROUP BY k, d.days")
                .params(params).query(rs -> {
                    days.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).merge(rs.getInt(2), rs.getLong(3),
                            Long::sum);
                });
        Map<String, Row> rows = new LinkedHashMap<>();
        counts.forEach((k, c) -> rows.put(k, row(k, c, recovered.getOrDefault(k, List.of()), median(days.get(k)))));
        return rows;
    }

    private static Row empty(String key) {
        return row(key, new long[DecisionState.COLUMNS.length], List.of(), null);
    }

    private static Row row(String key, long[] c, List<Recovered> recovered, Double median) {
        return new Row(key, c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8], c[9], rate(c[8], c[0]),
                rate(c[3], c[2]), rate(c[6], c[2]), rate(c[9], c[2]), recovered, median);
    }

    static Double rate(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }

    /** The median of a histogram of whole days: the middle value, or the mean of the two middle values. */
    static Double median(TreeMap<Integer, Long> histogram) {
        if (histogram == null) {
            return null;
        }
        long n = histogram.values().stream().mapToLong(Long::longValue).filter(v -> v > 0).sum();
        if (n == 0) {
            return null;
        }
        long lower = (n - 1) / 2;
        long upper = n / 2;
        Integer lowerValue = null;
        Integer upperValue = null;
        long seen = 0;
        for (var e : histogram.entrySet()) {
            if (e.getValue() <= 0) {
                continue;
            }
            long next = seen + e.getValue();
            if (lowerValue == null && lower < next) {
                lowerValue = e.getKey();
            }
            if (upperValue == null && upper < next) {
                upperValue = e.getKey();
                break;
            }
            seen = next;
        }
        return (lowerValue + upperValue) / 2.0;
    }
}
