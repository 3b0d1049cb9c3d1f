package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Differences between two versions as a credit controller reads them: cells, rows, and a unified diff for DRL. */
class RuleSetDiffTest {

    @TempDir
    Path dir;

    static RuleSource file(String name, String content) {
        return new RuleSource(name, content.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aChangedWorkbookCellIsNamedByFileSheetAndCellWithBothValues() throws IOException {
        Path xlsx = dir.resolve("escalation.xlsx");
        Files.copy(Path.of("decision-tables", "escalation.xlsx"), xlsx);
        byte[] before = Files.readAllBytes(xlsx);
        BrokenWorkbook.set(xlsx, "Ladder", "G30", "99");

        RuleSetDiff.Result diff = RuleSetDiff.diff("a", List.of(new RuleSource("decision-tables/escalation.xlsx", before)),
                "b", List.of(new RuleSource("decision-tables/escalation.xlsx", Files.readAllBytes(xlsx))));

        assertThat(diff.files()).singleElement().satisfies(f -> {
            assertThat(f.name()).isEqualTo("decision-tables/escalation.xlsx");
            assertThat(f.change()).isEqualTo("changed");
            assertThat(f.cells()).singleElement().asString().matches("escalation\\.xlsx!Ladder!G30: \\d+ -> 99");
            assertThat(f.rowsAdded()).isEmpty();
            assertThat(f.rowsRemoved()).isEmpty();
        });
    }

    @Test
    void anInsertedAndARemovedRowAreRowsNotAShiftOfEveryCellBelow() throws IOException {
        String tone = Files.readString(Path.of("decision-tables", "tone.csv"));
        String changed = tone.replace("TON-05,OFFER_PAYMENT_PLAN,,,,,,,FRIENDLY,TON-05: payment plan offers are friendly\r\n", "")
                .replace("TON-02,", "TON-01B,REMINDER,3,3,CONSUMER,,,,NEUTRAL,new row\r\nTON-02,")
                .replace("TON-06,PHONE_CALL,,,,,,,FIRM", "TON-06,PHONE_CALL,,,,,,,FORMAL");

        assertThat(changed).doesNotContain("TON-05");
        RuleSetDiff.Result diff = RuleSetDiff.diff("a", List.of(file("decision-tables/tone.csv", tone)), "b",
                List.of(file("decision-tables/tone.csv", changed)));

        RuleSetDiff.FileDiff f = diff.files().get(0);
        assertThat(f.rowsAdded()).containsExactly("tone.csv!tone!row 15: TON-01B | REMINDER | 3 | 3 | CONSUMER |  |  |  | "
                + "NEUTRAL | new row");
        assertThat(f.rowsRemoved()).singleElement().asString().startsWith("tone.csv!tone!row 18: TON-05 | OFFER_PAYMENT_PLAN");
        assertThat(f.cells()).containsExactly("tone.csv!tone!I19: FIRM -> FORMAL");
    }

    @Test
    void aTablesChangesAreAlsoRowsToDrawWithOnlyTheChangedAddedAndRemovedRowsAndEachCellOldAndNew()
            throws IOException {
        String tone = Files.readString(Path.of("decision-tables", "tone.csv"));
        String changed = tone.replace("TON-05,OFFER_PAYMENT_PLAN,,,,,,,FRIENDLY,TON-05: payment plan offers are friendly\r\n", "")
                .replace("TON-02,", "TON-01B,REMINDER,3,3,CONSUMER,,,,NEUTRAL,new row\r\nTON-02,")
                .replace("TON-06,PHONE_CALL,,,,,,,FIRM", "TON-06,PHONE_CALL,,,,,,,FORMAL");

        RuleSetDiff.FileDiff f = RuleSetDiff.diff("a", List.of(file("decision-tables/tone.csv", tone)), "b",
                List.of(file("decision-tables/tone.csv", changed))).files().get(0);

        assertThat(f.sheets()).singleElement().satisfies(sheet -> {
            assertThat(sheet.sheet()).isEqualTo("tone");
            assertThat(sheet.columns()).containsExactly("A", "B", "C", "D", "E", "F", "G", "H", "I", "J");
            assertThat(sheet.rows()).extracting(RuleSetDiff.RowChange::change, RuleSetDiff.RowChange::row)
                    .as("only what changed: the added row, the removed row, the row with the changed cell")
                    .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple("added", 15),
                            org.assertj.core.groups.Tuple.tuple("removed", 18),
                            org.assertj.core.groups.Tuple.tuple("changed", 19));
            RuleSetDiff.RowChange row19 = sheet.rows().stream().filter(r -> r.change().equals("changed")).findFirst()
                    .orElseThrow();
            assertThat(row19.was()).as("one row added above and one removed: the same number").isNull();
            assertThat(row19.cells()).filteredOn(RuleSetDiff.CellChange::changed).singleElement()
                    .isEqualTo(new RuleSetDiff.CellChange("I19", "FIRM", "FORMAL", true));
            assertThat(row19.cells()).filteredOn(c -> !c.changed()).extracting(RuleSetDiff.CellChange::after)
                    .startsWith("TON-06", "PHONE_CALL");
            RuleSetDiff.RowChange added = sheet.rows().stream().filter(r -> r.change().equals("added")).findFirst()
                    .orElseThrow();
            assertThat(added.cells().get(0)).isEqualTo(new RuleSetDiff.CellChange("A15", null, "TON-01B", true));
            RuleSetDiff.RowChange removed = sheet.rows().stream().filter(r -> r.change().equals("removed"))
                    .findFirst().orElseThrow();
            assertThat(removed.cells().get(1)).isEqualTo(new RuleSetDiff.CellChange("B18", "OFFER_PAYMENT_PLAN", null,
                    true));
        });
    }

    @Test
    void drlFilesGetAUnifiedDiffAndAddedOrRemovedFilesAreListed() {
        RuleSource before = file("rules/holds.drl", "rule \"a\"\nwhen\nthen\n    decision.because(\"x\");\nend\n");
        RuleSource after = file("rules/holds.drl", "rule \"a\"\nwhen\nthen\n    decision.because(\"y\");\nend\n");

        RuleSetDiff.Result diff = RuleSetDiff.diff("a", List.of(before, file("rules/old.drl", "x")), "b",
                List.of(after, file("scenarios/new.csv", "scenario,action\n")));

        assertThat(diff.files()).extracting(RuleSetDiff.FileDiff::name, RuleSetDiff.FileDiff::change).containsExactly(
                org.assertj.core.groups.Tuple.tuple("rules/holds.drl", "changed"),
                org.assertj.core.groups.Tuple.tuple("rules/old.drl", "removed"),
                org.assertj.core.groups.Tuple.tuple("scenarios/new.csv", "added"));
        assertThat(diff.files().get(0).sheets()).as("a text file has no grid").isEmpty();
        assertThat(diff.files().get(0).unifiedDiff()).contains("--- a/rules/holds.drl", "+++ b/rules/holds.drl",
                "-    decision.because(\"x\");", "+    decision.because(\"y\");");
    }
}
