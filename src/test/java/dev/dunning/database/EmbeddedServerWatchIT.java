package dev.dunning.database;

import static dev.dunning.decision.TestData.aCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.DunningApplication;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The embedded MariaDB dying under the running service (its mariadbd killed): the service starts it again on the same
 * data, and what was written before is there; a server that cannot be started again stops the service.
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

    @Test
    void aServerThatCannotBeStartedAgainGivesUpWhichStopsTheService() throws Exception {
        Path parent = Files.createDirectories(Path.of("target", "test-mariadb"));
        Path folder = Files.createTempDirectory(parent, "lost-");
        EmbeddedMariaDb server = EmbeddedMariaDb.startOwned(folder, parent.resolve("binaries"), 0, "lost");
        CountDownLatch gaveUp = new CountDownLatch(1);
        EmbeddedServerWatch watch = new EmbeddedServerWatch(server, gaveUp::countDown);
        try {
            watch.start();
            ProcessHandle process = server.process().orElseThrow();
            process.destroyForcibly();
            process.onExit().get(30, TimeUnit.SECONDS);
            // Its port taken by another process: every start fails ("Address already in use").
            try (ServerSocket taken = new ServerSocket(server.port(), 50, InetAddress.getLoopbackAddress())) {
                assertThat(gaveUp.await(6, TimeUnit.MINUTES)).as("gave up after %d attempts",
                        EmbeddedServerWatch.ATTEMPTS).isTrue();
                assertThat(server.process()).as("no server left running").isEmpty();
            }
        } finally {
            watch.stop();
            server.close();
        }
    }
}
