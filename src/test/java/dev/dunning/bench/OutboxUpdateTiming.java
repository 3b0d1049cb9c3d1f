package dev.dunning.bench;

import dev.dunning.database.TestDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;

/**
 * Why the outbox's two 50-row updates of a dispatcher's batch (the claim's {@code SET status = 'SENDING'} and the
 * record's {@code SET status = 'SENT'}) waited 140-210 ms in the e-mail benchmark's profile (docs/benchmarks.md
 * section 5): plain JDBC against a fresh embedded MariaDB with the service's schema (durable commits), no application.
 *
 * <ol>
 * <li>the server's settings that decide locking (isolation, AUTO-INC lock mode) and EXPLAIN of each statement (the
 * claim's read-back as it was, by claim_token, and as it is, by id, timed too; the record's statements as they are and
 * by primary key alone);
 * <li>locks: one connection does a batch's record (lock the entries, mark them sent) and keeps its transaction open
 * for {@value #HOLD_MS} ms, as while its durable commit is waiting; another connection meanwhile claims the next due
 * entries, or records another batch. How long the second one's UPDATE takes says whether it waited for the first;
 * the lock it waited on is printed from information_schema;
 * <li>the trigger {@code effect_outbox_changed} (a row into effect_changes per entry sent): the claim's and the record's
 * 50-row UPDATE with the trigger as V25 wrote it (INSERT ... SELECT ... FROM DUAL WHERE), as V44 writes it (IF ...
 * THEN INSERT ... VALUES), and with none; the record's alone and with two connections at the same moment.
 * </ol>
 *
 * <p>Run: {@code java -cp target/test-classes:target/classes:<dependencies> dev.dunning.bench.OutboxUpdateTiming
 * [repetitions]} (or {@code ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.OutboxUpdateTiming
 * -Dbench.args=20}). Not a timed test: figures go to docs/benchmarks.md with this command.
 */
public final class OutboxUpdateTiming {

    static final int BATCH = 50;
    static final int HOLD_MS = 400;
    static final int HISTORY = 4000;
    static final int PENDING = 1000;

    private final TestDatabase.Connection db;
    private int seq;

    private OutboxUpdateTiming(TestDatabase.Connection db) {
        this.db = db;
    }

    public static void main(String[] args) throws Exception {
        int repetitions = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        BenchFixtures.quietLogging();
        TestDatabase.Connection db = TestDatabase.freshDatabase("bench_outbox_updates");
        Flyway.configure().dataSource(db.url(), db.user(), db.password()).load().migrate();
        OutboxUpdateTiming t = new OutboxUpdateTiming(db);
        try {
            t.run(repetitions);
        } catch (Throwable e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0); // the embedded server's shutdown hook ends it
    }

    /**
     * The record's statements as Outbox sends them (copied here: Outbox keeps them private), and by primary key alone
     * (the state checked afterwards, the token by a CASE): tried, and not kept, as it made no difference.
     */
    enum Form {
        AS_IS, PK_ONLY
    }

    private void run(int repetitions) throws Exception {
        try (Connection c = connect()) {
            print(c, "SELECT VERSION(), @@tx_isolation, @@innodb_autoinc_lock_mode, @@innodb_flush_log_at_trx_commit, "
                    + "@@log_bin");
            seed(c);
            print(c, "SELECT status, COUNT(*) FROM outbox GROUP BY status");
            System.out.println("\n== EXPLAIN (a batch of " + BATCH + " of " + HISTORY + " sent, " + PENDING
                    + " pending and 2 x " + BATCH + " claimed entries)");
            List<String> a = claimed(c, "A");
            claimed(c, "C");
            String token = token(c, a.get(0));
            explain(c, "claim: UPDATE ... SET status = 'SENDING' WHERE decision_id IN (...)",
                    claimSql(a.size()), claimParams(a, "A"));
            explain(c, "BEFORE claim's read-back", "SELECT * FROM outbox WHERE claim_token = ? ORDER BY decision_id",
                    token);
            explain(c, "AFTER claim's read-back", "SELECT * FROM outbox WHERE decision_id IN (" + marks(a.size())
                    + ") ORDER BY decision_id", a.toArray());
            System.out.printf(Locale.ROOT, "claim's read-back, ms (median of %d): by claim_token %.2f, by id %.2f%n",
                    repetitions, timeQuery(c, repetitions, "SELECT * FROM outbox WHERE claim_token = ? ORDER BY "
                            + "decision_id", token),
                    timeQuery(c, repetitions, "SELECT * FROM outbox WHERE decision_id IN (" + marks(a.size())
                            + ") ORDER BY decision_id", a.toArray()));
            for (Form form : Form.values()) {
                explain(c, form + " lockStillClaimed", lockSql(form, a.size()), lockParams(form, a));
                explain(c, form + " markAllSent", markSql(form, a.size()), markParams(form, a, token));
            }
        }

        System.out.println("\n== Locks: a batch's record holds its transaction " + HOLD_MS + " ms; meanwhile another "
                + "connection (ms for its UPDATE, median of " + repetitions + ")");
        for (Form form : Form.values()) {
            List<Double> claims = new ArrayList<>();
            List<Double> records = new ArrayList<>();
            List<Double> claimsAlone = new ArrayList<>();
            List<Double> recordsAlone = new ArrayList<>();
            for (int i = 0; i < repetitions; i++) {
                claims.add(whileRecording(form, true, true, i == 0));
                records.add(whileRecording(form, false, true, i == 0));
                claimsAlone.add(whileRecording(form, true, false, false));
                recordsAlone.add(whileRecording(form, false, false, false));
            }
            System.out.printf(Locale.ROOT, "%-6s claims the next due entries: %7.1f ms (%7.1f with no record open); "
                    + "records its own batch: %7.1f ms (%7.1f)%n", form, median(claims), median(claimsAlone),
                    median(records), median(recordsAlone));
        }

        System.out.println("\n== The trigger effect_outbox_changed: markAllSent (" + BATCH + " rows, as now) and its "
                + "commit, ms (median of " + repetitions + ")");
        // V25's form, which V44 replaced by the second.
        String v25 = "CREATE TRIGGER effect_outbox_changed AFTER UPDATE ON outbox FOR EACH ROW "
                + "INSERT INTO effect_changes (decision_id) SELECT NEW.decision_id FROM DUAL "
                + "WHERE NEW.status <> OLD.status AND NEW.status IN ('SENT', 'DEAD')";
        String values = "CREATE TRIGGER effect_outbox_changed AFTER UPDATE ON outbox FOR EACH ROW "
                + "IF NEW.status <> OLD.status AND NEW.status IN ('SENT', 'DEAD') THEN "
                + "INSERT INTO effect_changes (decision_id) VALUES (NEW.decision_id); END IF";
        for (String[] trigger : List.of(new String[] {"V25 (INSERT ... SELECT)", v25},
                new String[] {"INSERT ... VALUES", values}, new String[] {"none", null})) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                s.execute("DROP TRIGGER IF EXISTS effect_outbox_changed");
                if (trigger[1] != null) {
                    s.execute(trigger[1]);
                }
            }
            List<double[]> alone = new ArrayList<>();
            List<double[]> together = new ArrayList<>();
            List<Double> claims = new ArrayList<>();
            for (int i = 0; i < repetitions; i++) {
                alone.add(markTimed(1).get(0));
                together.addAll(markTimed(2));
                claims.add(whileRecording(Form.AS_IS, true, false, false));
            }
            System.out.printf(Locale.ROOT, "%-24s claim's update %6.1f; markAllSent alone: update %6.1f, commit "
                    + "%6.1f; two at once: update %6.1f, commit %6.1f%n", trigger[0], median(claims), median(alone, 0),
                    median(alone, 1), median(together, 0), median(together, 1));
        }
    }

    /**
     * One connection records a claimed batch and keeps its transaction open {@value #HOLD_MS} ms; the other claims the
     * next due entries ({@code claim}) or records another claimed batch. Returns the other's UPDATE time in ms.
     */
    private double whileRecording(Form form, boolean claim, boolean recording, boolean showWaits) throws Exception {
        List<String> first;
        List<String> second;
        String firstToken;
        String secondToken;
        try (Connection c = connect()) {
            first = claimed(c, "A");
            second = claim ? null : claimed(c, "B");
            firstToken = token(c, first.get(0));
            secondToken = claim ? null : token(c, second.get(0));
        }
        try (Connection recorder = connect(); Connection other = connect(); Connection watcher = connect()) {
            // Records read committed since this change; repeatable read (the server's default) before.
            recorder.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            other.setTransactionIsolation(claim ? Connection.TRANSACTION_READ_COMMITTED
                    : Connection.TRANSACTION_REPEATABLE_READ);
            recorder.setAutoCommit(false);
            other.setAutoCommit(false);
            if (recording) {
                record(recorder, form, first, firstToken);
            }
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> {
                try {
                    TimeUnit.MILLISECONDS.sleep(HOLD_MS);
                    if (showWaits) {
                        print(watcher, "SELECT r.requesting_trx_id, l.lock_mode, l.lock_type, l.lock_index, "
                                + "l.lock_data FROM information_schema.INNODB_LOCK_WAITS r JOIN "
                                + "information_schema.INNODB_LOCKS l ON l.lock_id = r.blocking_lock_id");
                    }
                    recorder.commit();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            TimeUnit.MILLISECONDS.sleep(20);
            long start = System.nanoTime();
            if (claim) {
                List<String> due = new ArrayList<>();
                try (PreparedStatement p = other.prepareStatement("SELECT decision_id FROM outbox WHERE status = "
                        + "'PENDING' AND due_at <= ? ORDER BY due_at, decision_id LIMIT ? FOR UPDATE SKIP LOCKED")) {
                    p.setObject(1, LocalDateTime.now().plusYears(1));
                    p.setInt(2, BATCH);
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            due.add(rs.getString(1));
                        }
                    }
                }
                start = System.nanoTime();
                update(other, claimSql(due.size()), claimParams(due, "X"));
            } else {
                record(other, form, second, secondToken);
            }
            double ms = (System.nanoTime() - start) / 1e6;
            other.commit();
            commit.get(30, TimeUnit.SECONDS);
            // What this trial claimed goes out of the way; C's batch stays claimed (another dispatcher's, in flight).
            update(watcher, "UPDATE outbox SET status = 'SENT', claim_token = NULL WHERE status = 'SENDING' "
                    + "AND claimed_by <> 'C'");
            if (claim) {
                insertEntries(watcher, HISTORY, BATCH, "PENDING");
            }
            return ms;
        }
    }

    private void record(Connection c, Form form, List<String> ids, String token) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(lockSql(form, ids.size()))) {
            bind(p, lockParams(form, ids));
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    rs.getString(1);
                }
            }
        }
        int n = update(c, markSql(form, ids.size()), markParams(form, ids, token));
        if (n != ids.size()) {
            throw new IllegalStateException("marked " + n + " of " + ids.size());
        }
    }

    /** Marks {@code connections} claimed batches sent at the same moment; per connection {update ms, commit ms}. */
    private List<double[]> markTimed(int connections) throws Exception {
        List<List<String>> batches = new ArrayList<>();
        List<String> tokens = new ArrayList<>();
        try (Connection c = connect()) {
            for (int i = 0; i < connections; i++) {
                List<String> ids = claimed(c, "T" + i);
                batches.add(ids);
                tokens.add(token(c, ids.get(0)));
            }
        }
        List<CompletableFuture<double[]>> running = new ArrayList<>();
        for (int i = 0; i < connections; i++) {
            int n = i;
            running.add(CompletableFuture.supplyAsync(() -> {
                try (Connection c = connect()) {
                    c.setAutoCommit(false);
                    long t0 = System.nanoTime();
                    update(c, markSql(Form.PK_ONLY, BATCH), markParams(Form.PK_ONLY, batches.get(n), tokens.get(n)));
                    long t1 = System.nanoTime();
                    c.commit();
                    return new double[] {(t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6};
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<double[]> times = new ArrayList<>();
        for (CompletableFuture<double[]> f : running) {
            times.add(f.get(60, TimeUnit.SECONDS));
        }
        return times;
    }

    // --- the statements --------------------------------------------------------------------------------------------

    static String claimSql(int n) {
        return "UPDATE outbox SET status = 'SENDING', claim_token = ?, claimed_by = ?, due_at = ?, updated_at = ? "
                + "WHERE decision_id IN (" + marks(n) + ")";
    }

    static Object[] claimParams(List<String> ids, String by) {
        List<Object> p = new ArrayList<>(List.of(UUID.randomUUID().toString(), by,
                LocalDateTime.now().plusMinutes(5), LocalDateTime.now()));
        p.addAll(ids);
        return p.toArray();
    }

    static String lockSql(Form form, int n) {
        return form == Form.AS_IS
                ? "SELECT decision_id, claim_token FROM outbox WHERE decision_id IN (" + marks(n) + ") AND status = "
                        + "'SENDING' ORDER BY decision_id FOR UPDATE"
                : "SELECT decision_id, status, claim_token FROM outbox WHERE decision_id IN (" + marks(n) + ") "
                        + "ORDER BY decision_id FOR UPDATE";
    }

    static Object[] lockParams(Form form, List<String> ids) {
        return ids.toArray();
    }

    static String markSql(Form form, int n) {
        String cases = " WHEN ? THEN ?".repeat(n);
        if (form == Form.PK_ONLY) {
            return "UPDATE outbox SET status = 'SENT', sent_at = ?, attempts = attempts + 1, recipient = CASE "
                    + "decision_id" + cases + " END, last_error = NULL, contact_id = CASE decision_id" + cases
                    + " END, claim_token = NULL, updated_at = ? WHERE decision_id IN (" + marks(n) + ") AND status = "
                    + "'SENDING' AND claim_token = CASE decision_id" + cases + " END";
        }
        String where = String.join(" OR ", Collections.nCopies(n, "(decision_id = ? AND claim_token = ?)"));
        return "UPDATE outbox SET status = 'SENT', sent_at = ?, attempts = attempts + 1, recipient = CASE decision_id"
                + cases + " END, last_error = NULL, contact_id = CASE decision_id" + cases + " END, claim_token = NULL, "
                + "updated_at = ? WHERE status = 'SENDING' AND (" + where + ")";
    }

    static Object[] markParams(Form form, List<String> ids, String token) {
        List<Object> recipients = new ArrayList<>();
        List<Object> contacts = new ArrayList<>();
        List<Object> where = new ArrayList<>();
        List<Object> tokens = new ArrayList<>();
        long contact = 1;
        for (String id : ids) {
            recipients.add(id);
            recipients.add(id + "@customer.example");
            contacts.add(id);
            contacts.add(contact++);
            where.add(id);
            where.add(token);
            tokens.add(id);
            tokens.add(token);
        }
        List<Object> p = new ArrayList<>();
        LocalDateTime now = LocalDateTime.now();
        p.add(now);
        p.addAll(recipients);
        p.addAll(contacts);
        p.add(now);
        if (form == Form.AS_IS) {
            p.addAll(where);
        } else {
            p.addAll(ids);
            p.addAll(tokens);
        }
        return p.toArray();
    }

    // --- data ------------------------------------------------------------------------------------------------------

    private void seed(Connection c) throws SQLException {
        int customers = HISTORY + PENDING;
        for (int from = 0; from < customers; from += 500) {
            StringBuilder sql = new StringBuilder("INSERT INTO customers (id, segment, country, language, time_zone, "
                    + "risk_score, tenure_months, consent_email, consent_sms, consent_phone, consent_letter, "
                    + "do_not_contact, vulnerable, third_party_collection, created_at, updated_at) VALUES ");
            for (int i = from; i < Math.min(customers, from + 500); i++) {
                sql.append(i == from ? "" : ", ").append("('OT-").append(i)
                        .append("', 'CONSUMER', 'US', 'en', 'UTC', 10, 12, 1, 1, 1, 1, 0, 0, 0, NOW(6), NOW(6))");
            }
            try (Statement s = c.createStatement()) {
                s.execute(sql.toString());
            }
        }
        insertEntries(c, 0, HISTORY, "SENT");
        insertEntries(c, HISTORY, PENDING, "PENDING");
    }

    private void insertEntries(Connection c, int firstCustomer, int count, String status) throws SQLException {
        for (int from = 0; from < count; from += 500) {
            StringBuilder sql = new StringBuilder("INSERT INTO outbox (decision_id, customer_id, action, channel, "
                    + "route, tone, stage, template, decision, status, not_before, due_at, created_at, updated_at) "
                    + "VALUES ");
            for (int i = from; i < Math.min(count, from + 500); i++) {
                sql.append(i == from ? "" : ", ").append("('").append(decisionId()).append("', 'OT-")
                        .append(firstCustomer + i).append("', 'REMINDER', 'EMAIL', 'EMAIL', 'FRIENDLY', 1, ")
                        .append("'reminder-friendly', '{\"invoiceIds\":[]}', '").append(status)
                        .append("', NOW(6) - INTERVAL 1 HOUR, NOW(6) - INTERVAL 1 HOUR + INTERVAL ").append(i)
                        .append(" MICROSECOND, NOW(6), NOW(6))");
            }
            try (Statement s = c.createStatement()) {
                s.execute(sql.toString());
            }
        }
    }

    /** Time-ordered, as the service's decision ids are. */
    private String decisionId() {
        return String.format(Locale.ROOT, "%08x-0000-7000-8000-%012x", System.currentTimeMillis() / 1000, ++seq);
    }

    /**
     * Claims the next {@value #BATCH} pending entries for {@code by}, committed, as a dispatcher's claim does, and puts
     * as many new pending entries behind them so that the outbox keeps its shape; returns the claimed ids.
     */
    private List<String> claimed(Connection c, String by) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (PreparedStatement p = c.prepareStatement("SELECT decision_id, customer_id FROM outbox WHERE status = "
                + "'PENDING' ORDER BY due_at, decision_id LIMIT " + BATCH)) {
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        update(c, claimSql(ids.size()), claimParams(ids, by));
        insertEntries(c, HISTORY, BATCH, "PENDING");
        return ids;
    }

    private static String token(Connection c, String id) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT claim_token FROM outbox WHERE decision_id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    // --- plumbing --------------------------------------------------------------------------------------------------

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(db.url(), db.user(), db.password());
    }

    private static String marks(int n) {
        return String.join(", ", Collections.nCopies(n, "?"));
    }

    private static void bind(PreparedStatement p, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            p.setObject(i + 1, params[i]);
        }
    }

    private static int update(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(sql)) {
            bind(p, params);
            return p.executeUpdate();
        }
    }

    private static void explain(Connection c, String what, String sql, Object... params) throws SQLException {
        System.out.println("-- " + what);
        try (PreparedStatement p = c.prepareStatement("EXPLAIN " + sql)) {
            bind(p, params);
            try (ResultSet rs = p.executeQuery()) {
                printRows(rs);
            }
        }
    }

    private static double timeQuery(Connection c, int repetitions, String sql, Object... params) throws SQLException {
        List<Double> times = new ArrayList<>();
        for (int i = 0; i < repetitions; i++) {
            long start = System.nanoTime();
            try (PreparedStatement p = c.prepareStatement(sql)) {
                bind(p, params);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        rs.getString(1);
                    }
                }
            }
            times.add((System.nanoTime() - start) / 1e6);
        }
        return median(times);
    }

    private static void print(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            printRows(rs);
        } catch (SQLException e) {
            System.out.println("  (" + sql.substring(0, Math.min(60, sql.length())) + "...: " + e.getMessage() + ")");
        }
    }

    private static void printRows(ResultSet rs) throws SQLException {
        ResultSetMetaData m = rs.getMetaData();
        List<String> header = new ArrayList<>();
        for (int i = 1; i <= m.getColumnCount(); i++) {
            header.add(m.getColumnLabel(i));
        }
        System.out.println("  " + String.join(" | ", header));
        while (rs.next()) {
            List<String> row = new ArrayList<>();
            for (int i = 1; i <= m.getColumnCount(); i++) {
                row.add(String.valueOf(rs.getString(i)));
            }
            System.out.println("  " + String.join(" | ", row));
        }
    }

    private static double median(List<Double> values) {
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static double median(List<double[]> values, int column) {
        double[] sorted = values.stream().mapToDouble(v -> v[column]).toArray();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
