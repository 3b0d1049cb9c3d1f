package dev.dunning.bench;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;

import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.TestData;
import dev.dunning.facts.FactsService;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * {@code POST /api/v1/decisions} end to end over real HTTP: facts loaded from a real embedded MariaDB, evaluated, the
 * decision made durable in the audit log, answered. The load is open-loop: requests leave at a fixed rate whether or
 * not earlier ones have been answered, and each latency is measured from when its request was due to leave, so a
 * stall shows in the figures instead of slowing the load down (no coordinated omission). Client and server share the
 * machine's cores.
 *
 * <p>Run: {@code ./mvnw -o -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.DecisionLoad
 * -Dbench.args="500 30 2000"} (requests per second, seconds measured after 10 s of warm-up, customers). See
 * docs/benchmarks.md.
 */
public final class DecisionLoad {

    private DecisionLoad() {}

    public static void main(String[] args) throws Exception {
        // On 2 cores the common pool has parallelism 1, and CompletableFuture then starts a new thread for every async
        // completion: the JDK HttpClient started one per response (12,000 in a 20 s run), load that is the client's,
        // not the service's. Set before anything touches the pool.
        System.setProperty("java.util.concurrent.ForkJoinPool.common.parallelism", "2");
        int rate = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        int customers = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        BenchFixtures.quietLogging();
        TestDatabase.Connection db = TestDatabase.freshDatabase("bench_load");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                .bannerMode(Banner.Mode.OFF)
                // Command-line arguments: they outrank application.properties (default properties would not).
                .run("--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
                        "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                        "--logging.level.root=WARN", "--server.port=0")) {
            seed(context.getBean(FactsService.class), customers);
            int port = ((WebServerApplicationContext) context).getWebServer().getPort();
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(4)).build();
            URI uri = URI.create("http://localhost:" + port + "/api/v1/decisions");

            run(http, uri, rate, 10, customers); // warm-up: JIT, connection pool, Drools sessions
            Result result = run(http, uri, rate, seconds, customers);
            System.out.printf(Locale.ROOT, "%nPOST /api/v1/decisions, open-loop at %d requests/s for %d s, %d customers, "
                    + "%d cores shared by client and server%n", rate, seconds, customers,
                    Runtime.getRuntime().availableProcessors());
            System.out.printf(Locale.ROOT, "sent %d, answered 200: %d, other: %d, achieved %.0f/s%n", result.sent,
                    result.ok, result.failed, result.ok / (double) seconds);
            System.out.printf(Locale.ROOT, "latency ms: median %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                    result.percentile(50), result.percentile(90), result.percentile(99), result.percentile(99.9),
                    result.percentile(100));
        }
        System.exit(0);
    }

    /** Customers spread over the benchmark samples (segments, currencies, amounts, stages), one open invoice each. */
    static void seed(FactsService facts, int customers) {
        for (int i = 0; i < customers; i++) {
            BenchFixtures.Sample s = BenchFixtures.SAMPLES.get(i % BenchFixtures.SAMPLES.size());
            String id = "LOAD-" + i;
            facts.upsertCustomer(aCustomer().id(id).segment(s.segment()).build());
            facts.upsertInvoice(id, anInvoice().id("LOAD-I-" + i).amount(s.currency(), s.amount())
                    .daysOverdue(s.daysOverdue()).build());
            if (s.stageReached() > 0) {
                facts.recordContact(id, new ContactAttempt(TestData.daysBeforeNow(20), Channel.EMAIL, Action.REMINDER,
                        s.stageReached(), Outcome.DELIVERED), null);
            }
        }
    }

    record Result(int sent, int ok, int failed, long[] nanos) {
        double percentile(double p) {
            if (nanos.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p / 100.0 * nanos.length) - 1;
            return nanos[Math.max(0, Math.min(nanos.length - 1, index))] / 1e6;
        }
    }

    static Result run(HttpClient http, URI uri, int rate, int seconds, int customers) throws Exception {
        int total = rate * seconds;
        long[] latencies = new long[total];
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        CompletableFuture<?>[] pending = new CompletableFuture<?>[total];
        long interval = 1_000_000_000L / rate;
        long start = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            String body = "{\"customerId\":\"LOAD-" + (i % customers) + "\",\"asOf\":\"" + TestData.NOW + "\"}";
            int n = i;
            pending[i] = http.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            // The real API-key path (hash lookup per request), not the tests' default credentials.
                            .header("X-Api-Key", dev.dunning.security.TestCredentials.KEY)
                            .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString())
                    .whenComplete((response, error) -> {
                        latencies[n] = System.nanoTime() - due;
                        if (error == null && response.statusCode() == 200) {
                            ok.incrementAndGet();
                        } else {
                            failed.incrementAndGet();
                        }
                    });
        }
        CompletableFuture.allOf(pending).exceptionally(e -> null).get(60, TimeUnit.SECONDS);
        long[] sorted = Arrays.copyOf(latencies, total);
        Arrays.sort(sorted);
        return new Result(total, (int) ok.get(), (int) failed.get(), sorted);
    }
}
