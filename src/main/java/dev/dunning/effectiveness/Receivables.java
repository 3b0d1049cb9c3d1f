package dev.dunning.effectiveness;

import dev.dunning.database.Sql;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Receivables per currency as of a day: the open amount in ageing buckets, days sales outstanding by the countback
 * method, and the amount at risk. Read from the rows the invoice triggers keep (one per currency and due date, one per
 * currency and issue date), not from the invoices.
 */
@Service
public class Receivables {

    /** Periods DSO counts back through at most (30 days each): past two years the answer is "over 720 days". */
    static final int MAX_PERIODS = 24;
    static final int PERIOD_DAYS = 30;

    /** Open amount and invoices of one ageing bucket. */
    public record Bucket(String name, BigDecimal amount, long invoices) {}

    /**
     * One currency: buckets (not due, 1-30, 31-60, 61-90, over 90 days past due), the total open amount, the amount
     * at risk (over 90 days), and DSO by countback (null when nothing was invoiced in the last two years; then
     * {@code dsoOver} says it exceeds what was counted).
     */
    public record Currency(String currency, List<Bucket> buckets, BigDecimal open, BigDecimal atRisk, Double dso,
            boolean dsoOver) {}

    public record Report(LocalDate asOf, List<Currency> currencies) {}

    private final JdbcClient jdbc;

    Receivables(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Report report(LocalDate asOf, String currencyFilter) {
        Map<String, BigDecimal[]> amounts = new TreeMap<>();
        Map<String, long[]> counts = new TreeMap<>();
        jdbc.sql("""
                SELECT currency, CASE WHEN due_date >= :asOf THEN 0
                    WHEN due_date >= :asOf - INTERVAL 30 DAY THEN 1
                    WHEN due_date >= :asOf - INTERVAL 60 DAY THEN 2
                    WHEN due_date >= :asOf - INTERVAL 90 DAY THEN 3 ELSE 4 END AS bucket,
                    SUM(open_amount) AS amount, SUM(invoices) AS invoices
                FROM effect_receivables WHERE (:currency IS NULL OR currency = :currency)
                GROUP BY currency, bucket""")
                .param("asOf", Date.valueOf(asOf)).param("currency", currencyFilter)
                .query(rs -> {
                    String currency = rs.getString("currency");
                    int bucket = rs.getInt("bucket");
                    amounts.computeIfAbsent(currency, k -> zeros())[bucket] = Sql.money(rs, "amount", currency);
                    counts.computeIfAbsent(currency, k -> new long[5])[bucket] = rs.getLong("invoices");
                });
        Map<String, TreeMap<Integer, BigDecimal>> sales = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT currency, FLOOR(DATEDIFF(:asOf, issue_date) / :days) AS period, SUM(amount) AS amount
                FROM effect_sales WHERE issue_date <= :asOf AND issue_date > :asOf - INTERVAL :span DAY
                    AND (:currency IS NULL OR currency = :currency)
                GROUP BY currency, period""")
                .param("asOf", Date.valueOf(asOf)).param("days", PERIOD_DAYS).param("span", PERIOD_DAYS * MAX_PERIODS)
                .param("currency", currencyFilter)
                .query(rs -> {
                    sales.computeIfAbsent(rs.getString("currency"), k -> new TreeMap<>()).put(rs.getInt("period"),
                            rs.getBigDecimal("amount"));
                });
        String[] names = {"not due", "1-30", "31-60", "61-90", "over 90"};
        List<Currency> currencies = new ArrayList<>();
        for (String currency : new TreeSet<>(amounts.keySet())) {
            BigDecimal[] a = amounts.get(currency);
            long[] c = counts.get(currency);
            List<Bucket> buckets = new ArrayList<>();
            BigDecimal open = BigDecimal.ZERO;
            for (int i = 0; i < 5; i++) {
                buckets.add(new Bucket(names[i], a[i], c[i]));
                open = open.add(a[i]);
            }
            Double dso = countback(open, sales.getOrDefault(currency, new TreeMap<>()));
            currencies.add(new Currency(currency, buckets, open, a[4], dso, dso == null && open.signum() > 0));
        }
        return new Report(asOf, currencies);
    }

    /**
     * Days sales outstanding by countback: walk back from the as-of day in periods of 30 days; while the open amount
     * left is larger than a period's sales, take those sales off and count the period's 30 days; for the period where
     * it is not, count the share of its days that the amount left is of its sales. Null when two years of sales do
     * not cover the open amount.
     */
    static Double countback(BigDecimal open, TreeMap<Integer, BigDecimal> salesByPeriod) {
        BigDecimal left = open;
        double days = 0;
        if (left.signum() <= 0) {
            return 0.0;
        }
        for (int period = 0; period < MAX_PERIODS; period++) {
            BigDecimal sales = salesByPeriod.getOrDefault(period, BigDecimal.ZERO);
            if (sales.signum() > 0 && left.compareTo(sales) <= 0) {
                days += PERIOD_DAYS * left.divide(sales, 10, RoundingMode.HALF_UP).doubleValue();
                return Math.round(days * 10) / 10.0;
            }
            left = left.subtract(sales.max(BigDecimal.ZERO));
            days += PERIOD_DAYS;
        }
        return null;
    }

    private static BigDecimal[] zeros() {
        BigDecimal[] a = new BigDecimal[5];
        java.util.Arrays.fill(a, BigDecimal.ZERO);
        return a;
    }
}
