package dev.dunning.rules.internal;

import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSource;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.drools.decisiontable.parser.csv.CsvLineParser;
import org.drools.decisiontable.parser.csv.CsvParser;
import org.drools.decisiontable.parser.xls.ExcelParser;
import org.drools.template.parser.DataListener;

/**
 * Reads a decision table file into grids, one per sheet, through Drools' own parsers so that what we check is what
 * Drools will compile. A file that cannot be read becomes a problem, never an exception.
 */
public final class TableReader {

    /** The sheets read, or the problems that made reading impossible. */
    public record Result(List<SheetGrid> sheets, List<RuleProblem> problems) {}

    public Result read(RuleSource source) {
        List<RuleProblem> problems = new ArrayList<>();
        if (source.content().length == 0) {
            problems.add(RuleProblem.inFile(source.name(), "the file is empty; a decision table needs a RuleTable"));
            return new Result(List.of(), problems);
        }
        try {
            return new Result(source.isCsv() ? readCsv(source) : readWorkbook(source), problems);
        } catch (RuntimeException | IOException e) {
            problems.add(RuleProblem.inFile(source.name(), unreadable(source) + " (" + rootMessage(e) + ")"));
            return new Result(List.of(), problems);
        }
    }

    private static List<SheetGrid> readCsv(RuleSource source) {
        SheetGrid grid = new SheetGrid(csvSheetName(source.name()));
        new CsvParser(new GridListener(grid), new CsvLineParser()).parseFile(new ByteArrayInputStream(source.content()));
        return List.of(grid);
    }

    /** A CSV file has one sheet; problems in it are reported under the file's base name. */
    public static String csvSheetName(String fileName) {
        String base = fileName.substring(fileName.lastIndexOf('/') + 1);
        return base.substring(0, base.lastIndexOf('.'));
    }

    private static List<SheetGrid> readWorkbook(RuleSource source) throws IOException {
        try (Workbook workbook = WorkbookFactory.create(new ByteArrayInputStream(source.content()))) {
            Map<String, List<DataListener>> listeners = new LinkedHashMap<>();
            List<SheetGrid> grids = new ArrayList<>();
            for (int i = 0; i < workbook.getNumberOfSheets(); i++) {
                SheetGrid grid = new SheetGrid(workbook.getSheetName(i));
                grids.add(grid);
                listeners.put(grid.name(), List.of(new GridListener(grid)));
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
