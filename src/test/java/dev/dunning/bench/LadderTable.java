package dev.dunning.bench;

import dev.dunning.decision.Exposure;
import dev.dunning.tools.PolicyWorkbook;
import dev.dunning.tools.PolicyWorkbook.SheetSpec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;

/**
 * An escalation ladder as plain Java data: the rows of a sheet laid out exactly like the shipped "Ladder" sheet of
 * decision-tables/escalation.xlsx (same columns, same code templates, same "worst step first, first matching row
 * wins" reading), plus the hand-written lookup over those rows that serves as the floor of the benchmark.
 *
 * <p>{@link #generated()} builds the 1,000-row ladder of the benchmark; {@link #readLadder(Path)} reads the rows of the
 * shipped Ladder sheet, so that the plain-Java lookup of the shipped policy is the shipped table and nothing else.
 */
public final class LadderTable {

    public static final List<String> SEGMENTS = List.of("CONSUMER", "SMALL_BUSINESS", "ENTERPRISE", "PUBLIC_SECTOR");
    public static final List<String> CURRENCIES = List.of("EUR", "USD", "GBP", "CHF", "SEK");
    public static final int STAGES = 10;
    /** Lower bounds of the amount bands, in units of the currency (SEK: ten times these). */
    static final int[] BAND_MINIMUMS = {5, 100, 500, 2_000, 10_000};
    public static final int DAYS_BETWEEN_CONTACTS = 7;

    /**
     * One row. Null / empty fields do not constrain, as empty cells in the sheet. {@code stageReachedFrom/UpTo} and the
     * thresholds are inclusive, as in the sheet's templates ({@code >=}, {@code <=}).
     */
    public record Step(
            String policy,
            String segment,
            String currency,
            Set<String> otherThan,
            BigDecimal overdueAtLeast,
            Integer daysFrom,
            Integer stageReachedFrom,
            Integer stageReachedUpTo,
            String action,
            int stage,
            int daysBetweenContacts) {

        /** The same test the generated rule makes, condition by condition, on the same fact. */
        boolean matches(Exposure e) {
            return (segment == null || segment.equals(e.getSegment()))
                    && (currency == null || currency.equals(e.getCurrency()))
                    && (otherThan == null || !otherThan.contains(e.getCurrency()))
                    && (overdueAtLeast == null || e.getOverdueAmount().compareTo(overdueAtLeast) >= 0)
                    && (daysFrom == null || e.getMaxDaysOverdue() >= daysFrom)
                    && (stageReachedFrom == null || e.getStageReached() >= stageReachedFrom)
                    && (stageReachedUpTo == null || e.getStageReached() <= stageReachedUpTo);
        }
    }

    private final List<Step> steps;
    private final Step[] array;

    public LadderTable(List<Step> steps) {
        this.steps = List.copyOf(steps);
        this.array = steps.toArray(Step[]::new);
    }

    public List<Step> steps() {
        return steps;
    }

    public int size() {
        return array.length;
    }

    /** (c) The floor: the first row, top to bottom, whose conditions all hold for one of the exposures; or null. */
    public Step firstMatch(List<Exposure> exposures) {
        // Row order first, then the exposures: the same precedence as the rows' descending salience in Drools.
        for (Step step : array) {
            for (int i = 0, n = exposures.size(); i < n; i++) {
                if (step.matches(exposures.get(i))) {
                    return step;
                }
            }
        }
        return null;
    }

    // --- the generated 1,000-row ladder --------------------------------------------------------------------------

    /**
     * 4 segments x 5 currencies x 10 stages x 5 amount bands = 1,000 rows. Within a segment and currency the rows go
     * worst step first (stage 10 down to 1) and, within a stage, largest amount band first; a larger debt reaches a
     * step a few days sooner. As in the shipped ladder a row applies to the next stage only (stage reached from = up
     * to = stage - 1), and "Overdue at least" is a lower bound, so up to five rows of one stage can match the same
     * exposure and the first of them wins: Drools fires all of them, the later ones are recorded as overridden.
     */
    public static LadderTable generated() {
        List<Step> steps = new ArrayList<>();
        for (int s = 0; s < SEGMENTS.size(); s++) {
            String segment = SEGMENTS.get(s);
            int grace = new int[] {3, 7, 7, 14}[s];
            for (String currency : CURRENCIES) {
                int scale = currency.equals("SEK") ? 10 : 1;
                for (int stage = STAGES; stage >= 1; stage--) {
                    for (int band = BAND_MINIMUMS.length - 1; band >= 0; band--) {
                        int daysFrom = Math.max(1, grace + (stage - 1) * 9 - band);
                        steps.add(new Step(
                                String.format("GEN-%s-%s-%02d-%d", segment.substring(0, 2), currency, stage, band),
                                segment, currency, null,
                                BigDecimal.valueOf((long) BAND_MINIMUMS[band] * scale),
                                daysFrom, stage - 1, stage - 1,
                                action(segment, stage, band), stage, DAYS_BETWEEN_CONTACTS));
                    }
                }
            }
        }
        return new LadderTable(steps);
    }

    static String action(String segment, int stage, int band) {
        return switch (stage) {
            case 1, 2, 3 -> "REMINDER";
            case 4, 5 -> "PHONE_CALL";
            case 6 -> band >= 3 ? "OFFER_PAYMENT_PLAN" : "PHONE_CALL";
            case 7, 8 -> "FINAL_NOTICE";
            case 9 -> segment.equals("PUBLIC_SECTOR") ? "FINAL_NOTICE" : "SUSPEND_SERVICE";
            default -> segment.equals("PUBLIC_SECTOR") ? "MANUAL_REVIEW" : "COLLECTION_HANDOVER";
        };
    }

    /** The sheet, with the columns and code templates of the shipped Ladder sheet, in the same package and group. */
    public SheetSpec sheet() {
        SheetSpec s = new SheetSpec("Ladder", "dunning.escalation.ladder", "escalation", 10000)
                .imports("dev.dunning.decision.Exposure", "dev.dunning.decision.Decision")
                .note("Generated for the benchmark: " + steps.size() + " rows on Exposure; the first row that "
                        + "matches wins.")
                .metadata("policy(\"$param\")", "Policy", 10)
                .condition("Exposure", "segment == \"$param\"", "Segment", 16)
                .condition("Exposure", "currency == \"$param\"", "Currency", 10)
                .condition("Exposure", "currency not in ($param)", "Other currencies (not one of)", 22)
                .condition("Exposure", "overdueAmount >= $param", "Overdue at least", 12)
                .condition("Exposure", "maxDaysOverdue >= $param", "Days overdue from", 12)
                .condition("Exposure", "stageReached >= $param", "Stage reached from", 12)
                .condition("Exposure", "stageReached <= $param", "Stage reached up to", 12)
                .action("decision.propose(\"$param\");", "Action", 22)
                .action("decision.stage($param);", "Stage", 8)
                .action("decision.daysBetweenContacts($param);", "Days between contacts", 12)
                .description("Description", 70);
        for (Step step : steps) {
            s.row(step.policy(), text(step.segment()), text(step.currency()),
                    step.otherThan() == null ? "" : step.otherThan().stream().sorted()
                            .map(c -> "\"" + c + "\"").collect(Collectors.joining(", ")),
                    text(step.overdueAtLeast()), text(step.daysFrom()), text(step.stageReachedFrom()),
                    text(step.stageReachedUpTo()), step.action(), Integer.toString(step.stage()),
                    Integer.toString(step.daysBetweenContacts()),
                    step.policy() + ": stage " + step.stage() + " " + step.action());
        }
        return s;
    }

    private static String text(Object value) {
        return value == null ? "" : value instanceof BigDecimal d ? d.toPlainString() : value.toString();
    }

    /**
     * Writes a decision-tables directory for the benchmark: the shipped tables as they are, except that the shipped
     * Ladder sheet is removed from escalation.xlsx (its "Payment failures" sheet stays, untouched) and this ladder is
     * written to ladder.xlsx in its place, in the same package and agenda group.
     */
    public void writeTablesDir(Path shippedTables, Path target) throws IOException {
        Files.createDirectories(target);
        try (var files = Files.list(shippedTables)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                String name = file.getFileName().toString();
                if (name.startsWith(".") || name.startsWith("~$")) {
                    continue;
                }
                if (!name.equals("escalation.xlsx")) {
                    Files.copy(file, target.resolve(name));
                    continue;
                }
                try (InputStream in = Files.newInputStream(file); Workbook wb = WorkbookFactory.create(in);
                        OutputStream out = Files.newOutputStream(target.resolve(name))) {
                    wb.removeSheetAt(wb.getSheetIndex("Ladder"));
                    wb.write(out);
                }
            }
        }
        PolicyWorkbook.write(target.resolve("ladder.xlsx"), List.of(sheet()));
    }

    // --- reading the shipped ladder ------------------------------------------------------------------------------

    /** The rows of the shipped Ladder sheet of {@code escalation.xlsx}, in sheet order. */
    public static LadderTable readLadder(Path escalationXlsx) throws IOException {
        List<Step> steps = new ArrayList<>();
        DataFormatter fmt = new DataFormatter();
        try (InputStream in = Files.newInputStream(escalationXlsx); Workbook wb = WorkbookFactory.create(in)) {
            Sheet sheet = wb.getSheet("Ladder");
            int tableRow = findRuleTable(sheet, fmt);
            Row templates = sheet.getRow(tableRow + 3);
            int columns = templates.getLastCellNum();
            String[] template = new String[columns];
            for (int c = 0; c < columns; c++) {
                template[c] = fmt.formatCellValue(templates.getCell(c));
            }
            for (int r = tableRow + 5; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                if (row == null || fmt.formatCellValue(row.getCell(0)).isBlank()) {
                    break;
                }
                String segment = null, currency = null, action = null;
                Set<String> otherThan = null;
                BigDecimal atLeast = null;
                Integer daysFrom = null, from = null, upTo = null;
                int stage = 0, interval = 0;
                for (int c = 0; c < columns; c++) {
                    String v = fmt.formatCellValue(row.getCell(c)).trim();
                    if (v.isEmpty()) {
                        continue;
                    }
                    switch (template[c]) {
                        case "segment == \"$param\"" -> segment = v;
                        case "currency == \"$param\"" -> currency = v;
                        case "currency not in ($param)" -> otherThan = Arrays.stream(v.split(","))
                                .map(x -> x.trim().replace("\"", "")).collect(Collectors.toSet());
                        case "overdueAmount >= $param" -> atLeast = new BigDecimal(v);
                        case "maxDaysOverdue >= $param" -> daysFrom = Integer.valueOf(v);
                        case "stageReached >= $param" -> from = Integer.valueOf(v);
                        case "stageReached <= $param" -> upTo = Integer.valueOf(v);
                        case "decision.propose(\"$param\");" -> action = v;
                        case "decision.stage($param);" -> stage = Integer.parseInt(v);
                        case "decision.daysBetweenContacts($param);" -> interval = Integer.parseInt(v);
                        case "policy(\"$param\")", "" -> { }
                        default -> throw new IllegalStateException(
                                "The shipped Ladder sheet has a column this reader does not know: " + template[c]);
                    }
                }
                steps.add(new Step(fmt.formatCellValue(row.getCell(0)), segment, currency, otherThan, atLeast,
                        daysFrom, from, upTo, action, stage, interval));
            }
        }
        return new LadderTable(steps);
    }

    private static int findRuleTable(Sheet sheet, DataFormatter fmt) {
        for (int r = 0; r <= sheet.getLastRowNum(); r++) {
            Row row = sheet.getRow(r);
            if (row != null && fmt.formatCellValue(row.getCell(0)).startsWith("RuleTable")) {
                return r;
            }
        }
        throw new IllegalStateException("no RuleTable in sheet " + sheet.getSheetName());
    }
}
