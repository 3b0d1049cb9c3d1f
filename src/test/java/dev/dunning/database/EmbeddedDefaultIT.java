package dev.dunning.database;

import static dev.dunning.decision.TestData.aCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.DunningApplication;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With no database configured, the service starts its own MariaDB on the data folder; what it stored is there again
 * after a restart.
 */
class EmbeddedDefaultIT {

    @Test
    void startsAnEmbeddedMariaDbWhoseDataSurvivesARestart() throws Exception {
        Path dataDir = Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")), "default-");
        String[] args = {"--server.port=0", "--dunning.test.own-database=true", "--dunning.database.demo-data=false",
            "--dunning.database.data-dir=" + dataDir};

        try (ConfigurableApplicationContext first = SpringApplication.run(DunningApplication.class, args)) {
            EmbeddedMariaDb server = first.getBean(EmbeddedMariaDb.class);
            assertThat(server.dataDir()).startsWith(dataDir.toAbsolutePath());
            assertThat(first.getEnvironment().getProperty("spring.datasource.url")).isEmpty();
            first.getBean(FactsService.class).upsertCustomer(aCustomer().id("survivor").build());
        }
        assertThat(dataDir.resolve("mariadb")).isNotEmptyDirectory();

        try (ConfigurableApplicationContext second = SpringApplication.run(DunningApplication.class, args)) {
            assertThat(second.getBean(Customers.class).find("survivor")).isPresent();
        }
    }
}
