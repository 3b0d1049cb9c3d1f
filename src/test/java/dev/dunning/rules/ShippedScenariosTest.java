package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/** Runs every business scenario shipped in scenarios/ against the shipped rule set; each scenario is its own test. */
class ShippedScenariosTest {

    static RuleSet ruleSet;
    static ScenarioRunner runner;
    static List<Scenario> scenarios;

    @BeforeAll
    static void load() throws IOException {
        ruleSet = new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK)).load(Path.of("rules"), Path.of("decision-tables"));
        runner = new ScenarioRunner(new DecisionEngine(() -> ruleSet, TestData.CLOCK, DeclineCodes.shipped()));
        scenarios = new ArrayList<>();
        try (Stream<Path> files = Files.list(Path.of("scenarios"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".csv")).sorted().toList()) {
                scenarios.addAll(ScenarioFile.parse("scenarios/" + file.getFileName(), Files.readAllBytes(file)));
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> everyScenarioPasses() {
        return scenarios.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            ScenarioRunner.Result result = runner.run(s, ruleSet);
            assertThat(result.passed()).as(result.report()).isTrue();
        }));
    }

    @Test
    void thereAreAtLeastFortyScenarios() {
        assertThat(scenarios).hasSizeGreaterThanOrEqualTo(40);
        assertThat(scenarios).extracting(Scenario::name).doesNotHaveDuplicates();
    }

    /** Every policy reference of the rule set (each row group and guardrail) decides in at least one scenario. */
    @Test
    void scenariosCoverEveryPolicyReference() {
        Set<String> declared = ruleSet.kieBase().getKiePackages().stream()
                .flatMap(p -> p.getRules().stream())
                .map(r -> r.getMetaData().get("policy"))
                .filter(Objects::nonNull)
                .map(v -> v.toString().replace("\"", ""))
                .collect(Collectors.toCollection(TreeSet::new));
        Set<String> fired = scenarios.stream()
                .flatMap(s -> runner.run(s, ruleSet).decision().getTrace().stream())
                .filter(t -> !t.overridden())
                .map(ScenarioRunner::policy)
                .filter(Objects::nonNull)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(declared).isNotEmpty();
        Set<String> uncovered = new TreeSet<>(declared);
        uncovered.removeAll(fired);
        assertThat(uncovered).as("policy references no scenario exercises").isEmpty();
    }
}
