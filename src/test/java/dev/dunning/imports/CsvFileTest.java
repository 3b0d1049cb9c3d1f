package dev.dunning.imports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
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
    void aFileThatIsNotUtf8IsReportedAtTheLineOfTheFirstByteThatIsNot() throws Exception {
        StringBuilder text = new StringBuilder("id,name\n");
        for (int i = 2; i < 40; i++) {
            text.append("C-").append(i).append(",Name ").append(i).append('\n');
        }
        byte[] good = text.toString().getBytes(StandardCharsets.UTF_8);
        // Line 40 was saved as Latin-1 by a spreadsheet program: the e with an accent is the single byte 0xE9.
        byte[] bad = "C-40,Ren\u00e9\n".getBytes(StandardCharsets.ISO_8859_1);
        Path file = dir.resolve("latin.csv");
        Files.write(file, ByteBuffer.allocate(good.length + bad.length).put(good).put(bad).array());

        // Wherever the decoder meets it (opening the file reads a first buffer of several lines), line 40 is named.
        assertThatThrownBy(() -> {
            try (CsvFile csv = new CsvFile(file)) {
                while (csv.next() != null) {
                    assertThat(csv).isNotNull();
                }
            }
        }).isInstanceOfSatisfying(CsvFile.Broken.class, broken -> assertThat(broken.line).isEqualTo(40))
                .hasMessageContaining("not UTF-8");
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
