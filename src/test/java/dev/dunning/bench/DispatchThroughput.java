package dev.dunning.bench;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.decisions.DecisionService;
import dev.dunning.dispatch.DispatchRequest;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.Dispatcher;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.FactsService;
import java.net.ServerSocket;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Outbox throughput: messages sent per second by one dispatcher and by two (two application instances on one
 * database, each with its own dispatcher, draining the same outbox at once), to a real SMTP server (GreenMail, in
 * this process) and to a webhook receiver (the JDK's HttpServer, answering 200 after checking the signature); then the
 * latency {@code dispatch: true} adds to a decision (decideAndDispatch vs decide, taking turns on the same customers).
 *
 * <p>Each send is what production does: the customer's facts read again, the message rendered (Thymeleaf) or the body
 * signed, the send, and its outcome written with a contact attempt in one durable transaction. The database is an
 * embedded MariaDB with durable commits (innodb_flush_log_at_trx_commit=1). The entries are queued before the clock
 * starts (through DispatchService.enqueue, one per customer so that none supersedes another); only draining is timed.
 *
 * <p>Run: {@code ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.DispatchThroughput
 * -Dbench.args="2000 2 300"} (entries per phase, rounds, decision pairs per caller). See docs/benchmarks.md.
 */
public final class DispatchThroughput {

    private static final String SECRET = "bench-secret";
    private static final String AS_OF = "2025-03-11T15:00:00Z";

    private DispatchThroughput() {}

    public static void main(String[] args) {
        try {
            run(args);
        } catch (Throwable e) {
            e.printStackTrace();
            // GreenMail's and the receiver's threads would keep the JVM alive.
            System.exit(1);
        }
        System.exit(0);
    }

    private static void run(String[] all) throws Exception {
        // --smtp=host:port sends to a mail server of the caller's (bench/mail-relay.sh: Debian's postfix, discarding)
        // instead of GreenMail in this process; that server's log is then the proof of delivery.
        String relay = Arrays.stream(all).filter(a -> a.startsWith("--smtp=")).map(a -> a.substring(7)).findFirst()
                .orElse(null);
        // --email-only: the e-mail phases alone (no webhooks, no decision latency), for profiling and A/B sittings.
        boolean emailOnly = Arrays.asList(all).contains("--email-only");
        List<String> routes = emailOnly ? List.of("EMAIL") : List.of("EMAIL", "SMS");
        // --dunning.…=value: a setting for both instances (e.g. --dunning.dispatch.smtp.connections=4), after the
        // benchmark's own, so it outranks them.
        List<String> settings = Arrays.stream(all).filter(a -> a.startsWith("--dunning.")).toList();
        int warmUp = Arrays.stream(all).filter(a -> a.startsWith("--warm-up="))
                .map(a -> Integer.parseInt(a.substring("--warm-up=".length()))).findFirst().orElse(300);
        settings.forEach(s -> System.out.println("setting " + s));
        String[] args = Arrays.stream(all).filter(a -> !a.startsWith("--")).toArray(String[]::new);
        int entries = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
        int pairs = args.length > 2 ? Integer.parseInt(args[2]) : 300;
        String urlOptions = args.length > 3 ? args[3] : "";
        BenchFixtures.quietLogging();

        GreenMail smtp = null;
        String smtpHost = "127.0.0.1";
        int smtpPort;
        if (relay != null) {
            smtpHost = relay.substring(0, relay.lastIndexOf(':'));
            smtpPort = Integer.parseInt(relay.substring(relay.lastIndexOf(':') + 1));
            System.out.println("e-mail goes to the SMTP server at " + relay);
        } else {
            smtpPort = freePort();
            smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", "smtp"))
                    .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
            smtp.start();
        }
        WebhookReceiver receiver = WebhookReceiver.start(SECRET, 4);
        TestDatabase.Connection db = TestDatabase.freshDatabase("bench_dispatch");
        try (ConfigurableApplicationContext a = start(db, urlOptions, "bench-a", smtpHost, smtpPort, receiver,
                        settings);
                ConfigurableApplicationContext b = start(db, urlOptions, "bench-b", smtpHost, smtpPort, receiver,
                        settings)) {
            FactsService facts = a.getBean(FactsService.class);
            DispatchService dispatch = a.getBean(DispatchService.class);
            JdbcClient jdbc = a.getBean(JdbcClient.class);
            TransactionTemplate transactions = a.getBean(TransactionTemplate.class);
            List<Dispatcher> one = List.of(a.getBean(Dispatcher.class));
            List<Dispatcher> two = List.of(a.getBean(Dispatcher.class), b.getBean(Dispatcher.class));
            long t0 = System.nanoTime();
            List<String> customers = seed(facts, entries);
            System.out.printf(Locale.ROOT, "seeded %d customers in %.1f s%n", customers.size(),
                    (System.nanoTime() - t0) / 1e9);

            // Warm-up: JIT, templates, connection pools, both instances; --warm-up=N entries per route and setting
            // (default 300). Rendering and MIME take thousands of messages to be fully compiled: with the default,
            // rounds ran at 180-250/s and the third at 350/s (docs/benchmarks.md, section 5).
            List<String> warm = customers.subList(0, Math.min(warmUp, customers.size()));
            for (int done = 0; done < warmUp; done += warm.size()) {
                for (String route : routes) {
                    drain(route, two, warm, dispatch, transactions, jdbc, smtp, receiver);
                    drain(route, one, warm, dispatch, transactions, jdbc, smtp, receiver);
                }
            }
            System.out.printf(Locale.ROOT, "warmed up with %d entries per route and setting%n",
                    Math.max(warmUp, warm.size()) / warm.size() * warm.size());

            List<Phase> phases = new ArrayList<>();
            for (int round = 1; round <= rounds; round++) {
                // Alternating order per round, so that neither setting always runs first.
                List<List<Dispatcher>> order = round % 2 == 1 ? List.of(one, two) : List.of(two, one);
                for (String route : routes) {
                    for (List<Dispatcher> dispatchers : order) {
                        Phase p = drain(route, dispatchers, customers, dispatch, transactions, jdbc, smtp, receiver);
                        System.out.printf(Locale.ROOT, "round %d: %-5s %d dispatcher(s): %d sent in %.1f s = %.0f/s%n",
                                round, route, p.dispatchers, p.sent, p.seconds, p.perSecond());
                        phases.add(p);
                    }
                }
            }

            DecisionService decisions = a.getBean(DecisionService.class);
            Latency single = emailOnly ? null : latency(decisions, customers, 1, pairs);
            Latency eight = emailOnly ? null : latency(decisions, customers, 8, pairs);

            System.out.printf(Locale.ROOT, "%nOutbox throughput, %d entries per phase, %d round(s), %d cores; every "
                    + "entry delivered once (checked)%n", entries, rounds, Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "%-8s %12s %s%n", "route", "dispatchers", "messages/s per round (mean)");
            for (String route : routes) {
                for (int n : List.of(1, 2)) {
                    List<Phase> ps = phases.stream().filter(p -> p.route.equals(route) && p.dispatchers == n).toList();
                    double mean = ps.stream().mapToLong(p -> p.sent).sum()
                            / ps.stream().mapToDouble(p -> p.seconds).sum();
                    System.out.printf(Locale.ROOT, "%-8s %12d %s (%.0f)%n", route, n,
                            ps.stream().map(p -> String.format(Locale.ROOT, "%.0f", p.perSecond())).toList(), mean);
                }
            }
            if (emailOnly) {
                return;
            }
            System.out.printf(Locale.ROOT, "%nDecision latency, decide vs decideAndDispatch taking turns, ms%n");
            System.out.printf(Locale.ROOT, "%-34s %8s %8s %8s %8s %8s%n", "", "n", "mean", "p50", "p90", "p99");
            for (Latency l : List.of(single, eight)) {
                l.print();
            }
        } finally {
            receiver.close();
            if (smtp != null) {
                smtp.stop();
            }
        }
    }

    private static ConfigurableApplicationContext start(TestDatabase.Connection db, String urlOptions, String instance,
            String smtpHost, int smtpPort, WebhookReceiver receiver, List<String> settings) {
        List<String> args = new ArrayList<>(List.of("--dunning.test.own-database=true",
                "--spring.datasource.url=" + db.url() + urlOptions,
                "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                "--logging.level.root=WARN", "--dunning.dispatch.scheduled=false",
                "--dunning.dispatch.instance-id=" + instance, "--spring.mail.host=" + smtpHost,
                "--spring.mail.port=" + smtpPort,
                "--dunning.dispatch.webhooks.SMS.url=" + receiver.url("SMS"),
                "--dunning.dispatch.webhooks.SMS.secret=" + SECRET));
        args.addAll(settings);
        return new SpringApplicationBuilder(DunningApplication.class).web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                // Command-line arguments: they outrank application.properties (default properties would not).
                .run(args.toArray(String[]::new));
    }

    /** Customers with e-mail, mobile, every consent and one overdue invoice: a friendly e-mail reminder on AS_OF. */
    private static List<String> seed(FactsService facts, int count) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String id = "DT-" + i;
                futures.add(pool.submit(() -> {
                    facts.upsertCustomer(aCustomer().id(id).language("en").in("US", "America/New_York", "USD").build(),
                            new ContactDetails(id.toLowerCase(Locale.ROOT) + "@customer.example", "+15551230000",
                                    "1 Main St\nSpringfield", null, null));
                    facts.upsertInvoice(id, anInvoice().id(id + "-I1").amount("USD", "1234.50").due("2025-03-05")
                            .build());
                    return id;
                }));
            }
            List<String> ids = new ArrayList<>();
            for (Future<String> f : futures) {
                ids.add(f.get());
            }
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    record Phase(String route, int dispatchers, long sent, double seconds) {
        double perSecond() {
            return sent / seconds;
        }
    }

    /** Queues one entry per customer for the route, then times the dispatchers draining them, and checks the result. */
    private static Phase drain(String route, List<Dispatcher> dispatchers, List<String> customers,
            DispatchService dispatch, TransactionTemplate transactions, JdbcClient jdbc, GreenMail smtp,
            WebhookReceiver receiver) throws Exception {
        if (smtp != null) {
            smtp.purgeEmailFromAllMailboxes();
        }
        long webhooksBefore = receiver.calls();
        List<String> ids = enqueue(route, customers, dispatch, transactions);
        ExecutorService pool = Executors.newFixedThreadPool(dispatchers.size());
        long start = System.nanoTime();
        try {
            List<Future<Integer>> runs = new ArrayList<>();
            for (Dispatcher d : dispatchers) {
                runs.add(pool.submit(d::drain));
            }
            int handled = 0;
            for (Future<Integer> r : runs) {
                handled += r.get();
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            long sent = jdbc.sql("SELECT COUNT(*) FROM outbox WHERE status = 'SENT' AND decision_id IN (:ids)")
                    .param("ids", ids).query(Long.class).single();
            // An outside mail server's own log proves delivery (bench/mail-relay.sh counts it); here, what was sent.
            long delivered = !route.equals("EMAIL") ? receiver.calls() - webhooksBefore
                    : smtp != null ? smtp.getReceivedMessages().length : sent;
            if (handled != ids.size() || delivered != ids.size() || sent != ids.size()
                    || receiver.badRequests() != 0) {
                throw new IllegalStateException(route + " with " + dispatchers.size() + " dispatcher(s): queued "
                        + ids.size() + ", handled " + handled + ", delivered " + delivered + ", marked sent " + sent
                        + ", bad requests " + receiver.badRequests() + "; see the application log above");
            }
            return new Phase(route, dispatchers.size(), sent, seconds);
        } finally {
            pool.shutdown();
        }
    }

    /**
     * One entry per customer, queued in transactions of 100 from one thread: in the service, entries are written by the
     * audit log's single writer thread inside its group commits, never concurrently.
     */
    private static List<String> enqueue(String route, List<String> customers, DispatchService dispatch,
            TransactionTemplate transactions) {
        List<String> ids = new ArrayList<>();
        for (int from = 0; from < customers.size(); from += 100) {
            List<String> chunk = customers.subList(from, Math.min(customers.size(), from + 100));
            transactions.executeWithoutResult(status -> {
                for (String customer : chunk) {
                    String id = com.github.f4b6a3.uuid.UuidCreator.getTimeOrderedEpoch().toString();
                    String json = "{\"decisionId\":\"" + id + "\",\"customerId\":\"" + customer
                            + "\",\"action\":\"REMINDER\",\"invoiceIds\":[\"" + customer + "-I1\"]}";
                    ids.add(dispatch.enqueue(new DispatchRequest(id, customer, Instant.now(), "REMINDER", route,
                            "FRIENDLY", 1, "reminder-friendly", List.of(customer + "-I1"), null, false,
                            "0".repeat(64), json)).orElseThrow().decisionId());
                }
            });
        }
        return ids;
    }

    /** Latencies of both kinds of decision, each caller taking turns between them on the same customers. */
    record Latency(int callers, long[] plain, long[] dispatched) {

        void print() {
            row("decide, " + callers + " caller(s)", plain);
            row("decideAndDispatch, " + callers + " caller(s)", dispatched);
            System.out.printf(Locale.ROOT, "%-34s %8s %8.2f %8.2f %8.2f %8.2f%n", "  added by dispatch", "",
                    (mean(dispatched) - mean(plain)) / 1e6, (pct(dispatched, 50) - pct(plain, 50)) / 1e6,
                    (pct(dispatched, 90) - pct(plain, 90)) / 1e6, (pct(dispatched, 99) - pct(plain, 99)) / 1e6);
        }

        private static void row(String name, long[] nanos) {
            System.out.printf(Locale.ROOT, "%-34s %8d %8.2f %8.2f %8.2f %8.2f%n", name, nanos.length,
                    mean(nanos) / 1e6, pct(nanos, 50) / 1e6, pct(nanos, 90) / 1e6, pct(nanos, 99) / 1e6);
        }

        private static double mean(long[] nanos) {
            return Arrays.stream(nanos).average().orElse(Double.NaN);
        }

        private static double pct(long[] sorted, int p) {
            return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
        }
    }

    private static Latency latency(DecisionService decisions, List<String> customers, int callers, int pairs)
            throws Exception {
        Instant asOf = Instant.parse(AS_OF);
        // Warm-up of both paths, not counted.
        for (int i = 0; i < 50; i++) {
            decisions.decide(customers.get(i % customers.size()), asOf, "bench");
            decisions.decideAndDispatch(customers.get(i % customers.size()), asOf, "bench");
        }
        ExecutorService pool = Executors.newFixedThreadPool(callers);
        try {
            List<Future<long[][]>> futures = new ArrayList<>();
            AtomicLong next = new AtomicLong();
            for (int c = 0; c < callers; c++) {
                int caller = c;
                futures.add(pool.submit(() -> {
                    long[] plain = new long[pairs];
                    long[] dispatched = new long[pairs];
                    for (int i = 0; i < pairs; i++) {
                        String customer = customers.get((int) (next.getAndIncrement() % customers.size()));
                        // Which goes first alternates, so that neither always follows the other's commit.
                        boolean plainFirst = (i + caller) % 2 == 0;
                        if (plainFirst) {
                            plain[i] = timePlain(decisions, customer, asOf);
                            dispatched[i] = timeDispatched(decisions, customer, asOf);
                        } else {
                            dispatched[i] = timeDispatched(decisions, customer, asOf);
                            plain[i] = timePlain(decisions, customer, asOf);
                        }
                    }
                    return new long[][] {plain, dispatched};
                }));
            }
            List<long[]> plain = new ArrayList<>();
            List<long[]> dispatched = new ArrayList<>();
            for (Future<long[][]> f : futures) {
                long[][] r = f.get();
                plain.add(r[0]);
                dispatched.add(r[1]);
            }
            return new Latency(callers, sorted(plain), sorted(dispatched));
        } finally {
            pool.shutdown();
        }
    }

    private static long timePlain(DecisionService decisions, String customer, Instant asOf) {
        long t = System.nanoTime();
        decisions.decide(customer, asOf, "bench");
        return System.nanoTime() - t;
    }

    private static long timeDispatched(DecisionService decisions, String customer, Instant asOf) {
        long t = System.nanoTime();
        var d = decisions.decideAndDispatch(customer, asOf, "bench");
        long elapsed = System.nanoTime() - t;
        if (d.entry().isEmpty()) {
            throw new IllegalStateException("decision " + d.decision().decisionId() + " for " + customer
                    + " wrote no outbox entry (" + d.decision().action() + " by " + d.decision().channel()
                    + "); the latency phase needs dispatchable decisions");
        }
        return elapsed;
    }

    private static long[] sorted(List<long[]> parts) {
        long[] all = parts.stream().flatMapToLong(Arrays::stream).toArray();
        Arrays.sort(all);
        return all;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
