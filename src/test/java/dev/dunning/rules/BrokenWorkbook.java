package dev.dunning.rules;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Damages workbooks the way people do: a cell edited by hand, a settings row deleted, a file cut short or saved as
 * something else. Used by {@link RuleProblemsTest} on workbooks written by {@link dev.dunning.tools.PolicyWorkbook}.
 */
final class BrokenWorkbook {

    private BrokenWorkbook() {}

    /** Writes {@code value} into the cell (e.g. "E14") of a sheet, as text; {@code null} empties the cell. */
    static void set(Path xlsx, String sheetName, String cellRef, String value) throws IOException {
        Workbook wb;
        try (InputStream in = Files.newInputStream(xlsx)) {
            wb = WorkbookFactory.create(in);
        }
        try (wb) {
            Sheet sheet = wb.getSheet(sheetName);
            if (sheet == null) {
                throw new IllegalArgumentException("no sheet " + sheetName + " in " + xlsx);
            }
            CellReference ref = new CellReference(cellRef);
            Row row = sheet.getRow(ref.getRow());
            if (row == null) {
                row = sheet.createRow(ref.getRow());
            }
            if (value == null) {
                Cell cell = row.getCell(ref.getCol());
                if (cell != null) {
                    row.removeCell(cell);
                }
            } else {
                Cell cell = row.getCell(ref.getCol());
                (cell == null ? row.createCell(ref.getCol()) : cell).setCellValue(value);
            }
            try (OutputStream out = Files.newOutputStream(xlsx)) {
                wb.write(out);
            }
        }
    }

    /** A well-formed workbook whose only sheet holds notes, and no RuleTable. */
    static void notesOnly(Path xlsx, String... lines) throws IOException {
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(xlsx)) {
            Sheet sheet = wb.createSheet("Notes");
            for (int i = 0; i < lines.length; i++) {
                sheet.createRow(i).createCell(0).setCellValue(lines[i]);
            }
            wb.write(out);
        }
    }

    /** The first half of a file: what a copy interrupted half way, or a half-synchronised share, leaves behind. */
    static void truncate(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
    }
}
