package dev.dunning.database;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * The MariaDB server of a test run: one per test JVM, shared by every Spring context and repository test in it.
 *
 * <p>With {@code DUNNING_TEST_DB_URL} set (and {@code DUNNING_TEST_DB_USER}, {@code DUNNING_TEST_DB_PASSWORD}), the
 * tests use that server and start nothing. Otherwise an embedded MariaDB is started on first use, in a fresh folder
 * under target/, and stopped and deleted when the JVM exits. Registered for every Spring Boot application the tests
 * start through META-INF/spring.factories; it only fills in spring.datasource.* where a test did not set them.
 */
public final class TestDatabase implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    public static final String DATABASE = "dunning_test";
    static final String RELAXED_COMMITS = "dunning.test.relaxed-commits";

    private static volatile Connection connection;

    /** Where to connect: URL, user, password. */
    public record Connection(String url, String user, String password) {

        /** Points a test context at this database, its own: the shared test database is then not touched. */
        public void register(DynamicPropertyRegistry registry) {
            registry.add("dunning.test.own-database", () -> "true");
            registry.add("spring.datasource.url", this::url);
            registry.add("spring.datasource.username", this::user);
            registry.add("spring.datasource.password", this::password);
        }
    }

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        var environment = context.getEnvironment();
        if (environment.getProperty("dunning.test.own-database", Boolean.class, false)) {
            return;
        }
        Connection db = connection();
        var properties = new java.util.HashMap<String, Object>();
        properties.put("spring.datasource.url", db.url());
        properties.put("spring.datasource.username", db.user());
        properties.put("spring.datasource.password", db.password());
        environment.getPropertySources().addFirst(new MapPropertySource("test-database", properties));
    }

    /** The run's server, started on first call. */
    public static Connection connection() {
        Connection c = connection;
        if (c == null) {
            synchronized (TestDatabase.class) {
                c = connection;
                if (c == null) {
                    c = start();
                    connection = c;
                }
            }
        }
        return c;
    }

    /**
     * A new, empty database of its own on the run's server, for a test that must not share state with the others (one
     * that tampers with the audit chain, say). Give it to Spring with {@code dunning.test.own-database=true}.
     */
    public static Connection freshDatabase(String prefix) {
        Connection shared = connection();
        String name = prefix + "_" + Long.toHexString(System.nanoTime());
        try (var c = java.sql.DriverManager.getConnection(shared.url(), shared.user(), shared.password());
                var statement = c.createStatement()) {
            statement.execute("CREATE DATABASE " + name + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot create test database " + name + ": " + e.getMessage(), e);
        }
        String url = shared.url().replaceFirst("/[^/?]+(\\?.*)?$", "/" + name);
        return new Connection(url, shared.user(), shared.password());
    }

    private static Connection start() {
        String external = System.getenv("DUNNING_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            return new Connection(external, env("DUNNING_TEST_DB_USER", "root"), env("DUNNING_TEST_DB_PASSWORD", ""));
        }
        try {
            Path parent = Files.createDirectories(Path.of("target", "test-mariadb"));
            Path folder = Files.createTempDirectory(parent, "run-");
            EmbeddedMariaDb server = EmbeddedMariaDb.startOwned(folder, parent.resolve("binaries"), 0, DATABASE);
            // Stopped once the test contexts have closed (Spring runs its shutdown handlers after them), not at the
            // same time by a JVM hook of its own: their last writes would wait for a server already gone.
            SpringApplication.getShutdownHandlers().add(() -> {
                server.close();
                deleteQuietly(folder); // its data, and the password file beside it
            });
            // The administrator: tests create databases of their own and tamper with triggers to provoke failures.
            Connection root = new Connection(server.jdbcUrl(DATABASE), server.root().user(), server.root().password());
            relaxDurability(root);
            return root;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Under failsafe ({@value #RELAXED_COMMITS}, set in pom.xml), a commit of the test server writes its log to the
     * operating system but no longer waits for the disk (an fsync, ~6 ms on a busy CI machine) each time: the data of
     * a test run is thrown away at its end, and a commit still survives mariadbd stopping. Only the embedded server of
     * the run, never a server named by DUNNING_TEST_DB_URL; the benchmarks (bench/), which state durable commits, run
     * outside failsafe and keep them.
     */
    private static void relaxDurability(Connection root) {
        if (!Boolean.getBoolean(RELAXED_COMMITS)) {
            return;
        }
        try (var c = java.sql.DriverManager.getConnection(root.url(), root.user(), root.password());
                var statement = c.createStatement()) {
            statement.execute("SET GLOBAL innodb_flush_log_at_trx_commit = 2");
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Cannot relax the test server's durability: " + e.getMessage(), e);
        }
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null ? fallback : value;
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // target/ is cleaned by the next mvn clean anyway
        }
    }
}
