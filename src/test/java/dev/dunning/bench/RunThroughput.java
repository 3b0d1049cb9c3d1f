package dev.dunning.bench;

import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.demo.Generator;
import dev.dunning.runs.RunRequest;
import dev.dunning.runs.RunStatus;
import dev.dunning.runs.Runs;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A live dunning run over generated customers (docs/runs.md, docs/benchmarks.md "Dunning runs"): for each size N
 * given, an empty database on the embedded MariaDB of the test setup, N customers from the generator (seed 42, as of
 * 2026-11-23), then one live run as of that day (decisions audited, nothing dispatched), timed from start to
 * completion, with the time its partitions spent reading, evaluating and writing.
 *
 * <p>Run: {@code ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.RunThroughput
 * -Dbench.args="100000 300000 1000000"}; a further argument {@code --chunk-size=N} or {@code --partitions=N} is
 * passed on as the dunning.runs setting, and {@code --dispatch} makes the runs of the sizes after it dispatching runs
 * (each decision that sends something also gets its outbox entry) until {@code --dispatch=false}. The dispatcher is
 * off: what is measured is the run writing its entries, not sending them. So is the effectiveness summary job, which
 * would otherwise count the generator's payments during the run.
 */
public final class RunThroughput {

    static final LocalDate DAY = LocalDate.of(2026, 11, 23);

    private RunThroughput() {}

    private static String options(Map<String, String> settings) {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(" --dunning.runs.").append(k).append('=').append(v));
        return b.toString();
    }

    public static void main(String[] args) throws Exception {
        BenchFixtures.quietLogging();
        Map<String, String> settings = new java.util.TreeMap<>();
        boolean dispatch = false;
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT,
                "%n%-10s %10s %8s %10s %10s %12s %10s %10s %10s %10s%n", "customers", "decided", "failed",
                "generate s", "run s", "decisions/s", "read s", "eval s", "write s", "enqueued"));
        for (String arg : args.length == 0 ? new String[] {"100000"} : args) {
            if (arg.equals("--dispatch") || arg.equals("--dispatch=true") || arg.equals("--dispatch=false")) {
                dispatch = !arg.endsWith("=false");
                continue;
            }
            if (arg.startsWith("--")) {
                String[] kv = arg.substring(2).split("=", 2);
                settings.put(kv[0], kv[1]);
                continue;
            }
            int customers = Integer.parseInt(arg.replace("_", ""));
            TestDatabase.Connection db = TestDatabase.freshDatabase("bench_runs");
            String[] appArgs = ("--dunning.test.own-database=true --spring.datasource.url=" + db.url()
                    + " --spring.datasource.username=" + db.user() + " --spring.datasource.password=" + db.password()
                    + " --logging.level.root=WARN --dunning.dispatch.scheduled=false"
                    // The effectiveness summary job would catch up the generator's payments (274,000 at 100,000
                    // customers) during the run, for a varying share of it: measured on its own in section 8.
                    + " --dunning.effectiveness.scheduled=false" + options(settings)).trim()
                    .split(" ");
            // Command-line arguments: they outrank application.properties (default properties would not).
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                    .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).run(appArgs)) {
                long generating = System.nanoTime();
                try (Connection connection = DriverManager.getConnection(Generator.withLocalInfile(db.url()),
                        db.user(), db.password())) {
                    new Generator(context.getBean(DeclineCodes.class)).generate(connection,
                            new Generator.Options(customers, 42, DAY, "G-"), System.out::println);
                }
                double generateSeconds = (System.nanoTime() - generating) / 1e9;
                Runs runs = context.getBean(Runs.class);
                long started = System.nanoTime();
                long id = runs.start(new RunRequest(DAY.atTime(9, 0).toInstant(ZoneOffset.UTC), false, null, null,
                        null, "bench", dispatch));
                RunStatus status = runs.status(id).orElseThrow();
                while (!status.finished()) {
                    Thread.sleep(200);
                    status = runs.status(id).orElseThrow();
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.println("run " + id + " " + status.status() + ": " + status.summary() + " ms: "
                        + status.timingsMs());
                Map<String, Long> ms = status.timingsMs();
                report.append(String.format(Locale.ROOT, "%-40s%n", "settings:" + options(settings)
                        + (dispatch ? " dispatching" : "")));
                report.append(String.format(Locale.ROOT,
                        "%-10d %10d %8d %10.1f %10.1f %,12.0f %10.1f %10.1f %10.1f %10d%n",
                        customers, status.summary().decided(), status.failedCount(), generateSeconds, seconds,
                        status.summary().decided() / seconds, ms.getOrDefault("read", 0L) / 1000.0,
                        ms.getOrDefault("evaluate", 0L) / 1000.0, ms.getOrDefault("write", 0L) / 1000.0,
                        status.summary().enqueued()));
            }
        }
        report.append(String.format(Locale.ROOT, "read/eval/write: seconds summed over the partitions' threads "
                + "(each partition evaluates its chunk on all cores); %d processors, max heap %d MB%s%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, ""));
        System.out.println(report);
        System.exit(0); // the embedded server's shutdown hook stops it
    }
}
