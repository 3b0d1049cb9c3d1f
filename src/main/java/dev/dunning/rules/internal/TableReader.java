package dev.dunning.rules.internal;

import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.drools.decisiontable.SpreadsheetCompiler;
import org.drools.decisiontable.parser.DefaultRuleSheetListener;
import org.drools.decisiontable.parser.csv.CsvLineParser;
import org.drools.decisiontable.parser.csv.CsvParser;
import org.drools.decisiontable.parser.xls.ExcelParser;
import org.drools.template.parser.DataListener;

/**
 * Reads a decision table file into grids, one per sheet, through Drools' own parsers so that what we check is what
 * Drools will compile. A file that cannot be read becomes a problem, never an exception.
 */
public final class TableReader {

    /**
     * The sheets read, or the problems that made reading impossible; and for each sheet (by name) the DRL Drools makes
     * of it, gathered in the same pass: a workbook is parsed once, not once more for each of its sheets.
     */
    public record Result(List<SheetGrid> sheets, List<RuleProblem> problems, Map<String, SheetDrl> drl) {

        Result(List<SheetGrid> sheets, List<RuleProblem> problems) {
            this(sheets, problems, Map.of());
        }
    }

    public Result read(RuleSource source) {
        List<RuleProblem> problems = new ArrayList<>();
        if (source.content().length == 0) {
            problems.add(RuleProblem.inFile(source.name(), "the file is empty; a decision table needs a RuleTable"));
            return new Result(List.of(), problems);
        }
        if (source.isCsv()) {
            int line = firstLineNotUtf8(source.content());
            if (line > 0) {
                problems.add(RuleProblem.atLine(source.name(), line, null, "this line is not UTF-8 text (a character "
                        + "saved in another encoding, such as Windows-1252); save the file as \"CSV UTF-8\" and "
                        + "upload it again"));
                return new Result(List.of(), problems);
            }
        }
        try {
            Map<String, SheetDrl> drl = new LinkedHashMap<>();
            List<SheetGrid> sheets = source.isCsv() ? readCsv(source, drl) : readWorkbook(source, drl);
            return new Result(sheets, problems, drl);
        } catch (RuntimeException | IOException e) {
            problems.add(RuleProblem.inFile(source.name(), unreadable(source) + " (" + rootMessage(e) + ")"));
            return new Result(List.of(), problems);
        }
    }

    private static List<SheetGrid> readCsv(RuleSource source, Map<String, SheetDrl> drl) {
        SheetGrid grid = new SheetGrid(csvSheetName(source.name()));
        // As SpreadsheetCompiler.compile(stream, InputType.CSV) sets it up.
        SheetDrl rules = new SheetDrl(new DefaultRuleSheetListener(true, true));
        drl.put(grid.name(), rules);
        new CsvParser(List.of(new GridListener(grid), rules), new CsvLineParser())
                .parseFile(new ByteArrayInputStream(source.content()));
        return List.of(grid);
    }

    /**
     * The first line (1-based) holding bytes that are not UTF-8, or 0 when the whole file is UTF-8. A line break byte
     * never occurs inside a UTF-8 sequence, so the file can be checked line by line.
     */
    static int firstLineNotUtf8(byte[] content) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        int line = 1;
        int start = 0;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                try {
                    decoder.reset().decode(ByteBuffer.wrap(content, start, i - start));
                } catch (CharacterCodingException e) {
                    return line;
                }
                line++;
                start = i + 1;
            }
        }
        return 0;
    }

    /** A CSV file has one sheet; problems in it are reported under the file's base name. */
    public static String csvSheetName(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        return base.substring(0, base.lastIndexOf('.'));
    }

    private static List<SheetGrid> readWorkbook(RuleSource source, Map<String, SheetDrl> drl) throws IOException {
        try (Workbook workbook = WorkbookFactory.create(new ByteArrayInputStream(source.content()))) {
            Map<String, List<DataListener>> listeners = new LinkedHashMap<>();
            List<SheetGrid> grids = new ArrayList<>();
            for (int i = 0; i < workbook.getNumberOfSheets(); i++) {
                SheetGrid grid = new SheetGrid(workbook.getSheetName(i));
                grids.add(grid);
                // As SpreadsheetCompiler.compile(stream, sheetName) sets it up.
                DefaultRuleSheetListener ruleSheet = new DefaultRuleSheetListener();
                ruleSheet.setWorksheetName(grid.name());
                SheetDrl rules = new SheetDrl(ruleSheet);
                drl.put(grid.name(), rules);
                listeners.put(grid.name(), List.of(new GridListener(grid), rules));
            }
            new ExcelParser(listeners).parseWorkbook(workbook);
            return grids;
        }
    }

    private static String unreadable(RuleSource source) {
        return source.isCsv()
                ? "the file is not a readable CSV decision table"
                : "the file is not a readable Excel workbook; save it again as .xlsx from Excel or LibreOffice";
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    /**
     * Drools' own reading of one sheet into rules, fed by the same parse as its grid. Sheets that hold no table (notes,
     * instructions) make Drools' listener throw; that is kept until someone asks for the sheet's DRL, and the grid is
     * read whatever the listener thinks of it.
     */
    public static final class SheetDrl implements DataListener {
        private final DefaultRuleSheetListener listener;
        private RuntimeException failure;

        SheetDrl(DefaultRuleSheetListener listener) {
            this.listener = listener;
        }

        /**
         * The DRL Drools generates for the sheet.
         *
         * @throws RuntimeException what Drools threw while reading it (e.g. a DecisionTableParseException)
         */
        public String drl() {
            if (failure != null) {
                throw failure;
            }
            return new SpreadsheetCompiler().listenerToString(listener);
        }

        private void guarded(Runnable step) {
            if (failure != null) {
                return;
            }
            try {
                step.run();
            } catch (RuntimeException e) {
                failure = e;
            }
        }

        @Override
        public void startSheet(String name) {
            guarded(() -> listener.startSheet(name));
        }

        @Override
        public void finishSheet() {
            guarded(listener::finishSheet);
        }

        @Override
        public void newRow(int rowNumber, int columns) {
            guarded(() -> listener.newRow(rowNumber, columns));
        }

        @Override
        public void newCell(int row, int column, String value, int mergedColStart) {
            guarded(() -> listener.newCell(row, column, value, mergedColStart));
        }
    }

    private static final class GridListener implements DataListener {
        private final SheetGrid grid;

        GridListener(SheetGrid grid) {
            this.grid = grid;
        }

        @Override
        public void startSheet(String name) {}

        @Override
        public void finishSheet() {}

        @Override
        public void newRow(int rowNumber, int columns) {}

        @Override
        public void newCell(int row, int column, String value, int mergedColStart) {
            // A CSV merge ("Exposure...,...") hands continuation cells an empty text: give them the merged value,
            // as Excel's merged regions do, so every column knows its fact.
            boolean continuation = mergedColStart != NON_MERGED && mergedColStart != column;
            if (mergedColStart != NON_MERGED) {
                grid.merged(row, column, mergedColStart);
                if (continuation && (value == null || value.isBlank())) {
                    grid.blankContinuation(row, column);
                }
            }
            grid.put(row, column, continuation && (value == null || value.isBlank())
                    ? grid.get(row, mergedColStart)
                    : value);
        }
    }
}
