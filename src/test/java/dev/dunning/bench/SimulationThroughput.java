package dev.dunning.bench;

import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.demo.Generator;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetSimulation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.ZoneOffset;
import java.util.Locale;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A what-if simulation over stored customers (docs/rule-sets.md "Simulation", docs/benchmarks.md): for each size N
 * given, an empty database on the embedded MariaDB of the test setup, N customers from the generator (seed 42, as of
 * 2026-11-23), a candidate that differs from the shipped set in one cell (calls in a formal tone instead of a firm
 * one, TON-06), then the simulation of candidate against active over every customer, timed
 * from the call to its answer (which includes building the candidate through the gates, as the API call does).
 *
 * <p>Run: {@code ./mvnw -o -q -Pbench test-compile exec:exec -Dbench.main=dev.dunning.bench.SimulationThroughput
 * -Dbench.args="100000"}.
 */
public final class SimulationThroughput {

    private SimulationThroughput() {}

    /**
     * The shipped set with row TON-06 (calls are firm) made formal, and the shipped scenarios' expectations for calls
     * changed with it, as a credit controller would upload it: one zip of the whole set.
     */
    static byte[] candidate() throws java.io.IOException {
        var bytes = new java.io.ByteArrayOutputStream();
        boolean changed = false;
        try (var zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (String dir : java.util.List.of("rules", "decision-tables", "scenarios")) {
                try (var files = Files.list(Path.of(dir))) {
                    for (Path file : files.sorted().toList()) {
                        byte[] content = Files.readAllBytes(file);
                        String name = file.getFileName().toString();
                        if (name.equals("tone.csv") || dir.equals("scenarios")) {
                            String text = new String(content, StandardCharsets.UTF_8);
                            String edited = text.replace("TON-06,PHONE_CALL,,,,,,,FIRM", "TON-06,PHONE_CALL,,,,,,,FORMAL")
                                    .replace(",PHONE_CALL,PHONE,FIRM,", ",PHONE_CALL,PHONE,FORMAL,")
                                    // a call the contact limits turn into a letter keeps the call's tone
                                    .replace(",REMINDER,LETTER,FIRM,3,policy=LIM-03", ",REMINDER,LETTER,FORMAL,3,policy=LIM-03");
                            changed |= name.equals("tone.csv") && !edited.equals(text);
                            content = edited.getBytes(StandardCharsets.UTF_8);
                        }
                        zip.putNextEntry(new java.util.zip.ZipEntry(dir + "/" + name));
                        zip.write(content);
                        zip.closeEntry();
                    }
                }
            }
        }
        if (!changed) {
            throw new IllegalStateException("decision-tables/tone.csv no longer has row TON-06 as this benchmark knows it");
        }
        return bytes.toByteArray();
    }

    public static void main(String[] args) throws Exception {
        BenchFixtures.quietLogging();
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%n%-10s %10s %10s %10s %12s %12s%n",
                "customers", "simulated", "changed", "failed", "seconds", "customers/s"));
        byte[] candidateZip = candidate();
        for (String arg : args.length == 0 ? new String[] {"100000"} : args) {
            int customers = Integer.parseInt(arg.replace("_", ""));
            TestDatabase.Connection db = TestDatabase.freshDatabase("bench_simulation");
            String[] appArgs = ("--dunning.test.own-database=true --spring.datasource.url=" + db.url()
                    + " --spring.datasource.username=" + db.user() + " --spring.datasource.password=" + db.password()
                    + " --logging.level.root=WARN --dunning.security.four-eyes-relaxed=true").split(" ");
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                    .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF).run(appArgs)) {
                try (Connection connection = DriverManager.getConnection(Generator.withLocalInfile(db.url()),
                        db.user(), db.password())) {
                    new Generator(context.getBean(DeclineCodes.class)).generate(connection,
                            new Generator.Options(customers, 42, RunThroughput.DAY, "G-"), System.out::println);
                }
                RuleSetLifecycle lifecycle = context.getBean(RuleSetLifecycle.class);
                String candidate = lifecycle.submit("candidate.zip", candidateZip, "bench", "calls in a formal tone")
                        .stored().version();
                RuleSetSimulation simulation = context.getBean(RuleSetSimulation.class);
                long started = System.nanoTime();
                RuleSetSimulation.Result result = simulation.simulate(candidate, new RuleSetSimulation.Request(
                        RunThroughput.DAY.atTime(9, 0).toInstant(ZoneOffset.UTC), null, null, null, 0, 50));
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.println("actions: " + result.actions() + "\ntones: " + result.tones());
                report.append(String.format(Locale.ROOT, "%-10d %10d %10d %10d %12.1f %,12.0f%n", customers,
                        result.customers(), result.changed(), result.failed().size(), seconds,
                        result.customers() / seconds));
            }
        }
        report.append(String.format(Locale.ROOT, "%d processors, max heap %d MB%n",
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20));
        System.out.println(report);
        System.exit(0); // the embedded server's shutdown hook stops it
    }
}
