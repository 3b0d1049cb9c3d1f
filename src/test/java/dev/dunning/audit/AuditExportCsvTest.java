package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** CSV cells an auditor's spreadsheet would run as formulas are written as text (OWASP CSV injection). */
class AuditExportCsvTest {

    @Test
    void cellsStartingLikeAFormulaGetAQuoteInFront() {
        assertThat(csv("=HYPERLINK(\"http://evil\",\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",");
        assertThat(csv("+1+1")).isEqualTo("'+1+1,");
        assertThat(csv("-2+3")).isEqualTo("'-2+3,");
        assertThat(csv("@SUM(A1)")).isEqualTo("'@SUM(A1),");
        assertThat(csv("\tcmd")).isEqualTo("'\tcmd,");
        assertThat(csv("\rcmd")).isEqualTo("\"'\rcmd\",");
    }

    @Test
    void otherCellsAreWrittenAsTheyAre() {
        assertThat(csv("C-1")).isEqualTo("C-1,");
        assertThat(csv("a=b")).isEqualTo("a=b,");
        assertThat(csv("x, y")).isEqualTo("\"x, y\",");
        assertThat(csv("")).isEqualTo(",");
        assertThat(csv(null)).isEqualTo(",");
    }

    private static String csv(String value) {
        StringBuilder line = new StringBuilder();
        AuditExport.field(line, value);
        return line.toString();
    }
}
