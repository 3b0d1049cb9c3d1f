package dev.dunning.bench;

import com.zaxxer.hikari.HikariDataSource;
import dev.dunning.database.EmbeddedMariaDb;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Facts;
import dev.dunning.demo.Generator;
import dev.dunning.facts.CustomerFacts;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Loading one customer's facts ({@link CustomerFacts#load}: customer, unsettled invoices, recent contacts, holds in one
 * read-only transaction, as the service does for {@code POST /api/v1/decisions}) against the embedded MariaDB holding
 * {@code customers} generated customers (the {@code generate} command's data, seed 42). Sampled per call, so JMH
 * reports the median and p99 directly. The database is kept under target/bench-facts/ and generated only when empty.
 *
 * <p>{@code ./mvnw -o -Pbench test-compile exec:exec -Djmh.args="FactLoadingBenchmark -p customers=100000"}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
public class FactLoadingBenchmark {

    static final LocalDate AS_OF = LocalDate.parse("2026-11-23");

    @Param({"100000"})
    public int customers;

    private EmbeddedMariaDb server;
    private HikariDataSource dataSource;
    private CustomerFacts facts;
    private TransactionTemplate readOnly;
    private Instant asOf;

    @Setup(Level.Trial)
    public void start() throws Exception {
        Path folder = Path.of("target", "bench-facts", Integer.toString(customers)).toAbsolutePath();
        server = EmbeddedMariaDb.start(folder, 0, "dunning");
        String url = server.jdbcUrl("dunning");
        EmbeddedMariaDb.Account owner = server.owner();
        EmbeddedMariaDb.Account application = server.application();
        Flyway.configure().dataSource(url, owner.user(), owner.password()).load().migrate();
        try (Connection c = DriverManager.getConnection(Generator.withLocalInfile(url), application.user(),
                application.password());
                var rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM customers")) {
            rs.next();
            if (rs.getLong(1) == 0) {
                Generator.Result r = new Generator(DeclineCodes.shipped()).generate(c,
                        new Generator.Options(customers, 42, AS_OF, "G-"), System.out::println);
                System.out.println("generated " + r);
            }
        }
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(url);
        dataSource.setUsername(application.user());
        dataSource.setPassword(application.password());
        facts = new CustomerFacts(JdbcClient.create(dataSource));
        readOnly = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
        readOnly.setReadOnly(true);
        asOf = AS_OF.atTime(15, 0).toInstant(ZoneOffset.UTC);
    }

    @TearDown(Level.Trial)
    public void stop() {
        dataSource.close();
        server.close();
    }

    /** A random generated customer per call, so the figures are not one customer's cached rows. */
    @State(Scope.Thread)
    public static class Pick {
        final SplittableRandom rng = new SplittableRandom(7);

        String next(int customers) {
            String digits = Integer.toString(1 + rng.nextInt(customers));
            return "G-" + "0000000".substring(Math.min(7, digits.length())) + digits;
        }
    }

    @Benchmark
    public Optional<Facts> loadFacts(Pick pick) {
        String id = pick.next(customers);
        return readOnly.execute(status -> facts.load(id, asOf));
    }
}
