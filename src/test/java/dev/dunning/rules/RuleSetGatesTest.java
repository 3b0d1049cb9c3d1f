package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.TestData;
import dev.dunning.tools.HostileFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each gate on its own, without Spring: a candidate with one broken or malicious file is refused at the right gate
 * with the file and the line or cell, and the shipped set passes every gate.
 */
class RuleSetGatesTest {

    static RuleSetGates gates;
    static List<RuleSource> shipped;

    @BeforeAll
    static void load() {
        gates = new RuleSetGates(new RuleSetCompiler(TestData.CLOCK), TestData.CLOCK, DeclineCodes.shipped());
        RuleSetLoader.Read read = RuleSetLoader.read(Path.of("rules"), Path.of("decision-tables"), Path.of("scenarios"));
        assertThat(read.problems()).isEmpty();
        shipped = read.sources();
    }

    static List<RuleSource> with(String name, byte[] content) {
        List<RuleSource> sources = new ArrayList<>(shipped.stream().filter(s -> !s.name().equals(name)).toList());
        sources.add(new RuleSource(name, content));
        return sources;
    }

    static List<RuleSource> with(String name, String content) {
        return with(name, content.getBytes(StandardCharsets.UTF_8));
    }

    static String tone() throws IOException {
        return Files.readString(Path.of("decision-tables", "tone.csv"));
    }

    @Test
    void theShippedSetPassesEveryGateWithItsScenarios() {
        RuleSetGates.Verdict verdict = gates.check(shipped);

        assertThat(verdict.passed()).as("%s", verdict.problems()).isTrue();
        assertThat(verdict.ruleSet()).isNotNull();
        assertThat(verdict.scenariosRun()).isGreaterThanOrEqualTo(40);
        assertThat(verdict.problems()).isEmpty();
        assertThat(verdict.version()).isEqualTo(verdict.ruleSet().version());
        assertThat(verdict.ruleSet().sources()).extracting(RuleSource::name).contains("scenarios/default-policy.csv");
    }

    @Test
    void theStructureGateRefusesAnUnknownCodeAtItsCell() throws IOException {
        RuleSetGates.Verdict verdict = gates.check(with("decision-tables/tone.csv",
                tone().replace("TON-06,PHONE_CALL", "TON-06,PHONE")));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.stoppedAt()).isEqualTo(RuleSetGates.CHECKS);
        assertThat(verdict.ruleSet()).isNull();
        assertThat(verdict.errors()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("decision-tables/tone.csv, sheet tone, cell B19");
            assertThat(p.message()).contains("\"PHONE\" is not a known action");
        });
    }

    static final String EVIL_DRL = """
            package dunning.evil

            import dev.dunning.decision.DunningCase;
            import dev.dunning.decision.Decision;
            %s
            global Decision decision;

            rule "Looks harmless"
                ruleflow-group "fallback"
            when
                DunningCase( )
            then
                %s
            end
            """;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "System|System.exit(1);|System",
        "Runtime|Runtime.getRuntime().exec(\"rm -rf /\");|Runtime",
        "ProcessBuilder|new ProcessBuilder(\"sh\").start();|ProcessBuilder",
        "reflection|decision.getClass().getMethod(\"finish\").invoke(decision);|getClass",
        "class loading|ClassLoader.getSystemClassLoader().loadClass(\"x.Y\");|ClassLoader",
        "threads|new Thread(() -> decision.because(\"x\")).start();|Thread",
        "files|java.nio.file.Files.delete(java.nio.file.Path.of(\"/tmp/x\"));|java.nio.file.Files",
        "network|new java.net.Socket(\"example.org\", 80).close();|java.net.Socket",
        "java.* beyond the helpers|java.util.concurrent.Executors.newFixedThreadPool(1);|java.util.concurrent",
        "a class literal|decision.because(String.class.getName());|.class"})
    void theSafetyGateRefusesForbiddenCodeInADrlConsequenceAtItsLine(String kind, String code, String named) {
        RuleSetGates.Verdict verdict = gates.check(with("rules/evil.drl", EVIL_DRL.formatted("", code)));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.stoppedAt()).as("%s", verdict.problems()).isEqualTo(RuleSetGates.SAFETY);
        assertThat(verdict.errors()).isNotEmpty().allSatisfy(p -> {
            assertThat(p.file()).isEqualTo("rules/evil.drl");
            assertThat(p.line()).isEqualTo(13);
            assertThat(p.column()).isPositive();
        });
        assertThat(verdict.errors()).anySatisfy(p -> assertThat(p.message()).contains(named));
    }

    @Test
    void theSafetyGateRefusesAnImportOutsideTheFactModelAndForbiddenCodeInAConditionToo() {
        RuleSetGates.Verdict imported = gates.check(with("rules/evil.drl",
                EVIL_DRL.formatted("import java.io.File;", "decision.because(\"x\");")));
        RuleSetGates.Verdict condition = gates.check(with("rules/evil.drl", EVIL_DRL.formatted("",
                "decision.because(\"x\");").replace("DunningCase( )", "DunningCase( eval(System.nanoTime() > 0) )")));

        assertThat(imported.stoppedAt()).isEqualTo(RuleSetGates.SAFETY);
        assertThat(imported.errors()).singleElement().satisfies(p -> {
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("imports java.io.File");
        });
        assertThat(condition.stoppedAt()).isEqualTo(RuleSetGates.SAFETY);
        assertThat(condition.errors()).singleElement().satisfies(p -> assertThat(p.line()).isEqualTo(11));
    }

    @Test
    void aCsvTableThatIsNotUtf8IsRefusedAtTheLineOfTheFirstBadByte() throws IOException {
        byte[] latin1 = tone().replace("TON-03: second reminder", "TON-03: zweite Mahnung für")
                .getBytes(StandardCharsets.ISO_8859_1);

        RuleSetGates.Verdict verdict = gates.check(with("decision-tables/tone.csv", latin1));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.errors()).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("decision-tables/tone.csv:16");
            assertThat(p.message()).contains("not UTF-8", "CSV UTF-8");
        });
    }

    @Test
    void wordsInStringsAndCommentsAreNotCode() {
        RuleSetGates.Verdict verdict = gates.check(with("rules/evil.drl", EVIL_DRL.formatted(
                "// System.exit is not called here", "decision.because(\"the File of the System, a Thread\");")));

        assertThat(verdict.problems()).noneMatch(p -> p.file().equals("rules/evil.drl"));
    }

    @Test
    void theSafetyGateRefusesForbiddenCodeInTableCellsAtTheCell() throws IOException {
        String actionCell = tone().replace("\"decision.tone(\"\"$param\"\");\"",
                "\"decision.tone(\"\"$param\"\"); System.exit(1);\"");
        String conditionCell = tone().replace("stage >= $param,", "stage >= $param && Runtime.getRuntime() != null,");
        String importCell = tone().replace("Import,dev.dunning.decision.Decision",
                "Import,\"dev.dunning.decision.Decision, java.io.File\"");

        assertThat(actionCell).isNotEqualTo(tone());
        assertThat(conditionCell).isNotEqualTo(tone());
        assertThat(importCell).isNotEqualTo(tone());
        assertSafetyProblemAt(gates.check(with("decision-tables/tone.csv", actionCell)), "I12", "System");
        assertSafetyProblemAt(gates.check(with("decision-tables/tone.csv", conditionCell)), "C12", "Runtime");
        assertSafetyProblemAt(gates.check(with("decision-tables/tone.csv", importCell)), "B2", "java.io.File");
    }

    static void assertSafetyProblemAt(RuleSetGates.Verdict verdict, String cell, String named) {
        assertThat(verdict.stoppedAt()).as("%s", verdict.problems()).isEqualTo(RuleSetGates.SAFETY);
        assertThat(verdict.errors()).anySatisfy(p -> {
            assertThat(p.location()).isEqualTo("decision-tables/tone.csv, sheet tone, cell " + cell);
            assertThat(p.message()).contains(named);
        });
    }

    @Test
    void theCompileGateRefusesAFieldTheFactModelDoesNotHave() {
        RuleSetGates.Verdict verdict = gates.check(with("rules/evil.drl",
                EVIL_DRL.formatted("", "decision.because(\"x\");").replace("DunningCase( )", "DunningCase( mood == 1 )")));

        assertThat(verdict.stoppedAt()).isEqualTo(RuleSetGates.COMPILE);
        assertThat(verdict.errors()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("rules/evil.drl");
            assertThat(p.message()).contains("mood");
        });
    }

    @Test
    void theScenarioGateRefusesARuleChangeItsScenariosDoNotExpectAndNamesScenarioExpectedAndActual() throws IOException {
        String neutral = tone().replace("TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY", "TON-01,REMINDER,1,1,CONSUMER,,,,NEUTRAL");
        assertThat(neutral).isNotEqualTo(tone());

        RuleSetGates.Verdict verdict = gates.check(with("decision-tables/tone.csv", neutral));

        assertThat(verdict.stoppedAt()).isEqualTo(RuleSetGates.SCENARIOS);
        assertThat(verdict.ruleSet()).isNull();
        assertThat(verdict.scenarioFailures()).isNotEmpty().anySatisfy(f -> {
            assertThat(f.scenario()).isEqualTo("First friendly reminder after the grace period");
            assertThat(f.file()).isEqualTo("scenarios/default-policy.csv");
            assertThat(f.line()).isEqualTo(9);
            assertThat(f.mismatches()).contains("expected tone FRIENDLY but got NEUTRAL");
            assertThat(f.expectations()).contains(new RuleSetGates.Mismatch("tone", "FRIENDLY", "NEUTRAL"));
        });
        assertThat(verdict.errors()).anySatisfy(p -> assertThat(p.toString()).startsWith(
                "scenarios/default-policy.csv:9: scenario \"First friendly reminder after the grace period\" fails"));
        assertThat(verdict.scenariosPassed()).as("every scenario run is either passed or failed")
                .hasSize(verdict.scenariosRun() - verdict.scenarioFailures().size())
                .extracting(RuleSetGates.ScenarioPass::scenario)
                .contains("Nothing is overdue: invoice falls due in 5 days")
                .doesNotContain("First friendly reminder after the grace period");
    }

    @Test
    void overlappingAndMissingBandsAreWarningsWithTheirCells() throws IOException {
        // TON-01 covers stage 1; a second CONSUMER reminder row for stages 1-3 overlaps it, one for 5-6 leaves 4 bare.
        String bands = tone().replace("TON-02,", "TON-01B,REMINDER,1,3,CONSUMER,,,,NEUTRAL,overlaps\n"
                + "TON-01C,REMINDER,5,6,CONSUMER,,,,FIRM,leaves a gap\nTON-02,");
        List<RuleSource> sources = with("decision-tables/tone.csv", bands);

        RuleSet compiled = new RuleSetCompiler(TestData.CLOCK).compile(sources);

        assertThat(compiled.warnings()).extracting(RuleProblem::toString).anySatisfy(w -> assertThat(w)
                .startsWith("decision-tables/tone.csv, sheet tone, cell C15: warning: the rows 14 and 15 (cells "
                        + "C14:D14 and C15:D15) overlap on stage 1"))
                .anySatisfy(w -> assertThat(w).startsWith("decision-tables/tone.csv, sheet tone, cell C16: warning: "
                        + "no row covers stage 4 between the rows 15 and 16"));
        assertThat(compiled.warnings()).allMatch(w -> !w.isError());
    }

    @Test
    void aMacroWorkbookIsRefusedByNameAndByContent() throws IOException {
        byte[] xlsx = Files.readAllBytes(Path.of("decision-tables", "escalation.xlsx"));

        RuleSetGates.Verdict byName = gates.check(with("decision-tables/escalation.xlsm", xlsx));
        RuleSetGates.Verdict byContent = gates.check(with("decision-tables/escalation.xlsx", HostileFiles.withVbaProject(xlsx)));

        assertThat(byName.passed()).isFalse();
        assertThat(byName.errors()).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("decision-tables/escalation.xlsm");
            assertThat(p.message()).contains("macro-enabled workbooks are refused");
        });
        assertThat(byContent.passed()).isFalse();
        assertThat(byContent.errors()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("decision-tables/escalation.xlsx");
            assertThat(p.message()).contains("contains macros (xl/vbaProject.bin)");
        });
    }

    @Test
    void aWorkbookThatInflatesOutOfProportionIsRefusedAsAZipBomb() throws IOException {
        byte[] bomb = HostileFiles.zipBomb("xl/worksheets/sheet1.xml", 20 * 1024 * 1024);

        RuleSetGates.Verdict verdict = gates.check(with("decision-tables/escalation.xlsx", bomb));

        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.errors()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("decision-tables/escalation.xlsx");
            assertThat(p.message()).contains("zip bomb");
        });
    }
}
