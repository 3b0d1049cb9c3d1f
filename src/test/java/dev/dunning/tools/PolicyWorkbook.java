package dev.dunning.tools;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.poi.ss.usermodel.BorderStyle;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FillPatternType;
import org.apache.poi.ss.usermodel.Font;
import org.apache.poi.ss.usermodel.IndexedColors;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.util.CellRangeAddress;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Writes a decision-table workbook a credit controller can read in Excel or LibreOffice: the RuleSet settings on top,
 * a styled header, sensible column widths, the fact name merged over its condition columns, and a description column
 * that states the policy reference of each row. Used by {@link DefaultPolicyWorkbooks} and by tests that need a
 * workbook of their own.
 */
public final class PolicyWorkbook {

    /** One column: header (CONDITION, ACTION, ...), fact (for conditions), code template, label, width in chars. */
    public record Column(String header, String fact, String template, String label, int width) {}

    /** One sheet holding one rule table. */
    public static final class SheetSpec {
        final String name;
        final String ruleSet;
        final String group;
        final int maxPriority;
        final List<String> imports = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        final List<Column> columns = new ArrayList<>();
        final List<List<String>> rows = new ArrayList<>();
        String table;

        public SheetSpec(String name, String ruleSet, String group, int maxPriority) {
            this.name = name;
            this.ruleSet = ruleSet;
            this.group = group;
            this.maxPriority = maxPriority;
            this.table = name.replace(" ", "");
        }

        public SheetSpec imports(String... classes) {
            imports.addAll(List.of(classes));
            return this;
        }

        public SheetSpec note(String text) {
            notes.add(text);
            return this;
        }

        public SheetSpec condition(String fact, String template, String label, int width) {
            columns.add(new Column("CONDITION", fact, template, label, width));
            return this;
        }

        public SheetSpec action(String template, String label, int width) {
            columns.add(new Column("ACTION", null, template, label, width));
            return this;
        }

        public SheetSpec metadata(String template, String label, int width) {
            columns.add(new Column("METADATA", null, template, label, width));
            return this;
        }

        public SheetSpec description(String label, int width) {
            columns.add(new Column("DESCRIPTION", null, null, label, width));
            return this;
        }

        public SheetSpec row(String... values) {
            if (values.length != columns.size()) {
                throw new IllegalArgumentException(name + ": row has " + values.length + " values for "
                        + columns.size() + " columns: " + String.join("|", values));
            }
            rows.add(List.of(values));
            return this;
        }
    }

    private PolicyWorkbook() {}

    public static void write(Path file, List<SheetSpec> sheets) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (XSSFWorkbook wb = new XSSFWorkbook(); OutputStream out = Files.newOutputStream(file)) {
            Styles styles = new Styles(wb);
            for (SheetSpec spec : sheets) {
                writeSheet(wb.createSheet(spec.name), spec, styles);
            }
            wb.write(out);
        }
    }

    public static byte[] bytes(List<SheetSpec> sheets) throws IOException {
        Path tmp = Files.createTempFile("policy", ".xlsx");
        try {
            write(tmp, sheets);
            return Files.readAllBytes(tmp);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeSheet(Sheet sheet, SheetSpec spec, Styles styles) {
        int r = 0;
        r = setting(sheet, r, "RuleSet", spec.ruleSet, styles);
        r = setting(sheet, r, "Import", String.join(", ", spec.imports), styles);
        r = setting(sheet, r, "Variables", "dev.dunning.decision.Decision decision", styles);
        r = setting(sheet, r, "RULEFLOW-GROUP", spec.group, styles);
        r = setting(sheet, r, "Sequential", "true", styles);
        r = setting(sheet, r, "SequentialMaxPriority", Integer.toString(spec.maxPriority), styles);
        r = setting(sheet, r, "EscapeQuotes", "false", styles);
        for (String note : spec.notes) {
            Cell cell = sheet.createRow(r++).createCell(0);
            cell.setCellValue(note);
            cell.setCellStyle(styles.note);
        }
        r++;
        int titleRow = r;
        Cell title = sheet.createRow(r++).createCell(0);
        title.setCellValue("RuleTable " + spec.table);
        title.setCellStyle(styles.title);

        Row headers = sheet.createRow(r++);
        Row facts = sheet.createRow(r++);
        Row templates = sheet.createRow(r++);
        Row labels = sheet.createRow(r++);
        for (int c = 0; c < spec.columns.size(); c++) {
            Column col = spec.columns.get(c);
            cell(headers, c, col.header(), styles.header);
            cell(facts, c, col.fact() == null ? "" : col.fact(), styles.code);
            cell(templates, c, col.template() == null ? "" : col.template(), styles.code);
            cell(labels, c, col.label(), styles.label);
            sheet.setColumnWidth(c, Math.max(10, col.width()) * 256);
        }
        // The fact name is merged over each run of condition columns on the same fact: one pattern, no joins.
        int start = -1;
        for (int c = 0; c <= spec.columns.size(); c++) {
            String fact = c < spec.columns.size() ? spec.columns.get(c).fact() : null;
            String startFact = start >= 0 ? spec.columns.get(start).fact() : null;
            if (start >= 0 && !java.util.Objects.equals(fact, startFact)) {
                if (c - 1 > start) {
                    sheet.addMergedRegion(new CellRangeAddress(facts.getRowNum(), facts.getRowNum(), start, c - 1));
                }
                start = -1;
            }
            if (start < 0 && fact != null) {
                start = c;
            }
        }
        for (List<String> values : spec.rows) {
            Row row = sheet.createRow(r++);
            for (int c = 0; c < values.size(); c++) {
                String v = values.get(c);
                Cell cell = row.createCell(c);
                cell.setCellStyle(spec.columns.get(c).header().equals("DESCRIPTION") ? styles.wrap : styles.value);
                if (!v.isEmpty()) {
                    cell.setCellValue(v);
                }
            }
        }
        sheet.createFreezePane(0, titleRow + 5);
    }

    private static int setting(Sheet sheet, int r, String key, String value, Styles styles) {
        Row row = sheet.createRow(r);
        cell(row, 0, key, styles.settingKey);
        cell(row, 1, value, styles.setting);
        return r + 1;
    }

    private static void cell(Row row, int c, String value, CellStyle style) {
        Cell cell = row.createCell(c);
        cell.setCellValue(value);
        cell.setCellStyle(style);
    }

    private static final class Styles {
        final CellStyle title;
        final CellStyle header;
        final CellStyle code;
        final CellStyle label;
        final CellStyle value;
        final CellStyle wrap;
        final CellStyle note;
        final CellStyle settingKey;
        final CellStyle setting;

        Styles(XSSFWorkbook wb) {
            Font bold = wb.createFont();
            bold.setBold(true);
            Font white = wb.createFont();
            white.setBold(true);
            white.setColor(IndexedColors.WHITE.getIndex());
            Font grey = wb.createFont();
            grey.setColor(IndexedColors.GREY_50_PERCENT.getIndex());
            grey.setFontName("Courier New");
            Font italic = wb.createFont();
            italic.setItalic(true);

            title = wb.createCellStyle();
            Font big = wb.createFont();
            big.setBold(true);
            big.setFontHeightInPoints((short) 13);
            title.setFont(big);
            header = filled(wb, IndexedColors.DARK_TEAL, white);
            code = wb.createCellStyle();
            code.setFont(grey);
            label = filled(wb, IndexedColors.LIGHT_TURQUOISE, bold);
            label.setWrapText(true);
            value = bordered(wb);
            wrap = bordered(wb);
            wrap.setWrapText(true);
            note = wb.createCellStyle();
            note.setFont(italic);
            settingKey = wb.createCellStyle();
            settingKey.setFont(bold);
            setting = wb.createCellStyle();
        }

        private static CellStyle filled(XSSFWorkbook wb, IndexedColors color, Font font) {
            CellStyle s = bordered(wb);
            s.setFillForegroundColor(color.getIndex());
            s.setFillPattern(FillPatternType.SOLID_FOREGROUND);
            s.setFont(font);
            return s;
        }

        private static CellStyle bordered(XSSFWorkbook wb) {
            CellStyle s = wb.createCellStyle();
            s.setBorderBottom(BorderStyle.THIN);
            s.setBorderTop(BorderStyle.THIN);
            s.setBorderLeft(BorderStyle.THIN);
            s.setBorderRight(BorderStyle.THIN);
            return s;
        }
    }
}
