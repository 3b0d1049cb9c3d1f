package dev.dunning.database;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The service on its embedded default, stopped as an operator stops it (SIGTERM): the application's last writes still
 * reach the database, because the embedded server is stopped after the application, not at the same time by a JVM
 * shutdown hook of its own (which made the shutdown wait 30 s for a connection, and lose those writes).
 */
class ShutdownIT {

    private static final Pattern INSTANCE = Pattern.compile("recorded as run by (\\S+)");
    private static final Pattern DB_PORT = Pattern.compile("Embedded MariaDB \\S+ started in \\d+ ms on 127\\.0\\.0\\.1:(\\d+)");

    @Test
    void aStoppedServiceFailsItsUnfinishedSimulationsAndStopsPromptly() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")),
                "shutdown-").toAbsolutePath();
        Path output = dataDir.resolve("service.log");
        Process service = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.dunning.DunningApplication",
                "--server.port=0", "--dunning.test.own-database=true", "--dunning.database.demo-data=false",
                "--dunning.database.data-dir=" + dataDir))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            String instance = Awaitility.await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> started(output), id -> id != null);
            Matcher port = DB_PORT.matcher(Files.readString(output, StandardCharsets.UTF_8));
            assertThat(port.find()).as("the service logged its database's port").isTrue();
            String job = UUID.randomUUID().toString();
            String url = "jdbc:mariadb://127.0.0.1:" + port.group(1) + "/dunning";
            Properties accounts = new Properties();
            try (var in = Files.newBufferedReader(dataDir.resolve("mariadb-credentials.properties"))) {
                accounts.load(in);
            }
            try (Connection db = DriverManager.getConnection(url, accounts.getProperty("application.user"),
                    accounts.getProperty("application.password"));
                    PreparedStatement insert = db.prepareStatement("INSERT INTO rule_set_simulations (id, candidate, "
                            + "requested_by, instance_id, status, total, done, started_at, heartbeat_at) VALUES (?, "
                            + "(SELECT version FROM rule_set_active), 'someone', ?, 'RUNNING', 1000, 500, "
                            + "UTC_TIMESTAMP(6), UTC_TIMESTAMP(6))")) {
                insert.setString(1, job);
                insert.setString(2, instance);
                insert.executeUpdate();
            }

            long stopping = System.nanoTime();
            service.destroy(); // SIGTERM
            assertThat(service.waitFor(60, TimeUnit.SECONDS)).as("stopped within a minute").isTrue();
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);

            String log = Files.readString(output, StandardCharsets.UTF_8);
            assertThat(log).as("no write of the shutdown waited for a server that was gone")
                    .doesNotContain("CannotGetJdbcConnectionException", "Failed to validate connection");
            assertThat(took).as("no 30 s wait for a connection").isLessThan(Duration.ofSeconds(20));
            try (EmbeddedMariaDb again = EmbeddedMariaDb.start(dataDir, 0, "dunning");
                    Connection db = DriverManager.getConnection(again.jdbcUrl("dunning"), again.application().user(),
                            again.application().password());
                    PreparedStatement select = db.prepareStatement(
                            "SELECT status, error FROM rule_set_simulations WHERE id = ?")) {
                select.setString(1, job);
                try (ResultSet rs = select.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString("status")).isEqualTo("FAILED");
                    assertThat(rs.getString("error")).contains(instance, "was shut down before it finished");
                }
            }
        } finally {
            // Whatever went wrong, leave no server behind: the embedded MariaDB is the service's child process.
            List<ProcessHandle> children = service.descendants().toList();
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** The instance name the service logged once started, or null while it is still starting. */
    private static String started(Path output) throws Exception {
        String log = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        if (log.contains("APPLICATION FAILED TO START")) {
            throw new AssertionError("the service did not start:\n" + log);
        }
        Matcher m = INSTANCE.matcher(log);
        return log.contains("Started DunningApplication") && m.find() ? m.group(1) : null;
    }
}
