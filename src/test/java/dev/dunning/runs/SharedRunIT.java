package dev.dunning.runs;

import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.demo.Generator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * One run shared by two instances on one database: this test's application starts the run and works with one
 * thread; a second application, started here as another instance would be ({@code dunning.runs.worker=true}),
 * claims the other partition. Every selected customer is decided exactly once, each partition by one instance.
 */
@SpringBootTest(properties = {"dunning.runs.chunk-size=10", "dunning.runs.partitions=2",
    "dunning.runs.local-workers=1"})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// A database of its own: no other class can reuse this context, and cached it would keep its pool of connections
// on the test JVM's one MariaDB server (151 at most) for the rest of the build.
@DirtiesContext
class SharedRunIT {

    static final LocalDate DAY = LocalDate.of(2026, 3, 2);
    static final Instant AS_OF = DAY.atTime(10, 0).toInstant(ZoneOffset.UTC);
    static TestDatabase.Connection db;

    @DynamicPropertySource
    static void ownDatabase(DynamicPropertyRegistry registry) {
        db = TestDatabase.freshDatabase("runs_shared");
        db.register(registry);
    }

    /**
     * Holds this instance's only worker in its first chunk until both partitions are claimed, so that the other
     * instance gets one for certain instead of this thread finishing both before the other one looks.
     */
    @TestConfiguration
    static class WaitForTheOtherInstance {
        @Bean
        ItemWriteListener<String> waitForBothClaims(JdbcClient jdbc) {
            return new ItemWriteListener<>() {
                @Override
                public void beforeWrite(Chunk<? extends String> items) {
                    try {
                        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(
                                () -> jdbc.sql("SELECT COUNT(*) FROM run_partition_claims").query(Long.class)
                                        .single() >= 2);
                    } catch (ConditionTimeoutException e) {
                        // write anyway: the test's assertions then show which instance never claimed
                    }
                }
            };
        }
    }

    @Autowired
    Runs runs;

    @Autowired
    PartitionClaims claims;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DeclineCodes declineCodes;

    ConfigurableApplicationContext otherInstance;

    @BeforeAll
    void generateCustomersAndStartAnotherInstance() throws Exception {
        try (Connection connection = DriverManager.getConnection(Generator.withLocalInfile(db.url()), db.user(),
                db.password())) {
            new Generator(declineCodes).generate(connection, new Generator.Options(200, 11, DAY, "G-"), p -> {});
        }
        otherInstance = new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                .run("--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
                        "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password(),
                        "--dunning.database.demo-data=false", "--dunning.runs.worker=true",
                        "--dunning.runs.worker-poll=100ms", "--dunning.runs.local-workers=1",
                        "--dunning.runs.chunk-size=10");
    }

    @AfterAll
    void stopTheOtherInstance() {
        if (otherInstance != null) {
            otherInstance.close();
        }
    }

    @Test
    void twoInstancesEachWorkOnePartitionAndDecideEveryCustomerOnce() {
        long id = runs.start(new RunRequest(AS_OF, false, null, null, null, "test"));
        RunStatus run = await(id);

        assertThat(run.status()).as("%s", run).isEqualTo("completed");
        List<String> holders = jdbc.sql("SELECT claimed_by FROM run_partition_claims WHERE run_id = ?").param(id)
                .query(String.class).list();
        String other = otherInstance.getBean(PartitionClaims.class).instance();
        assertThat(holders).containsExactlyInAnyOrder(claims.instance(), other);

        long selected = run.progress().total();
        assertThat(selected).isPositive();
        List<String> audited = jdbc.sql("SELECT customer_id FROM audit_records WHERE run_id = ?").param(id)
                .query(String.class).list();
        assertThat(audited).as("%s", run).hasSize((int) selected).doesNotHaveDuplicates();
        assertThat(run.summary().decided()).isEqualTo(selected);
        List<String> expected = jdbc.sql("SELECT c.id FROM customers c WHERE EXISTS (SELECT 1 FROM invoices i "
                        + "WHERE i.customer_id = c.id AND i.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') "
                        + "AND i.due_date <= ?)")
                .param(DAY).query(String.class).list();
        assertThat(audited).containsExactlyInAnyOrderElementsOf(expected);
        List<Long> reads = jdbc.sql("SELECT READ_COUNT FROM BATCH_STEP_EXECUTION WHERE STEP_NAME LIKE 'decideRange:%'")
                .query(Long.class).list();
        assertThat(reads).hasSize(2).allSatisfy(r -> assertThat(r).isPositive());
    }

    private RunStatus await(long id) {
        return Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(100))
                .until(() -> runs.status(id).orElseThrow(), RunStatus::finished);
    }
}
