package dev.dunning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.dunning.database.TestDatabase;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSetException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.core.NestedExceptionUtils;

/**
 * With no working version in the database, the service refuses to start on a broken rule set and names every problem;
 * it never starts with part of it. With a working active version in the database, a broken edit of the directories is
 * recorded as a rejected candidate and the active version keeps serving.
 */
class BrokenRuleSetStartupIT {

    static String[] args(TestDatabase.Connection db, Path rules, Path tables) {
        return new String[] {"--server.port=0", "--dunning.rules-dir=" + rules, "--dunning.decision-tables-dir=" + tables,
            "--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
            "--spring.datasource.username=" + db.user(), "--spring.datasource.password=" + db.password()};
    }

    @Test
    void aBrokenEditOfTheDirectoriesIsRejectedWhileTheDatabasesActiveVersionServes() throws IOException {
        TestDatabase.Connection db = TestDatabase.freshDatabase("broken_edit");
        String working;
        try (ConfigurableApplicationContext first = SpringApplication.run(DunningApplication.class,
                args(db, Path.of("rules"), Path.of("decision-tables")))) {
            working = first.getBean(ActiveRuleSet.class).get().version();
        }
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Path tables = Files.createDirectories(dir.resolve("decision-tables"));
        for (String name : new String[] {"holds.drl", "constraints.drl", "fallback.drl"}) {
            Files.copy(Path.of("rules", name), rules.resolve(name));
        }
        Files.writeString(tables.resolve("tone.csv"),
                Files.readString(Path.of("decision-tables", "tone.csv")).replace("TON-06,PHONE_CALL", "TON-06,PHONE"));

        try (ConfigurableApplicationContext second = SpringApplication.run(DunningApplication.class,
                args(db, rules, tables))) {
            assertThat(second.getBean(ActiveRuleSet.class).get().version()).isEqualTo(working);
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            assertThat(jdbc.sql("SELECT status FROM rule_set_versions WHERE version <> ?").param(working)
                    .query(String.class).list()).containsExactly("REJECTED");
            assertThat(jdbc.sql("SELECT problems FROM rule_set_versions WHERE version <> ?").param(working)
                    .query(String.class).single()).contains("decision-tables/tone.csv").contains("PHONE");
            assertThat(jdbc.sql("SELECT version FROM rule_set_active").query(String.class).single()).isEqualTo(working);
        }
    }

    @TempDir
    Path dir;

    @Test
    void refusesToStartWithABrokenRuleSetAndListsEveryProblem() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Path tables = Files.createDirectories(dir.resolve("decision-tables"));
        for (String name : new String[] {"holds.drl", "constraints.drl", "fallback.drl"}) {
            Files.copy(Path.of("rules", name), rules.resolve(name));
        }
        Files.writeString(tables.resolve("tone.csv"),
                Files.readString(Path.of("decision-tables", "tone.csv")).replace("TON-06,PHONE_CALL", "TON-06,PHONE"));
        Files.writeString(tables.resolve("notes.txt"), "not a table");

        Throwable failure = catchThrowable(() -> SpringApplication.run(DunningApplication.class,
                args(TestDatabase.freshDatabase("broken_start"), rules, tables)));

        Throwable root = NestedExceptionUtils.getMostSpecificCause(failure);
        assertThat(root).isInstanceOf(RuleSetException.class);
        assertThat(((RuleSetException) root).problems()).extracting(RuleProblem::file)
                .contains("decision-tables/notes.txt", "decision-tables/tone.csv");
    }

    @Test
    void aBrokenRuleFileAndABrokenTableAreBothReported() throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        Path tables = Files.createDirectories(dir.resolve("decision-tables"));
        Files.writeString(rules.resolve("fallback.drl"), Files.readString(Path.of("rules", "fallback.drl"))
                .replace("Decision( decided == false )\nthen\n    decision.noAction(\"no rule matched\");",
                        "Decision( undecided == true )\nthen\n    decision.noAction(\"no rule matched\");"));
        Files.writeString(tables.resolve("tone.csv"),
                Files.readString(Path.of("decision-tables", "tone.csv")).replace("TON-06,PHONE_CALL", "TON-06,PHONE"));

        Throwable failure = catchThrowable(() -> SpringApplication.run(DunningApplication.class,
                args(TestDatabase.freshDatabase("broken_start"), rules, tables)));

        RuleSetException problems = (RuleSetException) NestedExceptionUtils.getMostSpecificCause(failure);
        assertThat(problems.problems()).extracting(RuleProblem::toString).anySatisfy(p -> assertThat(p)
                        .startsWith("rules/fallback.drl:").contains("Decision has no field \"undecided\""))
                .anySatisfy(p -> assertThat(p).startsWith("decision-tables/tone.csv, sheet tone, cell B")
                        .contains("\"PHONE\" is not a known action"));
    }
}
