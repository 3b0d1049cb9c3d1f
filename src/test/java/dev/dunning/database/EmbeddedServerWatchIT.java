package dev.dunning.database;

import static dev.dunning.decision.TestData.aCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.DunningApplication;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded MariaDB dying under the running service (its mariadbd killed): the service starts it again on the same
 * data, and what was written before is there; a server that cannot be started again stops the service, saying why.
 */
class EmbeddedServerWatchIT {

    @Test
    void aKilledEmbeddedServerIsStartedAgainWithItsData() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")), "killed-");
        try (ConfigurableApplicationContext service = SpringApplication.run(DunningApplication.class,
                "--server.port=0", "--dunning.test.own-database=true", "--dunning.database.demo-data=false",
                "--dunning.dispatch.scheduled=false", "--dunning.database.data-dir=" + dataDir)) {
            EmbeddedMariaDb server = service.getBean(EmbeddedMariaDb.class);
            FactsService facts = service.getBean(FactsService.class);
            Customers customers = service.getBean(Customers.class);
            facts.upsertCustomer(aCustomer().id("written-before").build());
            ProcessHandle first = server.process().orElseThrow();

            first.destroyForcibly(); // SIGKILL: no clean shutdown, InnoDB recovers at the next start
            first.onExit().get(30, TimeUnit.SECONDS);

            Awaitility.await("the server running again").atMost(Duration.ofMinutes(3))
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> server.process().filter(p -> p.pid() != first.pid() && p.isAlive()).isPresent()
                            && customers.find("written-before").isPresent());
            facts.upsertCustomer(aCustomer().id("written-after").build());
            assertThat(customers.find("written-after")).isPresent();
        }
    }

    /** In a process of its own, as operators run it: the service must really end, with a message and status 1. */
    @Test
    void aServerThatCannotBeStartedAgainStopsTheServiceWithAMessage() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")), "lost-")
                .toAbsolutePath();
        Path output = dataDir.resolve("service.log");
        Process service = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "dev.dunning.DunningApplication",
                "--server.port=0", "--dunning.test.own-database=true", "--dunning.database.demo-data=false",
                "--dunning.dispatch.scheduled=false", "--dunning.database.data-dir=" + dataDir))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        List<ProcessHandle> children = List.of();
        try {
            Awaitility.await("the service started").atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(500))
                    .until(() -> started(output));
            children = service.descendants().toList();
            Matcher port = DB_PORT.matcher(Files.readString(output, StandardCharsets.UTF_8));
            assertThat(port.find()).as("the service logged its database's port").isTrue();
            ProcessHandle mysqld;
            try (Stream<Path> files = Files.list(dataDir.resolve("mariadb"))) {
                Path pidFile = files.filter(f -> f.toString().endsWith(".pid")).findFirst().orElseThrow();
                mysqld = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
            }

            mysqld.destroyForcibly();
            mysqld.onExit().get(30, TimeUnit.SECONDS);
            // Its port taken by another program: every start fails ("Address already in use").
            try (ServerSocket taken = new ServerSocket(Integer.parseInt(port.group(1)), 50,
                    InetAddress.getLoopbackAddress())) {
                assertThat(service.waitFor(6, TimeUnit.MINUTES)).as("the service stopped").isTrue();
            }
            assertThat(service.exitValue()).as("exit status").isEqualTo(1);
            assertThat(Files.readString(output, StandardCharsets.UTF_8))
                    .contains("ended unexpectedly; starting it again")
                    .contains("Starting the embedded MariaDB again failed (attempt " + EmbeddedServerWatch.ATTEMPTS)
                    .contains("could not be started again", "The service stops", dataDir.toString());
        } finally {
            service.destroy();
            if (!service.waitFor(30, TimeUnit.SECONDS)) {
                service.destroyForcibly();
            }
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    private static final Pattern DB_PORT =
            Pattern.compile("Embedded MariaDB \\S+ started in \\d+ ms on 127\\.0\\.0\\.1:(\\d+)");

    private static boolean started(Path output) throws Exception {
        String log = Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        if (log.contains("APPLICATION FAILED TO START")) {
            throw new AssertionError("the service did not start:\n" + log);
        }
        return log.contains("Started DunningApplication");
    }
}
