package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.TestData;
import dev.dunning.tools.PolicyWorkbook;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A corpus of rule code written to get past a check that reads text (src/test/resources/hostile-rules): each is
 * refused at validation with its file and line or cell, and the file it would have written never appears, so none of
 * it ran. Where the text check is fooled (escapes, spaced names, classes no list names), the refusal is the
 * compiled-code gate's.
 */
class HostileRuleCodeTest {

    static RuleSetGates gates;
    /** The gates without the checks on the text: the compiled-code gate alone must refuse all of it. */
    static RuleSetGates compiledOnly;

    @TempDir
    Path folder;

    @BeforeAll
    static void load() {
        gates = new RuleSetGates(new RuleSetCompiler(TestData.CLOCK), TestData.CLOCK, DeclineCodes.shipped());
        compiledOnly = new RuleSetGates(new RuleSetCompiler(TestData.CLOCK, false), TestData.CLOCK,
                DeclineCodes.shipped());
    }

    static List<RuleSource> only(String name, String content) {
        return List.of(new RuleSource(name, content.getBytes(StandardCharsets.UTF_8)));
    }

    static List<RuleSource> only(String name, byte[] content) {
        return List.of(new RuleSource(name, content));
    }

    /** Refused at the safety gate, with a problem at the place, naming the thing; nothing of it ran. */
    static void refused(RuleSetGates.Verdict verdict, Path marker, java.util.function.Consumer<RuleProblem> place) {
        assertThat(verdict.passed()).isFalse();
        assertThat(verdict.stoppedAt()).as("%s", verdict.problems()).isEqualTo(RuleSetGates.SAFETY);
        assertThat(verdict.errors()).as("%s", verdict.problems()).anySatisfy(place);
        assertThat(marker).doesNotExist();
    }

    /**
     * A table cell refused at its place by both gates; the compiled-code gate, on its own, names what was used (the
     * text check words it its own way).
     */
    static void refusedAtTheCell(List<RuleSource> sources, Path marker, String location, String named) {
        for (RuleSetGates candidate : List.of(gates, compiledOnly)) {
            refused(candidate.check(sources), marker, p -> {
                assertThat(p.location()).isEqualTo(location);
                if (candidate == compiledOnly) {
                    assertThat(p.message()).contains(named);
                }
            });
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "unicode-escaped-quote.drl|14|java.nio.file.Files.writeString",
        "unicode-escaped-name.drl|13|java.nio.file.Files.writeString",
        "spaced-qualified-name.drl|13|java.nio.file.Files.writeString",
        "java-beans-reflection.drl|14|java.beans.Expression",
        "engine-access.drl|13|getKieRuntime",
        "guarded-loop.drl|15|a loop",
        "recursion.drl|8|recursion (deeper → deeper)",
        "huge-allocation.drl|13|an array of computed size",
        "unbounded-string.drl|13|java.lang.String.repeat",
        "stream-over-huge-range.drl|13|java.util.stream.LongStream.range",
        "endless-iterator.drl|16|java.util.Iterator",
        "swallowed-error.drl|15|catch (java.lang.Throwable)",
        "declared-timer.drl|9|java.util.Timer",
        "file-in-condition.drl|11|java.nio.file.Files.exists",
        "huge-decimal.drl|15|a huge exponent",
        "declared-enum-store.drl|11|the field items of the declared enum Store",
        "operator-registry.drl|13|org.drools.model.functions.Operator.Register.getOperators",
        "system-clock.drl|13|java.time.chrono.IsoChronology.dateNow",
        "lambda-box-recursion.drl|8|recursion",
        "composed-functions.drl|14|java.util.function.Function.andThen",
        "endless-foreach.drl|15|java.util.Map.forEach",
        "regex-backtracking.drl|13|java.lang.String.matches",
        "padding.drl|13|java.time.format.DateTimeFormatterBuilder.padNext",
        "computed-scale.drl|13|java.math.BigDecimal.setScale with a computed scale",
        "ternary-array-size.drl|13|an array of computed size",
        "char-array-decimal.drl|13|java.math.BigDecimal (new)",
        "computed-text-decimal.drl|13|toBigDecimal of something not a number",
        "divide-scale.drl|13|java.math.BigDecimal.divide with a computed scale",
        "replace-squares.drl|14|java.lang.String.replace",
        "deep-hash.drl|15|java.util.Arrays.deepHashCode",
        "treemap-comparator.drl|13|java.util.TreeMap (new)",
        "shared-predicate-information.drl|13|PredicateInformation.EMPTY_PREDICATE_INFORMATION",
        "math-random.drl|13|java.lang.Math.random",
        "array-class-literal.drl|13|javax.script.ScriptEngineManager.class",
        "anonymous-function-class.drl|13|a class implementing java.util.function.IntUnaryOperator"})
    void hostileRuleCodeIsRefusedWithItsPlaceAndNeverRuns(String file, int line, String named) throws IOException {
        Path marker = folder.resolve("ran-" + file + ".txt");
        String drl = Files.readString(Path.of("src/test/resources/hostile-rules", file))
                .replace("@MARKER@", marker.toString());

        refused(gates.check(only("rules/evil.drl", drl)), marker, p -> {
            assertThat(p.file()).isEqualTo("rules/evil.drl");
            assertThat(p.line()).isPositive();
        });
        refused(compiledOnly.check(only("rules/evil.drl", drl)), marker, p -> {
            assertThat(p.file()).isEqualTo("rules/evil.drl");
            assertThat(p.line()).isEqualTo(line);
            assertThat(p.message()).contains(named);
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "action|\"decision.tone(\"\"$param\"\");\"|\"decision.tone(\"\"$param\"\"); decision.because(String.valueOf(java . nio . file . Files . exists(java . nio . file . Path . of(\"\"@MARKER@\"\"))));\"|I12|java.nio.file.Files.exists",
        "condition|\"dunningCase.segment == \"\"$param\"\"\"|\"dunningCase.segment == \"\"$param\"\" && java.nio.file.Files.exists(java.nio.file.Path.of(\"\"@MARKER@\"\"))\"|E12|java.nio.file.Files.exists"})
    void hostileCodeInACsvTableCellIsRefusedAtTheCell(String kind, String cell, String hostile, String at, String named)
            throws IOException {
        Path marker = folder.resolve("ran-csv-" + kind + ".txt");
        String tone = Files.readString(Path.of("decision-tables", "tone.csv"));
        String evil = tone.replace(cell, hostile.replace("@MARKER@", marker.toString()));
        assertThat(evil).isNotEqualTo(tone);

        refusedAtTheCell(only("decision-tables/tone.csv", evil), marker,
                "decision-tables/tone.csv, sheet tone, cell " + at, named);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "template|decision.because(\"$param\" + java . nio . file . Files . exists(java . nio . file . Path . of(\"@MARKER@\")));|x|B12|java.nio.file.Files.exists",
        "value|decision.because(\"$param\");|\\u0022); java.nio.file.\\u0046iles.writeString(java.nio.file.Path.of(\\u0022@MARKER@\\u0022), \\u0022x\\u0022); //|B14|java.nio.file.Files.writeString"})
    void hostileCodeInAnXlsxCellIsRefusedAtTheCell(String kind, String template, String value, String at, String named)
            throws IOException {
        Path marker = folder.resolve("ran-xlsx-" + kind + ".txt");
        PolicyWorkbook.SheetSpec sheet = new PolicyWorkbook.SheetSpec("Evil", "dunning.evil", "fallback", 1)
                .imports("dev.dunning.decision.DunningCase", "dev.dunning.decision.Decision")
                .condition("DunningCase", "overdue == $param", "Overdue", 10)
                .action(template.replace("@MARKER@", marker.toString()), "Reason", 30)
                .row("true", value.replace("@MARKER@", marker.toString()));

        byte[] workbook = PolicyWorkbook.bytes(List.of(sheet));

        refusedAtTheCell(only("decision-tables/evil.xlsx", workbook), marker,
                "decision-tables/evil.xlsx, sheet Evil, cell " + at, named);
    }

    @Test
    void ruleCodeNestingWithoutBoundFailsTheDecisionNamingTheRuleNotTheService() {
        String drl = """
                package dunning.evil

                import dev.dunning.decision.DunningCase;
                import dev.dunning.decision.Decision;

                global Decision decision;

                rule "Holds itself"
                    ruleflow-group "fallback"
                when
                    DunningCase( )
                then
                    java.util.List self = new java.util.ArrayList();
                    self.add(self);
                    decision.because("hash " + self.hashCode());
                end
                """;
        RuleSet ruleSet = new RuleSetCompiler(TestData.CLOCK).compile(only("rules/evil.drl", drl));
        DecisionEngine engine = new DecisionEngine(() -> ruleSet, TestData.CLOCK, DeclineCodes.shipped());

        RuleEvaluationException failure = catchThrowableOfType(RuleEvaluationException.class, () -> engine.evaluate(
                TestData.facts().asOf("2025-03-12T15:00:00Z").customer(TestData.aCustomer().consumer()
                        .in("DE", "Europe/Berlin", "EUR")).build()));

        assertThat(failure).isNotNull();
        assertThat(failure.rule()).isEqualTo("Holds itself");
        assertThat(failure.origin().source()).isEqualTo("rules/evil.drl");
        assertThat(failure.getMessage()).contains("java.lang.StackOverflowError");
    }
}
