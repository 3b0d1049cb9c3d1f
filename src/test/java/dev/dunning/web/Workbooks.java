package dev.dunning.web;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.apache.poi.ss.util.CellReference;

/** Workbooks the browser tests upload: a shipped decision table with cells written over, as a person might in Excel. */
public final class Workbooks {

    private Workbooks() {}

    /**
     * A copy of {@code decision-tables/{file}}, under its own name in a new temporary folder, with each cell (e.g.
     * "F18") of the sheet set to its value: a number as a number cell, anything else as text.
     */
    public static Path shippedWith(String file, String sheet, Map<String, ?> cells) throws Exception {
        Path copy = Files.createTempDirectory("console-upload").resolve(file);
        try (InputStream in = Files.newInputStream(Path.of("decision-tables", file));
                Workbook wb = WorkbookFactory.create(in)) {
            cells.forEach((name, value) -> {
                CellReference ref = new CellReference(name);
                Row row = wb.getSheet(sheet).getRow(ref.getRow());
                Cell found = row.getCell(ref.getCol());
                Cell cell = found == null ? row.createCell(ref.getCol()) : found;
                if (value instanceof Number number) {
                    cell.setCellValue(number.doubleValue());
                } else {
                    cell.setCellValue(String.valueOf(value));
                }
            });
            try (OutputStream out = Files.newOutputStream(copy)) {
                wb.write(out);
            }
        }
        return copy;
    }
}
