package dev.dunning.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Records come with the line an editor shows for them, whatever line breaks and quoted values precede them. */
class CsvFileTest {

    @TempDir
    Path dir;

    @Test
    void eachRecordKnowsThePhysicalLineItStartsOn() throws Exception {
        Path file = Files.writeString(dir.resolve("f.csv"),
                "\uFEFFid,name\r\nA,\"two\nlines\"\n\n  \nB,\"three\r\n\r\nlines\"\nC,last");

        List<String> seen = new ArrayList<>();
        try (CsvFile csv = new CsvFile(file)) {
            for (CsvFile.Line line = csv.next(); line != null; line = csv.next()) {
                seen.add(line.number() + ":" + line.record().get(0));
            }
        }

        // The byte-order mark is not part of the first column's name; blank lines are counted and passed over.
        assertThat(seen).containsExactly("1:id", "2:A", "6:B", "9:C");
    }

    @Test
    void anUnclosedQuoteIsReportedAtTheLineWhereItsRecordStarts() throws Exception {
        Path file = Files.writeString(dir.resolve("f.csv"), "id,name\nA,ok\nB,\"never closed\nC,x\n");

        try (CsvFile csv = new CsvFile(file)) {
            csv.next();
            csv.next();
            assertThatThrownBy(csv::next).isInstanceOfSatisfying(CsvFile.Broken.class,
                    broken -> assertThat(broken.line).isEqualTo(3))
                    .hasMessageContaining("must be in double quotes");
        }
    }
}
