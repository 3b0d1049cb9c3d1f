package dev.dunning.rulesets;

import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.Awaitility;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.database.TestDatabase;
import dev.dunning.rules.ActiveRuleSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * File watching: files saved into the watched directories become a candidate through the gates once the directories
 * are quiet; one that passes is activated, one that fails is recorded as rejected and changes nothing served.
 */
@SpringBootTest(properties = {"dunning.rule-sets.watch=true", "dunning.rule-sets.watch-debounce=300ms"})
class RuleSetWatchIT {

    static Path root;

    @DynamicPropertySource
    static void ownDatabaseAndDirectories(DynamicPropertyRegistry registry) throws IOException {
        TestDatabase.Connection db = TestDatabase.freshDatabase("rule_set_watch");
        db.register(registry);
        // Watched changes are activated only where one person may upload and activate (see RuleSetApiIT for four-eyes).
        registry.add("dunning.security.four-eyes-relaxed", () -> "true");
        root = Files.createTempDirectory(Files.createDirectories(Path.of("target")), "watched-");
        for (String dir : List.of("rules", "decision-tables", "scenarios")) {
            Path copy = Files.createDirectories(root.resolve(dir));
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                }
            }
        }
        registry.add("dunning.rules-dir", () -> root.resolve("rules").toString());
        registry.add("dunning.decision-tables-dir", () -> root.resolve("decision-tables").toString());
        registry.add("dunning.scenarios-dir", () -> root.resolve("scenarios").toString());
    }

    @Autowired
    ActiveRuleSet active;

    @Autowired
    JdbcClient jdbc;

    @Test
    void aSavedChangeThatPassesIsActivatedAndABrokenOneIsRejectedWhileTheActiveVersionServes() throws Exception {
        String started = active.get().version();
        Path tone = root.resolve("decision-tables/tone.csv");
        String original = Files.readString(tone);

        Files.writeString(root.resolve("scenarios/neutral.csv"), "scenario,invoices,action,channel,tone,stage\r\n"
                + "The first reminder to a consumer is neutral,I-1 USD 120.00 overdue 3,REMINDER,EMAIL,NEUTRAL,1\r\n");
        Files.delete(root.resolve("scenarios/default-policy.csv"));
        Files.writeString(tone, original.replace("TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY",
                "TON-01,REMINDER,1,1,CONSUMER,,,,NEUTRAL"));

        assertThat(await(() -> !active.get().version().equals(started))).as("the change is activated").isTrue();
        String watched = active.get().version();
        assertThat(jdbc.sql("SELECT origin FROM rule_set_versions WHERE version = ?").param(watched)
                .query(String.class).single()).isEqualTo(RuleSetLifecycle.WATCH);
        assertThat(jdbc.sql("SELECT event FROM rule_set_events WHERE version = ? ORDER BY id").param(watched)
                .query(String.class).list()).containsExactly("SUBMITTED", "ACTIVATED");

        Files.writeString(tone, original.replace("TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY",
                "TON-01,REMINDER,1,1,CONSUMER,,,,SHOUTING"));

        assertThat(await(() -> jdbc.sql("SELECT COUNT(*) FROM rule_set_versions WHERE origin = ? AND status = "
                + "'REJECTED'").param(RuleSetLifecycle.WATCH).query(Long.class).single() > 0))
                .as("the broken change is recorded as rejected").isTrue();
        assertThat(jdbc.sql("SELECT problems FROM rule_set_versions WHERE origin = ? AND status = 'REJECTED'")
                .param(RuleSetLifecycle.WATCH).query(String.class).single())
                .contains("decision-tables/tone.csv").contains("SHOUTING");
        assertThat(active.get().version()).isEqualTo(watched);
        assertThat(jdbc.sql("SELECT version FROM rule_set_active").query(String.class).single()).isEqualTo(watched);
    }

    /**
     * Waits up to 60 s for a condition. The quiet period is 300 ms, but the change is then compiled and put through
     * the gates: under a load of 50 on 2 cores that took 26 s, which a 20 s wait failed.
     */
    static boolean await(BooleanSupplier condition) {
        try {
            Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .ignoreException(UncheckedIOException.class).until(condition::getAsBoolean);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
