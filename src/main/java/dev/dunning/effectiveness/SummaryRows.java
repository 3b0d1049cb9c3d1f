package dev.dunning.effectiveness;

import java.math.BigDecimal;
import java.sql.Date;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The summary rows of one transaction: cells (combinations of the cuts) by id, and the changes to the daily counters,
 * amounts and day histograms, added up in memory and written once per transaction as increments.
 */
final class SummaryRows {

    /** A cut and its value under the three filters; '' stands for "none" (no tone, no template, unknown segment). */
    record Cell(String cut, String version, String segment, String currency, String value) {

        Cell {
            segment = blank(segment);
            currency = blank(currency);
            value = blank(value);
        }

        private static String blank(String value) {
            return value == null ? "" : value;
        }
    }

    private record DayCell(LocalDate day, int cell) {}

    private record DayCellDays(LocalDate day, int cell, int days) {}

    private record DayCellCurrency(LocalDate day, int cell, String currency) {}

    private static final class Amount {
        BigDecimal amount = BigDecimal.ZERO;
        int payments;
    }

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final Map<Cell, Integer> known;
    private final Map<Cell, Integer> learnt = new HashMap<>();
    private final Map<DayCell, long[]> counters = new LinkedHashMap<>();
    private final Map<DayCellDays, Integer> days = new LinkedHashMap<>();
    private final Map<DayCellCurrency, Amount> amounts = new LinkedHashMap<>();

    /** {@code known}: cell ids of committed transactions (ids learnt here join them only once this one commits). */
    SummaryRows(JdbcClient jdbc, JdbcTemplate jdbcTemplate, Map<Cell, Integer> known) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.known = known;
    }

    int cellId(Cell cell) {
        Integer id = known.get(cell);
        if (id == null) {
            id = learnt.get(cell);
        }
        if (id == null) {
            jdbc.sql("INSERT IGNORE INTO effect_cells (cut, rule_set_version, segment, currency, value) "
                            + "VALUES (?, ?, ?, ?, ?)")
                    .params(cell.cut(), cell.version(), cell.segment(), cell.currency(), cell.value()).update();
            id = jdbc.sql("SELECT id FROM effect_cells WHERE cut = ? AND rule_set_version = ? AND segment = ? "
                            + "AND currency = ? AND value = ?")
                    .params(cell.cut(), cell.version(), cell.segment(), cell.currency(), cell.value())
                    .query(Integer.class).single();
            learnt.put(cell, id);
        }
        return id;
    }

    /** Ids learnt in this transaction, to be kept once it has committed. */
    Map<Cell, Integer> learnt() {
        return learnt;
    }

    /** Moves a decision's contribution to each of its cells from {@code before} to {@code after}. */
    void change(LocalDate day, List<Integer> cells, DecisionState before, DecisionState after) {
        long[] old = before.counters();
        long[] now = after.counters();
        for (int cell : cells) {
            long[] sum = counters.computeIfAbsent(new DayCell(day, cell), k -> new long[DecisionState.COLUMNS.length]);
            for (int i = 0; i < sum.length; i++) {
                sum[i] += now[i] - old[i];
            }
            if (before.paidDays() != null && before.counted()) {
                days.merge(new DayCellDays(day, cell, before.paidDays()), -1, Integer::sum);
            }
            if (after.paidDays() != null && after.counted()) {
                days.merge(new DayCellDays(day, cell, after.paidDays()), 1, Integer::sum);
            }
        }
    }

    /** Adds (sign 1) or takes away (sign -1) one payment's amount in each of the decision's cells. */
    void payment(LocalDate day, List<Integer> cells, String currency, BigDecimal amount, int sign) {
        for (int cell : cells) {
            Amount a = amounts.computeIfAbsent(new DayCellCurrency(day, cell, currency), k -> new Amount());
            a.amount = sign > 0 ? a.amount.add(amount) : a.amount.subtract(amount);
            a.payments += sign;
        }
    }

    void write() {
        List<Object[]> rows = new ArrayList<>();
        counters.forEach((k, c) -> {
            if (nonZero(c)) {
                Object[] row = new Object[2 + c.length];
                row[0] = Date.valueOf(k.day());
                row[1] = k.cell();
                for (int i = 0; i < c.length; i++) {
                    row[2 + i] = c[i];
                }
                rows.add(row);
            }
        });
        if (!rows.isEmpty()) {
            StringBuilder update = new StringBuilder();
            for (String column : DecisionState.COLUMNS) {
                update.append(update.isEmpty() ? "" : ", ").append(column).append(" = ").append(column)
                        .append(" + VALUES(").append(column).append(')');
            }
            jdbcTemplate.batchUpdate("INSERT INTO effect_daily (day, cell, " + String.join(", ", DecisionState.COLUMNS)
                    + ") VALUES (?, ?" + ", ?".repeat(DecisionState.COLUMNS.length) + ") ON DUPLICATE KEY UPDATE "
                    + update, rows);
        }
        List<Object[]> dayRows = new ArrayList<>();
        days.forEach((k, n) -> {
            if (n != 0) {
                dayRows.add(new Object[] {Date.valueOf(k.day()), k.cell(), k.days(), n});
            }
        });
        if (!dayRows.isEmpty()) {
            jdbcTemplate.batchUpdate("INSERT INTO effect_daily_days (day, cell, days, decisions) VALUES (?, ?, ?, ?) "
                    + "ON DUPLICATE KEY UPDATE decisions = decisions + VALUES(decisions)", dayRows);
        }
        List<Object[]> amountRows = new ArrayList<>();
        amounts.forEach((k, a) -> {
            if (a.payments != 0 || a.amount.signum() != 0) {
                amountRows.add(new Object[] {Date.valueOf(k.day()), k.cell(), k.currency(), a.amount, a.payments});
            }
        });
        if (!amountRows.isEmpty()) {
            jdbcTemplate.batchUpdate("INSERT INTO effect_daily_amounts (day, cell, currency, amount, payments) "
                    + "VALUES (?, ?, ?, ?, ?) ON DUPLICATE KEY UPDATE amount = amount + VALUES(amount), "
                    + "payments = payments + VALUES(payments)", amountRows);
        }
    }

    private static boolean nonZero(long[] values) {
        for (long v : values) {
            if (v != 0) {
                return true;
            }
        }
        return false;
    }
}
