package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.assertj.core.api.Assertions.tuple;

import dev.dunning.decision.Action;
import dev.dunning.decision.Catalogue;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Tone;
import dev.dunning.decision.TestData;
import dev.dunning.tools.PolicyWorkbook;
import dev.dunning.tools.PolicyWorkbook.SheetSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every kind of mistake in a rule set is reported with its precise location (file and sheet and cell for tables, file
 * and line and column for DRL) and a sentence a credit controller can act on; one test per kind of mistake. The rule
 * sets are built in a temporary directory whose two folders are named like the real ones, so that problems name
 * files as people know them: {@code decision-tables/escalation.xlsx}, {@code rules/holds.drl}.
 *
 * <p>The Ladder workbook written by {@link #writeLadder()} has no notes, so PolicyWorkbook puts the RuleSet settings in rows
 * 1-7 (RULEFLOW-GROUP in row 4), the RuleTable title in row 9, the column headers in row 10, the fact in row 11, the code
 * templates in row 12, the labels in row 13 and the rules from row 14 on. Its columns:
 * A Policy, B Segment, C Currency, D Overdue at least, E Days overdue from, F Business customer, G Action, H Stage,
 * I Description (and J, an extra action, where a test adds one).
 */
class RuleProblemsTest {

    private static final String D = "dev.dunning.decision.";
    private static final String ESCALATION = "decision-tables/escalation.xlsx";
    private static final String TONE = "decision-tables/tone.csv";
    private static final String HEADERS = "ACTION, CONDITION, DESCRIPTION, METADATA, NAME, PRIORITY";
    private static final String GROUPS = "holds, escalation, tone, channel, constraints, fallback";

    @TempDir
    Path dir;

    Path rules;
    Path tables;

    @BeforeEach
    void folders() throws IOException {
        rules = Files.createDirectories(dir.resolve("rules"));
        tables = Files.createDirectories(dir.resolve("decision-tables"));
    }

    // --- decision tables: headers, templates and cells ---------------------------------------------------------

    @Test
    void unknownColumnHeaderIsReportedAtItsHeaderCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "B10", "CONDITON");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "B10");
        assertThat(problem).hasToString("decision-tables/escalation.xlsx, sheet Ladder, cell B10: unknown column header "
                + "\"CONDITON\"; a column header must be one of " + HEADERS);
    }

    @Test
    void textInAWholeNumberOfDaysCellIsReportedAtThatCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "E14", "fifteen");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "E14");
        assertThat(problem).hasToString("decision-tables/escalation.xlsx, sheet Ladder, cell E14: \"fifteen\" is not a "
                + "whole number of days (column \"Days overdue from\")");
    }

    @Test
    void textInAWholeNumberActionCellIsReportedAtThatCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "H15", "first");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "H15");
        assertThat(problem).hasToString("decision-tables/escalation.xlsx, sheet Ladder, cell H15: \"first\" is not a "
                + "whole number (column \"Stage\")");
    }

    @Test
    void anAmountWithACurrencySignIsNotADecimalAndIsReportedAtThatCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "D15", "€5");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "D15");
        assertThat(problem).hasToString("decision-tables/escalation.xlsx, sheet Ladder, cell D15: \"€5\" is not a "
                + "number (write it like 40 or 2.15, without currency signs) (column \"Overdue at least\")");
    }

    @Test
    void yesInATrueOrFalseCellIsReportedAtThatCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "F14", "yes");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "F14");
        assertThat(problem).hasToString("decision-tables/escalation.xlsx, sheet Ladder, cell F14: \"yes\" is not true "
                + "or false (column \"Business customer\")");
    }

    @Test
    void aConditionOnAFieldTheFactDoesNotHaveIsReportedAtTheTemplateCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "E12", "daysOverdue >= $param");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "E12");
        assertThat(problem.message()).startsWith("Exposure has no field \"daysOverdue\"; its fields are ")
                .contains("maxDaysOverdue", "overdueAmount", "segment");
        assertThat(problem.toString()).startsWith("decision-tables/escalation.xlsx, sheet Ladder, cell E12: Exposure has "
                + "no field \"daysOverdue\"");
    }

    @Test
    void anActionCallingADecisionMethodThatDoesNotExistIsReportedAtTheTemplateCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "G12", "decision.escalate(\"$param\");");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "G12");
        assertThat(problem.toString()).startsWith("decision-tables/escalation.xlsx, sheet Ladder, cell G12: decision has "
                + "no method escalate taking 1 value(s)");
        // The author must learn what a rule may call, here and now: the message names the methods it could have meant.
        assertThat(problem.message()).contains("propose", "stage", "daysBetweenContacts", "tone", "channels");
    }

    @Test
    void anUnknownActionCodeIsReportedAtItsCellWithTheCodesAllowed() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "G15", "REMINDR");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "G15");
        assertThat(problem).hasToString("decision-tables/escalation.xlsx, sheet Ladder, cell G15: \"REMINDR\" is not a "
                + "known action; use one of " + String.join(", ", Catalogue.codes(Action.class))
                + " (column \"Action\")");
    }

    @Test
    void anUnknownChannelInAChannelListIsReportedAtItsCell() throws IOException {
        PolicyWorkbook.write(tables.resolve("channels.xlsx"), List.of(new SheetSpec("Channels",
                "dunning.channel.preference", "channel", 100)
                .imports(D + "Decision")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("Decision", "action == \"$param\"", "Action", 24)
                .action("decision.channels(\"$param\");", "Channels, best first", 24)
                .description("Description", 40)
                .row("CHN-01", "REMINDER", "EMAIL, SMS, LETTER", "consumers: email first")
                .row("CHN-03", "PHONE_CALL", "PHONE, FAX", "a call, else a fax")));

        RuleProblem problem = onlyProblem();

        assertLocation(problem, "decision-tables/channels.xlsx", "Channels", "C15");
        assertThat(problem).hasToString("decision-tables/channels.xlsx, sheet Channels, cell C15: \"FAX\" is not a known "
                + "channel; use one of " + String.join(", ", Catalogue.codes(Channel.class))
                + " (column \"Channels, best first\")");
    }

    @Test
    void anUnknownToneIsReportedAtItsCell() throws IOException {
        writeTone("TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY", "TON-01,REMINDER,1,1,CONSUMER,,,,CHEERFUL");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, TONE, "tone", "I14");
        assertThat(problem).hasToString("decision-tables/tone.csv, sheet tone, cell I14: \"CHEERFUL\" is not a known "
                + "tone; use one of " + String.join(", ", Catalogue.codes(Tone.class)) + " (column \"Tone\")");
    }

    @Test
    void aBadCellOfACsvTableIsReportedAtItsCellUnderTheFileName() throws IOException {
        // Row 16 of tone.csv is TON-03; column C is "Stage from".
        writeTone("TON-03,REMINDER,2,2", "TON-03,REMINDER,second,2");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, TONE, "tone", "C16");
        assertThat(problem).hasToString("decision-tables/tone.csv, sheet tone, cell C16: \"second\" is not a whole "
                + "number (column \"Stage from\")");
    }

    @Test
    void aCellOnlyDroolsRejectsIsTracedBackToItsSheetCellNotToGeneratedDrl() throws IOException {
        // The checker lets any text through to decision.because(...); unquoted, it is Java code javac cannot compile.
        PolicyWorkbook.write(tables.resolve("escalation.xlsx"), List.of(ladderSpec()
                .action("decision.because($param);", "Reason", 30)
                .row("ESC-C2", "CONSUMER", "EUR", "5", "14", "false", "REMINDER", "2", "second reminder", "\"late\"")
                .row("ESC-C1", "CONSUMER", "EUR", "5", "3", "false", "REMINDER", "1", "first reminder", "Overdue")));

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "J15");
        assertThat(problem.line()).as("a table problem has no DRL line").isNull();
        assertThat(problem.toString()).startsWith("decision-tables/escalation.xlsx, sheet Ladder, cell J15: the rule "
                + "generated from this cell does not compile: ")
                .contains("Overdue")
                .endsWith("(generated code: decision.because(Overdue);)");
    }

    // --- decision tables: whole files ----------------------------------------------------------------------------

    @Test
    void anEmptyWorkbookIsReportedAsEmpty() throws IOException {
        Files.write(tables.resolve("escalation.xlsx"), new byte[0]);

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, null, null);
        assertThat(problem).hasToString("decision-tables/escalation.xlsx: the file is empty; a decision table needs a "
                + "RuleTable");
    }

    @Test
    void randomBytesAreReportedAsAnUnreadableWorkbook() throws IOException {
        byte[] noise = new byte[4096];
        new Random(42).nextBytes(noise);
        Files.write(tables.resolve("escalation.xlsx"), noise);

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, null, null);
        assertThat(problem).hasToString("decision-tables/escalation.xlsx: the file is not a readable Excel workbook; "
                + "save it again as .xlsx from Excel or LibreOffice (Can't open workbook - unsupported file type: "
                + "UNKNOWN)");
    }

    @Test
    void aTruncatedWorkbookIsReportedAsAnUnreadableWorkbook() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.truncate(xlsx);

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, null, null);
        assertThat(problem).hasToString("decision-tables/escalation.xlsx: the file is not a readable Excel workbook; "
                + "save it again as .xlsx from Excel or LibreOffice (Truncated ZIP file)");
    }

    @Test
    void aWorkbookWithoutARuleTableIsReportedAsHoldingNoRules() throws IOException {
        BrokenWorkbook.notesOnly(tables.resolve("escalation.xlsx"), "Escalation ladder", "to be written next week");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, null, null);
        assertThat(problem).hasToString("decision-tables/escalation.xlsx: no sheet contains a \"RuleTable\" cell, so "
                + "this file holds no rules; add a RuleTable or remove the file");
    }

    // --- DRL -------------------------------------------------------------------------------------------------------

    @Test
    void aDrlFieldTheFactDoesNotHaveIsReportedAtItsLineAndColumn() throws IOException {
        writeDrl("holds.drl", "DunningCase( onHoldd == true )");

        RuleProblem problem = onlyProblem();

        // Line 12 is the condition; column 18 is where "onHoldd" starts, after "    DunningCase( ".
        assertThat(problem).extracting(RuleProblem::file, RuleProblem::sheet, RuleProblem::cell, RuleProblem::line,
                RuleProblem::column).containsExactly("rules/holds.drl", null, null, 12, 18);
        assertThat(problem.message()).startsWith("DunningCase has no field \"onHoldd\"; its fields are ")
                .contains("onHold");
        assertThat(problem.toString()).startsWith("rules/holds.drl:12:18: DunningCase has no field \"onHoldd\"");
    }

    @Test
    void aDrlSyntaxErrorIsReportedAtItsLineAndColumnInPlainWords() throws IOException {
        // A stray ")" at the end of line 12: "    DunningCase( onHold == true ))", column 34 counting from 1.
        writeDrl("holds.drl", "DunningCase( onHold == true ))");

        RuleProblem problem = onlyProblem();

        assertThat(problem).extracting(RuleProblem::file, RuleProblem::sheet, RuleProblem::cell, RuleProblem::line,
                RuleProblem::column).containsExactly("rules/holds.drl", null, null, 12, 34);
        assertThat(problem.toString()).startsWith("rules/holds.drl:12:34: ");
        // Said once, in the same 1-based numbering as the location, without the parser's error codes.
        assertThat(problem.message()).contains(")", "\"Customer on hold\"")
                .doesNotContain("[ERR", "Line 12:33");
    }

    @Test
    void aDrlCallOfADecisionMethodThatDoesNotExistIsReportedAtItsLineNotInGeneratedJava() throws IOException {
        writeDrl("holds.drl", "DunningCase( onHold == true )", "decision.escalate(\"on hold\");");

        RuleProblem problem = onlyProblem();

        assertThat(problem).extracting(RuleProblem::file, RuleProblem::sheet, RuleProblem::cell, RuleProblem::line)
                .containsExactly("rules/holds.drl", null, null, 14);
        assertThat(problem.toString()).startsWith("rules/holds.drl:14:").contains("escalate")
                .doesNotContain("LambdaConsequence", "src/main/java");
    }

    @Test
    void aDrlValueOfTheWrongTypeIsReportedAtItsLine() throws IOException {
        writeDrl("holds.drl", "DunningCase( onHold == \"yes\" )");

        RuleProblem problem = onlyProblem();

        assertThat(problem).extracting(RuleProblem::file, RuleProblem::line).containsExactly("rules/holds.drl", 12);
        assertThat(problem.message()).contains("yes", "onHold");
    }

    @Test
    void aDrlRuleInNoGroupOfThePipelineIsReportedAtTheRule() throws IOException {
        Files.writeString(rules.resolve("holds.drl"), """
                package dunning.holds

                import dev.dunning.decision.DunningCase;
                import dev.dunning.decision.Decision;

                global Decision decision;

                rule "Customer on hold"
                when
                    DunningCase( onHold == true )
                then
                    decision.because("on hold");
                end
                """);

        RuleProblem problem = onlyProblem();

        assertThat(problem).extracting(RuleProblem::file, RuleProblem::line).containsExactly("rules/holds.drl", 8);
        assertThat(problem).hasToString("rules/holds.drl:8: rule \"Customer on hold\" is in no group of the pipeline; "
                + "put it in one of the groups " + GROUPS + " with ruleflow-group \"...\"");
    }

    @Test
    void aSheetWithoutRuleflowGroupIsReportedForTheSheet() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "A4", null);
        BrokenWorkbook.set(xlsx, "Ladder", "B4", null);

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", null);
        assertThat(problem).hasToString("decision-tables/escalation.xlsx, sheet Ladder: the rules of this sheet are in "
                + "no group of the pipeline; put them in one of the groups " + GROUPS + " with a row RULEFLOW-GROUP | "
                + "<group> above the RuleTable");
    }

    @Test
    void aSheetInAMisspeltGroupIsReportedAtTheGroupCell() throws IOException {
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "B4", "escalaton");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, ESCALATION, "Ladder", "B4");
        assertThat(problem.message()).contains("unknown group \"escalaton\"", GROUPS);
    }

    // --- the directories -----------------------------------------------------------------------------------------

    @Test
    void aFileThatIsNeitherRulesNorTableIsReportedNotSkipped() throws IOException {
        Files.writeString(rules.resolve("notes.txt"), "remember to update the ladder");

        RuleProblem problem = onlyProblem();

        assertLocation(problem, "rules/notes.txt", null, null);
        assertThat(problem).hasToString("rules/notes.txt: not one of the rule files (.drl) this directory may hold; move "
                + "or remove it");
    }

    @Test
    void missingDirectoriesAreEachReportedWithTheirPath() {
        Path noRules = dir.resolve("rulez");
        Path noTables = dir.resolve("tablez");

        Throwable failure = catchThrowable(() -> loader().load(noRules, noTables));

        assertThat(failure).isInstanceOf(RuleSetException.class);
        assertThat(((RuleSetException) failure).problems()).extracting(RuleProblem::toString).containsExactly(
                noRules + ": the directory for rule files (.drl) does not exist; create it or point the setting at the "
                        + "right place",
                noTables + ": the directory for decision tables (.xlsx, .xls, .csv) does not exist; create it or point "
                        + "the setting at the right place");
    }

    // --- all at once -----------------------------------------------------------------------------------------------

    @Test
    void problemsInSeveralFilesAreAllReportedTogether() throws IOException {
        writeDrl("holds.drl", "DunningCase( onHold == true ))");
        writeDrl("constraints.drl", "DunningCase( vulnerabel == true )");
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "E14", "fifteen");
        writeTone("TON-01,REMINDER,1,1,CONSUMER,,,,FRIENDLY", "TON-01,REMINDER,1,1,CONSUMER,,,,CHEERFUL");
        Files.write(tables.resolve("fees.xlsx"), new byte[0]);

        RuleSetException e = failure();

        assertThat(e.problems()).extracting(RuleProblem::file, RuleProblem::sheet, RuleProblem::cell)
                .contains(tuple(ESCALATION, "Ladder", "E14"), tuple(TONE, "tone", "I14"),
                        tuple("decision-tables/fees.xlsx", null, null));
        assertThat(e.problems()).extracting(RuleProblem::toString)
                .anySatisfy(p -> assertThat(p).startsWith("rules/holds.drl:12:"))
                .anySatisfy(p -> assertThat(p).startsWith("rules/constraints.drl:12:18: DunningCase has no field "
                        + "\"vulnerabel\""));
        assertThat(e.getMessage()).startsWith(e.problems().size() + " problem(s) in the rule set:\n  ");
        assertThat(e.problems()).allMatch(RuleProblem::isError);
    }

    @Test
    void aStrayFileDoesNotHideTheProblemsOfTheRuleFilesBesideIt() throws IOException {
        Files.writeString(tables.resolve("notes.txt"), "remember to update the ladder");
        Path xlsx = writeLadder();
        BrokenWorkbook.set(xlsx, "Ladder", "E14", "fifteen");
        writeDrl("holds.drl", "DunningCase( onHoldd == true )");

        RuleSetException e = failure();

        assertThat(e.problems()).extracting(RuleProblem::location).containsExactlyInAnyOrder(
                "decision-tables/notes.txt", "decision-tables/escalation.xlsx, sheet Ladder, cell E14",
                "rules/holds.drl:12:18");
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    private static RuleSetLoader loader() {
        return new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK));
    }

    private RuleSetException failure() {
        Throwable failure = catchThrowable(() -> loader().load(rules, tables));
        assertThat(failure).as("loading the broken rule set").isInstanceOf(RuleSetException.class);
        return (RuleSetException) failure;
    }

    private RuleProblem onlyProblem() {
        RuleSetException e = failure();
        assertThat(e.problems()).as("problems").hasSize(1);
        RuleProblem problem = e.problems().get(0);
        assertThat(problem.isError()).as("severity of " + problem).isTrue();
        assertThat(e.getMessage()).isEqualTo("1 problem(s) in the rule set:\n  " + problem);
        return problem;
    }

    private static void assertLocation(RuleProblem problem, String file, String sheet, String cell) {
        assertThat(problem).as("location of " + problem)
                .extracting(RuleProblem::file, RuleProblem::sheet, RuleProblem::cell, RuleProblem::line,
                        RuleProblem::column)
                .containsExactly(file, sheet, cell, null, null);
    }

    /** A small ladder with two valid rules (rows 14 and 15). */
    private Path writeLadder() throws IOException {
        Path xlsx = tables.resolve("escalation.xlsx");
        PolicyWorkbook.write(xlsx, List.of(ladderSpec()
                .row("ESC-C2", "CONSUMER", "EUR", "5", "14", "false", "REMINDER", "2", "second reminder")
                .row("ESC-C1", "CONSUMER", "EUR", "5", "3", "false", "REMINDER", "1", "first reminder")));
        return xlsx;
    }

    private static SheetSpec ladderSpec() {
        return new SheetSpec("Ladder", "dunning.escalation.ladder", "escalation", 100)
                .imports(D + "Exposure", D + "Decision")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("Exposure", "segment == \"$param\"", "Segment", 16)
                .condition("Exposure", "currency == \"$param\"", "Currency", 10)
                .condition("Exposure", "overdueAmount >= $param", "Overdue at least", 12)
                .condition("Exposure", "maxDaysOverdue >= $param", "Days overdue from", 12)
                .condition("Exposure", "business == $param", "Business customer", 10)
                .action("decision.propose(\"$param\");", "Action", 22)
                .action("decision.stage($param);", "Stage", 8)
                .description("Description", 40);
    }

    /** The shipped tone.csv with one text replaced (which must occur in it). */
    private void writeTone(String from, String to) throws IOException {
        String shipped = Files.readString(Path.of("decision-tables", "tone.csv"));
        assertThat(shipped).as("shipped tone.csv").contains(from);
        Files.writeString(tables.resolve("tone.csv"), shipped.replace(from, to));
    }

    /** A one-rule DRL file in the holds group whose condition, on line 12, is {@code condition}. */
    private void writeDrl(String name, String condition) throws IOException {
        writeDrl(name, condition, "decision.because(\"on hold\");");
    }

    /** A one-rule DRL file in the holds group: condition on line 12, consequence on line 14. */
    private void writeDrl(String name, String condition, String consequence) throws IOException {
        Files.writeString(rules.resolve(name), """
                // One rule, with a mistake.
                package dunning.%s

                import dev.dunning.decision.DunningCase;
                import dev.dunning.decision.Decision;

                global Decision decision;

                rule "Customer on hold"
                    ruleflow-group "holds"
                when
                    %s
                then
                    %s
                end
                """.formatted(name.replace(".drl", ""), condition, consequence));
    }
}
