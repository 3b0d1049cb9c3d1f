package dev.dunning.rules.internal;

import static dev.dunning.rules.internal.SheetGrid.cellName;

import dev.dunning.decision.RuleParam;
import dev.dunning.rules.RuleProblem;
import java.lang.reflect.Method;
import java.lang.reflect.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a decision table sheet before Drools sees it: known column headers only (Drools would take any word by its
 * first letter), a fact type the model has, fields and Decision methods that exist, and each cell's value against the
 * type of the field or parameter it feeds, including codes against the catalogue.
 */
public final class TableChecker {

    static final Set<String> HEADERS = Set.of("CONDITION", "ACTION", "METADATA", "NAME", "DESCRIPTION", "PRIORITY");

    private static final Pattern RULE_TABLE = Pattern.compile("(?i)ruletable\\b.*");
    private static final Pattern PATTERN_CELL = Pattern.compile("(?:\\$\\w+\\s*:\\s*)?([A-Za-z_]\\w*)\\s*(?:\\(.*\\))?");
    private static final Pattern FIELD = Pattern.compile("^\\s*([A-Za-z_]\\w*(?:\\.[A-Za-z_]\\w*)*)\\s*(.*)$");
    private static final Pattern DECISION_CALL = Pattern.compile("^\\s*decision\\.(\\w+)\\s*\\((.*)\\)\\s*;?\\s*$");
    private static final Pattern METADATA = Pattern.compile("^\\s*\\w+\\s*\\(.*\\)\\s*$");
    private static final Pattern PARAM = Pattern.compile("\\$(param|\\d+)");

    /** One column of a rule table as the sheet defines it. */
    public record Column(int index, String header, String pattern, String template, String label) {}

    /** Where a rule table sits and what its columns are. */
    public record Layout(String name, int titleRow, int firstDataRow, int lastDataRow, Map<Integer, Column> columns) {}

    public record Result(List<Layout> tables, List<RuleProblem> problems) {}

    private static final Set<String> GROUP_KEYS = Set.of("RULEFLOW-GROUP", "AGENDA-GROUP");

    private final List<String> groups;

    /** @param groups the pipeline's groups, one of which every sheet must name */
    public TableChecker(List<String> groups) {
        this.groups = List.copyOf(groups);
    }

    public Result check(String file, SheetGrid grid) {
        List<RuleProblem> problems = new ArrayList<>();
        List<Layout> layouts = new ArrayList<>();
        int[] groupCell = null;
        for (var row : grid.rows().entrySet()) {
            for (var cell : row.getValue().entrySet()) {
                if (RULE_TABLE.matcher(cell.getValue()).matches()) {
                    layouts.add(checkTable(file, grid, row.getKey(), cell.getKey(), problems));
                } else if (groupCell == null && GROUP_KEYS.contains(cell.getValue().toUpperCase(Locale.ROOT))) {
                    groupCell = new int[] {row.getKey(), cell.getKey() + 1};
                }
            }
        }
        if (!layouts.isEmpty()) {
            checkGroup(file, grid, groupCell, problems);
        }
        return new Result(layouts, problems);
    }

    /** A sheet's rules must sit in one group of the pipeline, or they fire out of order (or never). */
    private void checkGroup(String file, SheetGrid grid, int[] groupCell, List<RuleProblem> problems) {
        String fix = "one of " + String.join(", ", groups);
        if (groupCell == null) {
            problems.add(RuleProblem.inSheet(file, grid.name(), "the rules of this sheet are in no group of the "
                    + "pipeline; put them in one of the groups " + String.join(", ", groups)
                    + " with a row RULEFLOW-GROUP | <group> above the RuleTable"));
            return;
        }
        String group = grid.get(groupCell[0], groupCell[1]);
        if (group == null || !groups.contains(group)) {
            problems.add(RuleProblem.atCell(file, grid.name(), cellName(groupCell[0], groupCell[1]),
                    (group == null ? "the group is missing" : "the rules of this sheet are in the unknown group \""
                            + group + "\"") + "; write " + fix));
        }
    }

    private Layout checkTable(String file, SheetGrid grid, int titleRow, int startCol, List<RuleProblem> problems) {
        String sheet = grid.name();
        String title = grid.get(titleRow, startCol);
        String name = title.substring("ruletable".length()).trim();
        if (name.isEmpty()) {
            problems.add(RuleProblem.atCell(file, sheet, cellName(titleRow, startCol),
                    "the RuleTable has no name; write it in the same cell, e.g. \"RuleTable Ladder\""));
        }
        Map<Integer, Column> columns = new TreeMap<>();
        var headerRow = grid.row(titleRow + 1).tailMap(startCol, true);
        if (headerRow.isEmpty()) {
            problems.add(RuleProblem.atCell(file, sheet, cellName(titleRow + 1, startCol),
                    "the row under \"" + title + "\" must name each column: CONDITION, ACTION, METADATA, NAME, "
                            + "DESCRIPTION or PRIORITY"));
        }
        for (var header : headerRow.entrySet()) {
            int col = header.getKey();
            String h = header.getValue().toUpperCase(Locale.ROOT);
            if (!HEADERS.contains(h)) {
                problems.add(RuleProblem.atCell(file, sheet, cellName(titleRow + 1, col),
                        "unknown column header \"" + header.getValue() + "\"; a column header must be one of "
                                + String.join(", ", new java.util.TreeSet<>(HEADERS))));
                continue;
            }
            columns.put(col, new Column(col, h, grid.get(titleRow + 2, col), grid.get(titleRow + 3, col),
                    grid.get(titleRow + 4, col)));
        }

        int firstData = titleRow + 5;
        int lastData = firstData - 1;
        for (int r = firstData; hasValues(grid, r, columns.keySet(), headerRow.keySet()); r++) {
            lastData = r;
        }
        if (lastData < firstData && !columns.isEmpty()) {
            problems.add(RuleProblem.atCell(file, sheet, cellName(firstData, startCol),
                    "table \"" + name + "\" has no rows: rules start in the fifth row under the RuleTable cell"));
        }
        Layout layout = new Layout(name, titleRow, firstData, lastData, columns);
        checkOneFact(file, grid, layout, problems);
        int before = problems.size();
        for (Column column : columns.values()) {
            checkColumn(file, grid, layout, column, problems);
        }
        if (problems.size() == before) {
            new RangeBands(file, grid, layout).check(problems);
        }
        return layout;
    }

    /**
     * Each separate fact cell above the conditions becomes its own pattern, and Drools joins the patterns of a row:
     * ~100x slower than matching one flattened fact, and slower with every row. One merged fact cell per table.
     */
    private static void checkOneFact(String file, SheetGrid grid, Layout layout, List<RuleProblem> problems) {
        int factRow = layout.titleRow() + 2;
        java.util.SortedSet<Integer> patterns = new java.util.TreeSet<>();
        for (Column column : layout.columns().values()) {
            if (column.header().equals("CONDITION") && column.pattern() != null) {
                patterns.add(grid.mergeStart(factRow, column.index()));
                if (grid.isBlankContinuation(factRow, column.index())) {
                    problems.add(RuleProblem.atCell(file, grid.name(), cellName(factRow, column.index()),
                            "Drools ignores a merged cell written as \"...\" alone; repeat the fact in it, e.g. \""
                                    + column.pattern() + "...\""));
                }
            }
        }
        if (patterns.size() > 1) {
            problems.add(RuleProblem.atCell(file, grid.name(), cellName(factRow, patterns.first()),
                    "the conditions of table \"" + layout.name() + "\" match " + patterns.size() + " separate facts (cells "
                            + patterns.stream().map(c -> cellName(factRow, c)).collect(java.util.stream.Collectors.joining(", "))
                            + "), which Drools must join for every row; merge one fact cell over all condition columns "
                            + "(in CSV write \"Fact...\" in each of them) so each row matches one flattened fact"));
        }
    }

    private static boolean hasValues(SheetGrid grid, int row, Set<Integer> columns, Set<Integer> allHeaders) {
        var cells = grid.row(row);
        return allHeaders.stream().anyMatch(cells::containsKey) || columns.stream().anyMatch(cells::containsKey);
    }

    private void checkColumn(String file, SheetGrid grid, Layout layout, Column column, List<RuleProblem> problems) {
        String sheet = grid.name();
        int col = column.index();
        String templateCell = cellName(layout.titleRow() + 3, col);
        switch (column.header()) {
            case "CONDITION" -> {
                Optional<Class<?>> fact = factOf(file, sheet, layout, column, problems);
                if (fact.isEmpty()) {
                    return;
                }
                if (column.template() == null) {
                    problems.add(RuleProblem.atCell(file, sheet, templateCell,
                            "this CONDITION column has no constraint; write one such as maxDaysOverdue >= $param"));
                    return;
                }
                Matcher m = FIELD.matcher(column.template());
                if (!m.matches()) {
                    problems.add(RuleProblem.atCell(file, sheet, templateCell,
                            "the constraint \"" + column.template() + "\" must start with a field of "
                                    + fact.get().getSimpleName()));
                    return;
                }
                String path = m.group(1);
                Optional<Method> getter = FactTypes.resolve(fact.get(), path);
                if (getter.isEmpty()) {
                    problems.add(RuleProblem.atCell(file, sheet, templateCell,
                            fact.get().getSimpleName() + " has no field \"" + path + "\"; its fields are "
                                    + String.join(", ", FactTypes.properties(fact.get()).keySet())));
                    return;
                }
                CellValues values = CellValues.forField(getter.get(), path);
                checkValues(file, grid, layout, column, values, problems);
            }
            case "ACTION" -> {
                if (column.template() == null) {
                    problems.add(RuleProblem.atCell(file, sheet, templateCell,
                            "this ACTION column has no code; write a call such as decision.propose(\"$param\")"));
                    return;
                }
                checkAction(file, grid, layout, column, templateCell, problems);
            }
            case "METADATA" -> {
                if (column.template() == null || !METADATA.matcher(column.template()).matches()) {
                    problems.add(RuleProblem.atCell(file, sheet, templateCell,
                            "a METADATA column needs a template such as policy(\"$param\") (without @: Drools adds it)"));
                }
            }
            case "PRIORITY" -> checkValues(file, grid, layout, column, new CellValues.WholeNumber(""), problems);
            default -> {
                // NAME and DESCRIPTION hold free text
            }
        }
    }

    private Optional<Class<?>> factOf(String file, String sheet, Layout layout, Column column, List<RuleProblem> problems) {
        String cell = cellName(layout.titleRow() + 2, column.index());
        if (column.pattern() == null) {
            problems.add(RuleProblem.atCell(file, sheet, cell,
                    "this CONDITION column does not say which fact it constrains; write one of "
                            + String.join(", ", new java.util.TreeSet<>(FactTypes.MATCHABLE.keySet()))));
            return Optional.empty();
        }
        Matcher m = PATTERN_CELL.matcher(column.pattern());
        Optional<Class<?>> type = m.matches() ? FactTypes.byName(m.group(1)) : Optional.empty();
        if (type.isEmpty()) {
            problems.add(RuleProblem.atCell(file, sheet, cell,
                    "\"" + column.pattern() + "\" is not a fact rules can match; use one of "
                            + String.join(", ", new java.util.TreeSet<>(FactTypes.MATCHABLE.keySet()))));
        }
        return type;
    }

    private void checkAction(
            String file, SheetGrid grid, Layout layout, Column column, String templateCell, List<RuleProblem> problems) {
        String sheet = grid.name();
        Matcher call = DECISION_CALL.matcher(column.template());
        if (!call.matches()) {
            problems.add(RuleProblem.atCell(file, sheet, templateCell,
                    "an ACTION column may only call a method of decision, such as decision.propose(\"$param\"); found \""
                            + column.template() + "\""));
            return;
        }
        if (!column.template().strip().endsWith(";")) {
            problems.add(RuleProblem.atCell(file, sheet, templateCell,
                    "end the code with a semicolon: \"" + column.template().strip() + ";\""));
            return;
        }
        String methodName = call.group(1);
        List<String> args = splitArguments(call.group(2));
        List<Method> candidates = FactTypes.decisionMethods(methodName).stream()
                .filter(m -> m.getParameterCount() == args.size())
                .toList();
        if (candidates.isEmpty()) {
            problems.add(RuleProblem.atCell(file, sheet, templateCell,
                    "decision has no method " + methodName + " taking " + args.size() + " value(s); a rule may call "
                            + FactTypes.ruleMethods()));
            return;
        }
        Method method = candidates.get(0);
        Map<String, CellValues> byParam = new TreeMap<>();
        Parameter[] params = method.getParameters();
        for (int i = 0; i < args.size(); i++) {
            Matcher p = PARAM.matcher(args.get(i));
            if (p.find()) {
                byParam.put(p.group(1), CellValues.forParameter(params[i].getType(), params[i].getAnnotation(RuleParam.class)));
            }
        }
        for (int r = layout.firstDataRow(); r <= layout.lastDataRow(); r++) {
            String value = grid.get(r, column.index());
            if (value == null) {
                continue;
            }
            List<String> parts = byParam.containsKey("param") ? List.of(value) : List.of(value.split(","));
            for (var entry : byParam.entrySet()) {
                String raw;
                if (entry.getKey().equals("param")) {
                    raw = value;
                } else {
                    int index = Integer.parseInt(entry.getKey()) - 1;
                    if (index >= parts.size()) {
                        problems.add(RuleProblem.atCell(file, sheet, cellName(r, column.index()),
                                "\"" + value + "\" gives " + parts.size() + " value(s) but " + label(column) + " needs "
                                        + byParam.size() + ", separated by commas"));
                        break;
                    }
                    raw = parts.get(index).trim();
                }
                int row = r;
                entry.getValue().problem(raw).ifPresent(msg -> problems.add(
                        RuleProblem.atCell(file, sheet, cellName(row, column.index()), msg + " (" + label(column) + ")")));
            }
        }
    }

    private void checkValues(
            String file, SheetGrid grid, Layout layout, Column column, CellValues values, List<RuleProblem> problems) {
        for (int r = layout.firstDataRow(); r <= layout.lastDataRow(); r++) {
            String value = grid.get(r, column.index());
            if (value == null) {
                continue;
            }
            int row = r;
            values.problem(value).ifPresent(msg -> problems.add(RuleProblem.atCell(
                    file, grid.name(), cellName(row, column.index()), msg + " (" + label(column) + ")")));
        }
    }

    private static String label(Column column) {
        return "column \"" + (column.label() != null ? column.label() : column.header()) + "\"";
    }

    /** Splits call arguments at top-level commas, respecting quotes and parentheses. */
    static List<String> splitArguments(String args) {
        List<String> out = new ArrayList<>();
        if (args.isBlank()) {
            return out;
        }
        int depth = 0;
        boolean quoted = false;
        StringBuilder current = new StringBuilder();
        for (char c : args.toCharArray()) {
            if (c == '"') {
                quoted = !quoted;
            } else if (!quoted && (c == '(' || c == '[')) {
                depth++;
            } else if (!quoted && (c == ')' || c == ']')) {
                depth--;
            } else if (!quoted && depth == 0 && c == ',') {
                out.add(current.toString().trim());
                current.setLength(0);
                continue;
            }
            current.append(c);
        }
        out.add(current.toString().trim());
        return out;
    }
}
