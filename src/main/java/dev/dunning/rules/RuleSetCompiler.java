package dev.dunning.rules;

import dev.dunning.rules.internal.SheetGrid;
import dev.dunning.rules.internal.TableChecker;
import dev.dunning.rules.internal.TableReader;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.decisiontable.InputType;
import org.drools.decisiontable.SpreadsheetCompiler;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsParserException;
import org.drools.model.codegen.ExecutableModelProject;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.runtime.KieContainer;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * Turns the files of a rule set into a {@link RuleSet}, or a {@link RuleSetException} listing every problem with its
 * location. Decision tables are checked first ({@link TableChecker}) and then converted to DRL here, one sheet at a
 * time, so that Drools' messages about generated code can be traced back to the sheet, row and column they came from.
 */
public final class RuleSetCompiler {

    private static final String KFS_ROOT = "src/main/resources/";
    private static final Pattern ROW_COMMENT = Pattern.compile("^\\s*// rule values at ([A-Z]+)(\\d+), header at.*$");
    private static final List<String> GROUP_ATTRIBUTES = List.of("ruleflow-group", "agenda-group");
    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)");

    private final Clock clock;
    private final TableReader reader = new TableReader();
    private final TableChecker checker = new TableChecker();

    public RuleSetCompiler(Clock clock) {
        this.clock = clock;
    }

    public RuleSet compile(List<RuleSource> sources) {
        List<RuleSource> sorted = sources.stream().sorted(Comparator.comparing(RuleSource::name)).toList();
        List<RuleProblem> problems = new ArrayList<>();
        Map<String, Unit> units = new LinkedHashMap<>();
        for (RuleSource source : sorted) {
            if (source.isDrl()) {
                String drl = new String(source.content(), StandardCharsets.UTF_8);
                units.put(kfsPath(drl, source.name()), Unit.drl(source.name(), drl));
            } else if (source.isSpreadsheet() || source.isCsv()) {
                convertTable(source, units, problems);
            } else {
                problems.add(RuleProblem.inFile(source.name(),
                        "this kind of file is not part of a rule set; rules are .drl files and decision tables are "
                                + ".xlsx, .xls or .csv files"));
            }
        }
        if (units.isEmpty() && problems.isEmpty()) {
            problems.add(RuleProblem.inFile("(rule set)", "the rule set has no rule files and no decision tables"));
        }

        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("dev.dunning.rulesets", "rule-set", "1.0.0-" + UUID.randomUUID());
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        units.forEach((path, unit) -> kfs.write(path, unit.drl()));
        KieBuilder builder = ks.newKieBuilder(kfs);
        try {
            builder.buildAll(ExecutableModelProject.class);
        } catch (RuntimeException e) {
            problems.add(RuleProblem.inFile("(rule set)", "Drools could not compile the rule set: " + e.getMessage()));
        }
        List<Message> messages = builder.getResults().getMessages();
        for (Message message : messages) {
            // Drools' echo of an earlier parse error says nothing the person can act on.
            if (messages.size() > 1 && message.getText().contains("Parser returned a null Package")) {
                continue;
            }
            problems.add(locate(message, units));
        }
        Map<String, RuleOrigin> origins = new HashMap<>();
        Map<String, Integer> rulesPerFile = new HashMap<>();
        Map<String, String> generated = new LinkedHashMap<>();
        for (Unit unit : units.values()) {
            for (var rule : parse(unit, problems).entrySet()) {
                origins.put(rule.getKey(), rule.getValue());
                rulesPerFile.merge(unit.source(), 1, Integer::sum);
            }
            if (unit.sheet() != null) {
                generated.put(unit.source() + "!" + unit.sheet(), unit.drl());
            }
        }
        if (problems.stream().anyMatch(RuleProblem::isError)) {
            ks.getRepository().removeKieModule(releaseId);
            throw new RuleSetException(problems);
        }
        KieContainer container = ks.newKieContainer(releaseId);
        var kieBase = container.getKieBase();
        // The container keeps what it needs; leaving the module in the repository would leak one per build.
        ks.getRepository().removeKieModule(releaseId);

        List<RuleSet.File> files = sorted.stream()
                .map(s -> new RuleSet.File(s.name(), sha256(s.content()), rulesPerFile.getOrDefault(s.name(), 0)))
                .toList();
        return new RuleSet(version(sorted), files, kieBase, origins, generated, problems, clock.instant());
    }

    private void convertTable(RuleSource source, Map<String, Unit> units, List<RuleProblem> problems) {
        TableReader.Result read = reader.read(source);
        problems.addAll(read.problems());
        boolean anyTable = false;
        for (SheetGrid grid : read.sheets()) {
            TableChecker.Result checked = checker.check(source.name(), grid);
            if (checked.tables().isEmpty()) {
                continue; // a sheet of notes or instructions
            }
            anyTable = true;
            problems.addAll(checked.problems());
            if (checked.problems().stream().anyMatch(RuleProblem::isError)) {
                continue;
            }
            try {
                String drl = source.isCsv()
                        ? new SpreadsheetCompiler().compile(new ByteArrayInputStream(source.content()), InputType.CSV)
                        : new SpreadsheetCompiler().compile(new ByteArrayInputStream(source.content()), grid.name());
                units.put(kfsPath(drl, sanitize(source.name()) + "_" + sanitize(grid.name()) + ".drl"),
                        Unit.table(source.name(), grid.name(), drl, checked.tables()));
            } catch (RuntimeException e) {
                problems.add(RuleProblem.inSheet(source.name(), grid.name(),
                        "Drools could not read this sheet: " + e.getMessage()));
            }
        }
        if (!anyTable && read.problems().isEmpty()) {
            problems.add(RuleProblem.inFile(source.name(),
                    "no sheet contains a \"RuleTable\" cell, so this file holds no rules; add a RuleTable or remove "
                            + "the file"));
        }
    }

    /** Puts a Drools message where a person can find it: DRL line and column, or table sheet, row and column. */
    private static RuleProblem locate(Message message, Map<String, Unit> units) {
        RuleProblem.Severity severity =
                message.getLevel() == Message.Level.ERROR ? RuleProblem.Severity.ERROR : RuleProblem.Severity.WARNING;
        String text = message.getText().strip();
        Unit unit = message.getPath() == null ? null : units.get(message.getPath());
        if (unit == null && message.getPath() != null) {
            unit = units.get(KFS_ROOT + message.getPath());
        }
        if (unit == null) {
            String path = message.getPath() == null ? "(rule set)" : message.getPath().replace(KFS_ROOT, "");
            return new RuleProblem(severity, path, null, null, line(message), null, text);
        }
        int[] position = message.getLine() > 0
                ? new int[] {message.getLine(), message.getColumn()}
                : unit.find(text);
        if (unit.sheet() == null) {
            return new RuleProblem(severity, unit.source(), null, null, position[0] > 0 ? position[0] : null,
                    position[1] > 0 ? position[1] : null, plainer(text, unit.line(position[0]), position[1]));
        }
        String cell = unit.cellFor(position[0]);
        return new RuleProblem(severity, unit.source(), unit.sheet(), cell, null, null,
                "the rule generated from this cell does not compile: " + text + unit.generatedLine(position[0]));
    }

    private static final Pattern LEFT_PART = Pattern.compile("Unable to parse left part of expression: ([A-Za-z_]\\w*).*");
    private static final Pattern FACT_BEFORE = Pattern.compile("([A-Z]\\w*)\\s*\\([^(]*$");

    /**
     * Says in the rule author's words what the executable model reports as "Unable to parse left part of expression":
     * almost always a field the fact does not have.
     */
    private static String plainer(String text, String line, int column) {
        Matcher left = LEFT_PART.matcher(text);
        if (!left.matches() || line == null || column <= 0) {
            return text;
        }
        Matcher fact = FACT_BEFORE.matcher(line.substring(0, Math.min(column - 1, line.length())));
        if (!fact.find()) {
            return text;
        }
        String field = left.group(1);
        return dev.dunning.rules.internal.FactTypes.byName(fact.group(1))
                .filter(type -> dev.dunning.rules.internal.FactTypes.resolve(type, field).isEmpty())
                .map(type -> type.getSimpleName() + " has no field \"" + field + "\"; its fields are "
                        + String.join(", ", dev.dunning.rules.internal.FactTypes.properties(type).keySet()))
                .orElse(text);
    }

    private static Integer line(Message message) {
        return message.getLine() > 0 ? message.getLine() : null;
    }

    /**
     * Where each rule of a unit is written, and a problem for each rule outside the pipeline's groups: such a rule
     * would fire out of order (or never), which nobody would notice until a customer got the wrong letter.
     */
    private static Map<String, RuleOrigin> parse(Unit unit, List<RuleProblem> problems) {
        Map<String, RuleOrigin> origins = new LinkedHashMap<>();
        PackageDescr pkg;
        try {
            DrlParser parser = new DrlParser(LanguageLevelOption.DRL6);
            pkg = parser.parse(false, unit.drl());
            if (parser.hasErrors() || pkg == null) {
                return origins; // Drools has reported the syntax errors already
            }
        } catch (DroolsParserException e) {
            return origins;
        }
        String packageGroup = pkg.getAttributes().stream()
                .filter(a -> GROUP_ATTRIBUTES.contains(a.getName()))
                .map(AttributeDescr::getValue)
                .findFirst()
                .orElse(null);
        for (RuleDescr rule : pkg.getRules()) {
            Integer row = unit.sheet() == null ? null : unit.rowOf(rule.getLine());
            Integer line = unit.sheet() == null ? rule.getLine() : null;
            origins.put(RuleSet.key(pkg.getName(), rule.getName()), new RuleOrigin(unit.source(), unit.sheet(), row, line));
            String group = GROUP_ATTRIBUTES.stream()
                    .map(name -> rule.getAttributes().get(name))
                    .filter(java.util.Objects::nonNull)
                    .map(AttributeDescr::getValue)
                    .findFirst()
                    .orElse(packageGroup);
            if (group == null || !DecisionEngine.GROUPS.contains(group)) {
                String fix = "put it in one of the groups " + String.join(", ", DecisionEngine.GROUPS);
                String what = group == null ? "is in no group of the pipeline" : "is in the unknown group \"" + group + "\"";
                problems.add(unit.sheet() == null
                        ? RuleProblem.atLine(unit.source(), rule.getLine(), null,
                                "rule \"" + rule.getName() + "\" " + what + "; " + fix
                                        + " with ruleflow-group \"...\"")
                        : RuleProblem.inSheet(unit.source(), unit.sheet(), "the rules of this sheet " + what + "; " + fix
                                + " with a row RULEFLOW-GROUP | <group> above the RuleTable"));
                if (unit.sheet() != null) {
                    break;
                }
            }
        }
        return origins;
    }

    private static String version(List<RuleSource> sorted) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (RuleSource source : sorted) {
                digest.update(source.name().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(sha256(source.content()).getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Drools wants a file's folder to match its package; the natural name is kept apart, in the Unit. */
    private static String kfsPath(String drl, String name) {
        Matcher m = PACKAGE.matcher(drl);
        String folder = m.find() ? m.group(1).replace('.', '/') + "/" : "";
        return KFS_ROOT + folder + sanitize(name.substring(name.lastIndexOf('/') + 1));
    }

    private static String sanitize(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** One DRL compilation unit: a DRL file, or the DRL generated from one table sheet. */
    private record Unit(String source, String sheet, String drl, List<TableChecker.Layout> tables) {

        static Unit drl(String source, String drl) {
            return new Unit(source, null, drl, List.of());
        }

        static Unit table(String source, String sheet, String drl, List<TableChecker.Layout> tables) {
            return new Unit(source, sheet, drl, tables);
        }

        /** Sheet row (1-based) whose values produced the rule declared at or before {@code line}. */
        Integer rowOf(int line) {
            String[] lines = drl.split("\n", -1);
            for (int i = Math.min(line, lines.length) - 1; i >= 0; i--) {
                Matcher m = ROW_COMMENT.matcher(lines[i]);
                if (m.matches()) {
                    return Integer.parseInt(m.group(2));
                }
            }
            return null;
        }

        /** The cell a generated line came from: its row, and the column whose code template the line carries. */
        String cellFor(int line) {
            Integer row = rowOf(line);
            if (row == null) {
                return null;
            }
            String[] lines = drl.split("\n", -1);
            String text = line > 0 && line <= lines.length ? lines[line - 1] : "";
            for (TableChecker.Layout layout : tables) {
                if (row - 1 < layout.firstDataRow() || row - 1 > layout.lastDataRow()) {
                    continue;
                }
                for (TableChecker.Column column : layout.columns().values()) {
                    if (column.template() != null && text.contains(stem(column.template()))) {
                        return SheetGrid.cellName(row - 1, column.index());
                    }
                }
            }
            Matcher first = null;
            for (int i = Math.min(line, lines.length) - 1; i >= 0 && first == null; i--) {
                Matcher m = ROW_COMMENT.matcher(lines[i]);
                if (m.matches()) {
                    first = m;
                }
            }
            return first == null ? null : first.group(1) + first.group(2);
        }

        /**
         * Line and column (1-based) of the code a message quotes, for messages of the executable model that carry
         * no position ("Unable to parse left part of expression: onHoldd == true"); {0, 0} when not found.
         */
        int[] find(String message) {
            String[] lines = drl.split("\n", -1);
            for (String quoted : quotedCode(message)) {
                for (int i = 0; i < lines.length; i++) {
                    int at = lines[i].indexOf(quoted);
                    if (at >= 0) {
                        return new int[] {i + 1, at + 1};
                    }
                }
            }
            return new int[] {0, 0};
        }

        private static List<String> quotedCode(String message) {
            List<String> candidates = new ArrayList<>();
            int colon = message.lastIndexOf(": ");
            if (colon >= 0 && colon + 2 < message.length()) {
                candidates.add(message.substring(colon + 2).strip());
            }
            Matcher quoted = Pattern.compile("'([^']{3,})'|\"([^\"]{3,})\"").matcher(message);
            while (quoted.find()) {
                candidates.add(quoted.group(1) != null ? quoted.group(1) : quoted.group(2));
            }
            return candidates;
        }

        String line(int line) {
            String[] lines = drl.split("\n", -1);
            return line > 0 && line <= lines.length ? lines[line - 1] : null;
        }

        String generatedLine(int line) {
            String[] lines = drl.split("\n", -1);
            return line > 0 && line <= lines.length ? " (generated code: " + lines[line - 1].strip() + ")" : "";
        }

        private static String stem(String template) {
            int cut = template.indexOf('$');
            String stem = cut < 0 ? template : template.substring(0, cut);
            return stem.replace("\"", "").strip();
        }
    }
}
