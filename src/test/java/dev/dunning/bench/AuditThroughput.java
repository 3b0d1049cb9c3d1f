package dev.dunning.bench;

import dev.dunning.DunningApplication;
import dev.dunning.audit.ChainVerifier;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Facts;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Audited decisions per second, sustained, against a real embedded MariaDB with durable commits
 * (innodb_flush_log_at_trx_commit=1, the server's default), and the same decisions without the audit log, measured in
 * one run; then how fast the chain verifies. A load script rather than JMH: what is measured is a server process and
 * a disk, over tens of seconds, with many callers waiting on group commits.
 *
 * <p>Run: {@code ./mvnw -o -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.AuditThroughput
 * -Dbench.args="20 64"} (seconds per phase, concurrent callers). See docs/benchmarks.md.
 */
public final class AuditThroughput {

    private AuditThroughput() {}

    public static void main(String[] args) throws Exception {
        int seconds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int callers = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        String urlOptions = args.length > 2 ? args[2] : "";
        BenchFixtures.quietLogging();
        TestDatabase.Connection db = TestDatabase.freshDatabase("bench_audit");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                // Command-line arguments: they outrank application.properties (default properties would not).
                .run("--dunning.test.own-database=true", "--spring.datasource.url=" + db.url() + urlOptions,
                        "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                        "--logging.level.root=WARN", "--spring.datasource.hikari.maximum-pool-size=4")) {
            DecisionService service = context.getBean(DecisionService.class);
            DecisionEngine engine = context.getBean(DecisionEngine.class);
            RuleSet ruleSet = context.getBean(ActiveRuleSet.class).get();
            List<Facts> facts = BenchFixtures.sampleFacts();
            int cores = Runtime.getRuntime().availableProcessors();

            // Without audit: what the service does for a decision apart from the log, on every core.
            Phase plain = Phase.run("decisions without audit", cores, seconds, i -> {
                var d = engine.evaluate(facts.get(i % facts.size()), ruleSet);
                DecisionResponse.of("x", d, ruleSet.version());
            }, () -> 0L);
            var jdbc = context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
            MeterRegistry meters = context.getBean(MeterRegistry.class);
            DistributionSummary batches = meters.get("dunning.audit.batch.size").summary();
            long batchesBefore = batches.count();
            double recordsBefore = batches.totalAmount();
            Phase audited = Phase.run("audited decisions (durable before answered)", callers, seconds,
                    i -> service.evaluate(facts.get(i % facts.size()), "bench"),
                    () -> jdbc.sql("SELECT seq FROM audit_chain_head WHERE id = 1").query(Long.class).single());
            long batchCount = batches.count() - batchesBefore;
            double perBatch = batchCount == 0 ? 0 : (batches.totalAmount() - recordsBefore) / batchCount;

            long t0 = System.nanoTime();
            ChainVerifier.Result verified = context.getBean(ChainVerifier.class).verify(null, null);
            double verifySeconds = (System.nanoTime() - t0) / 1e9;

            System.out.printf(Locale.ROOT, "%nAudit throughput, %d cores, %d s per phase (after %d s warm-up)%n",
                    cores, seconds, Phase.WARMUP_SECONDS);
            System.out.printf(Locale.ROOT, "%-48s %10s %12s%n", "phase", "threads", "decisions/s");
            for (Phase p : List.of(plain, audited)) {
                System.out.printf(Locale.ROOT, "%-48s %10d %12.0f%n", p.name, p.threads, p.perSecond);
            }
            System.out.printf(Locale.ROOT, "audited / without audit: %.2f%n", audited.perSecond / plain.perSecond);
            System.out.printf(Locale.ROOT, "group commit: %.0f decisions per transaction on average (%d "
                    + "transactions)%n", perBatch, batchCount);
            System.out.printf(Locale.ROOT, "records committed in the measured window: %d = %.0f/s (answered: %.0f/s)%n",
                    audited.probed, audited.probed / audited.seconds, audited.perSecond);
            System.out.printf(Locale.ROOT, "bytes per decision: record content %s, facts %s; fired rules per decision %s%n",
                    jdbc.sql("SELECT ROUND(AVG(LENGTH(content))) FROM audit_records").query(Long.class).single(),
                    jdbc.sql("SELECT ROUND(AVG(LENGTH(facts))) FROM audit_facts").query(Long.class).single(),
                    jdbc.sql("SELECT ROUND(COUNT(*) / (SELECT COUNT(*) FROM audit_records), 1) FROM audit_firings")
                            .query(Double.class).single());
            System.out.printf(Locale.ROOT, "verify: %d records in %.1f s = %.0f records/s, intact=%s%n",
                    verified.verified(), verifySeconds, verified.verified() / verifySeconds, verified.intact());
        }
        System.exit(0);
    }

    /** Several threads calling one operation as fast as they can; counts only after the warm-up. */
    private record Phase(String name, int threads, double perSecond, long probed, double seconds) {

        static final int WARMUP_SECONDS = 5;

        interface Call {
            void run(int i) throws Exception;
        }

        /** {@code probe} is read when counting starts and ends; {@code probed} is the difference. */
        static Phase run(String name, int threads, int seconds, Call call, java.util.function.LongSupplier probe)
                throws InterruptedException {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicBoolean counting = new AtomicBoolean();
            LongAdder done = new LongAdder();
            CountDownLatch finished = new CountDownLatch(threads);
            List<Throwable> errors = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                Thread thread = new Thread(() -> {
                    try {
                        for (int i = offset; !stop.get(); i++) {
                            call.run(i);
                            if (counting.get()) {
                                done.increment();
                            }
                        }
                    } catch (Throwable e) {
                        synchronized (errors) {
                            errors.add(e);
                        }
                    } finally {
                        finished.countDown();
                    }
                }, "bench-" + t);
                thread.start();
            }
            Thread.sleep(WARMUP_SECONDS * 1000L);
            long probeStart = probe.getAsLong();
            counting.set(true);
            long start = System.nanoTime();
            Thread.sleep(seconds * 1000L);
            long count = done.sum();
            double elapsed = (System.nanoTime() - start) / 1e9;
            long probed = probe.getAsLong() - probeStart;
            stop.set(true);
            finished.await();
            if (!errors.isEmpty()) {
                throw new IllegalStateException(name + " failed", errors.get(0));
            }
            return new Phase(name, threads, count / elapsed, probed, elapsed);
        }
    }
}
