package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The grid of a table shows its cells as the author wrote them, with each problem on its cell. */
class TableGridsTest {

    static final String ESCALATION = "decision-tables/escalation.xlsx";

    @Test
    void aProblemIsMarkedOnItsCellAndAnErrorOutweighsAWarningThere() throws Exception {
        RuleSource source = new RuleSource(ESCALATION, Files.readAllBytes(Path.of(ESCALATION)));
        RuleProblem error = RuleProblem.atCell(ESCALATION, "Ladder", "E14", "not a whole number of days");
        RuleProblem warning = RuleProblem.warningAtCell(ESCALATION, "Ladder", "E14", "a gap");
        RuleProblem sheetWide = RuleProblem.inSheet(ESCALATION, "Ladder", "no RuleSet setting");

        List<TableGrids.Grid> grids = TableGrids.of(source, List.of(error, warning, sheetWide));

        assertThat(grids).singleElement().satisfies(grid -> {
            assertThat(grid.sheet()).isEqualTo("Ladder");
            assertThat(grid.columns()).startsWith("A", "B", "C", "D", "E");
            TableGrids.Cell e14 = cell(grid, 14, "E14");
            assertThat(e14.marks()).containsExactly(1, 2);
            assertThat(e14.severity()).isEqualTo("ERROR");
            assertThat(grid.rows().stream().flatMap(r -> r.cells().stream()).filter(c -> !c.marks().isEmpty()))
                    .as("the sheet-wide problem has no cell").hasSize(1);
            assertThat(grid.rows().get(0).number()).as("from the RuleTable row").isEqualTo(12);
            assertThat(grid.rows()).noneMatch(TableGrids.Row::gapBefore);
        });
    }

    @Test
    void aWarningAloneMarksItsCellAsAWarningAndOtherFilesAreNotDrawn() throws Exception {
        RuleSource source = new RuleSource(ESCALATION, Files.readAllBytes(Path.of(ESCALATION)));
        RuleProblem warning = RuleProblem.warningAtCell(ESCALATION, "Ladder", "D12", "a gap");
        RuleProblem elsewhere = RuleProblem.atCell("decision-tables/tone.csv", "Tone", "B3", "unknown tone");

        List<TableGrids.Grid> grids = TableGrids.of(source, List.of(warning, elsewhere));

        assertThat(grids).singleElement().satisfies(grid -> {
            assertThat(cell(grid, 12, "D12").severity()).isEqualTo("WARNING");
            assertThat(grid.problems()).containsExactly(warning);
        });
        assertThat(TableGrids.of(new RuleSource("rules/holds.drl", "rule x".getBytes()), List.of(warning))).isEmpty();
    }

    @Test
    void aGapOrOverlapWarningMarksEveryRowItIsBetweenWholeNotJustItsCell() throws Exception {
        String tone = Files.readString(Path.of("decision-tables", "tone.csv"))
                .replace("TON-02,", "TON-01C,REMINDER,5,6,CONSUMER,,,,FIRM,leaves a gap\r\nTON-02,");
        RuleSource source = new RuleSource("decision-tables/tone.csv", tone.getBytes(StandardCharsets.UTF_8));
        RuleProblem gap = new RuleSetCompiler(dev.dunning.decision.TestData.CLOCK).compile(List.of(source))
                .warnings().stream().filter(w -> w.message().startsWith("no row covers")).findFirst().orElseThrow();
        RuleProblem error = RuleProblem.atCell(source.name(), "tone", "I16", "unknown tone");

        TableGrids.Grid grid = TableGrids.of(source, List.of(error, gap)).get(0);

        assertThat(gap.rows()).containsExactly(14, 15);
        assertThat(grid.rows()).filteredOn(r -> !r.marks().isEmpty())
                .extracting(TableGrids.Row::number, TableGrids.Row::marks, TableGrids.Row::severity)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(14, List.of(2), "WARNING"),
                        org.assertj.core.groups.Tuple.tuple(15, List.of(2), "WARNING"));
        assertThat(cell(grid, 16, "I16").marks()).as("a cell's own problem stays on the cell").containsExactly(1);
        assertThat(grid.rows()).filteredOn(r -> r.number() == 16).singleElement()
                .satisfies(r -> assertThat(r.marks()).isEmpty());
    }

    @Test
    void aFiredRowIsShownHighlightedUnderItsTablesHeadWithTheRowsAroundIt() throws Exception {
        RuleSource source = new RuleSource(ESCALATION, Files.readAllBytes(Path.of(ESCALATION)));

        TableGrids.Grid grid = TableGrids.firedRow(source, "Ladder", 40).orElseThrow();

        assertThat(grid.rows()).extracting(TableGrids.Row::number)
                .as("RuleTable row 12 to the labels in row 16, then rows 38 to 42")
                .containsExactly(12, 13, 14, 15, 16, 38, 39, 40, 41, 42);
        assertThat(grid.rows()).filteredOn(TableGrids.Row::highlighted).extracting(TableGrids.Row::number)
                .containsExactly(40);
        assertThat(grid.rows()).filteredOn(TableGrids.Row::gapBefore).extracting(TableGrids.Row::number)
                .containsExactly(38);
        assertThat(grid.problems()).isEmpty();
        assertThat(TableGrids.firedRow(source, "No such sheet", 40)).isEmpty();
        assertThat(TableGrids.firedRow(new RuleSource("rules/holds.drl", "rule x".getBytes()), "Ladder", 40))
                .isEmpty();
    }

    @Test
    void aLongSheetShowsTheHeadOfTheTableAndTheRowsAroundTheProblem() throws Exception {
        RuleSource source = new RuleSource(ESCALATION, Files.readAllBytes(Path.of(ESCALATION)));
        RuleProblem late = RuleProblem.atCell(ESCALATION, "Ladder", "F90", "not a whole number of days");

        TableGrids.Grid grid = TableGrids.of(source, List.of(late)).get(0);

        assertThat(grid.rows()).extracting(TableGrids.Row::number)
                .as("RuleTable row 12 to the labels in row 16, then rows 88 to 92")
                .containsExactly(12, 13, 14, 15, 16, 88, 89, 90, 91, 92);
        assertThat(grid.rows()).filteredOn(TableGrids.Row::gapBefore).extracting(TableGrids.Row::number)
                .containsExactly(88);
        assertThat(cell(grid, 16, "F16").text()).isEqualTo("Days overdue from");
        assertThat(cell(grid, 90, "F90").marks()).containsExactly(1);
    }

    private static TableGrids.Cell cell(TableGrids.Grid grid, int row, String name) {
        return grid.rows().stream().filter(r -> r.number() == row).findFirst().orElseThrow().cells().stream()
                .filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }
}
