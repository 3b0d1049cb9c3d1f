package dev.dunning.rules;

import dev.dunning.rules.internal.ClassPathLookups;
import dev.dunning.rules.internal.CodeSafety;
import dev.dunning.rules.internal.CompiledCodeProblems;
import dev.dunning.rules.internal.CompiledRuleCode;
import dev.dunning.rules.internal.CompilationUnit;
import dev.dunning.rules.internal.DroolsMessages;
import dev.dunning.rules.internal.SheetGrid;
import dev.dunning.rules.internal.TableChecker;
import dev.dunning.rules.internal.TableReader;
import dev.dunning.rules.internal.WorkbookSafety;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.drools.compiler.kie.builder.impl.InternalKieModule;
import org.drools.drl.ast.descr.AttributeDescr;
import org.drools.drl.ast.descr.PackageDescr;
import org.drools.drl.ast.descr.RuleDescr;
import org.drools.drl.parser.DrlParser;
import org.drools.drl.parser.DroolsError;
import org.drools.drl.parser.DroolsParserException;
import org.drools.drl.parser.ParserError;
import org.drools.model.codegen.ExecutableModelProject;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.ReleaseId;
import org.kie.internal.builder.conf.LanguageLevelOption;

/**
 * Turns the files of a rule set into a {@link RuleSet}, or a {@link RuleSetException} listing every problem with its
 * location. Decision tables are checked first ({@link TableChecker}) and converted to DRL here, one sheet at a time;
 * every unit is parsed before Drools builds, so a syntax error in one file does not hide the errors of the others;
 * Drools' messages, even those about Java it generated, are traced back to the DRL line or the sheet cell.
 */
public final class RuleSetCompiler {

    private static final List<String> GROUP_ATTRIBUTES = List.of("ruleflow-group", "agenda-group");
    /** Packages whose classes rule code could impersonate or reach package-private members of. */
    private static final List<String> RESERVED_PACKAGES = List.of("java.", "javax.", "jdk.", "sun.", "com.sun.",
            "org.drools.", "org.kie.", "org.mvel2.", "dev.dunning.");
    /** Shared by every build: the class path it remembers is the same for all. */
    private static final ClassPathLookups CLASS_PATH = new ClassPathLookups(RuleSetCompiler.class.getClassLoader());

    private final Clock clock;
    /** The checks on the text: earlier, friendlier messages; the compiled-code gate decides either way. */
    private final boolean textChecks;
    private final TableReader reader = new TableReader();
    private final TableChecker checker = new TableChecker(DecisionEngine.GROUPS);

    public RuleSetCompiler(Clock clock) {
        this(clock, true);
    }

    /** Without the text checks: for tests proving that the compiled-code gate holds on its own. */
    RuleSetCompiler(Clock clock, boolean textChecks) {
        this.clock = clock;
        this.textChecks = textChecks;
    }

    public RuleSet compile(List<RuleSource> sources) {
        List<RuleSource> sorted = sources.stream().sorted(Comparator.comparing(RuleSource::name)).toList();
        List<RuleProblem> problems = new ArrayList<>();
        List<CompilationUnit> units = new ArrayList<>();
        for (RuleSource source : sorted) {
            if (source.isScenario()) {
                continue; // part of the version; run by the scenario gate, not compiled
            }
            if (WorkbookSafety.isMacroWorkbookName(source.name())) {
                problems.add(RuleProblem.inFile(source.name(), WorkbookSafety.macroRefusal()));
            } else if (source.isDrl()) {
                units.add(CompilationUnit.drl(source.name(), new String(source.content(), StandardCharsets.UTF_8)));
            } else if (source.isSpreadsheet() || source.isCsv()) {
                List<RuleProblem> unsafe = WorkbookSafety.check(source.name(), source.content());
                if (unsafe.isEmpty()) {
                    convertTable(source, units, problems);
                } else {
                    problems.addAll(unsafe);
                }
            } else {
                problems.add(RuleProblem.inFile(source.name(),
                        "this kind of file is not part of a rule set; rules are .drl files and decision tables are "
                                + ".xlsx, .xls or .csv files"));
            }
        }
        if (units.isEmpty() && problems.isEmpty()) {
            problems.add(RuleProblem.inFile("(rule set)", "the rule set has no rule files and no decision tables"));
        }

        Map<String, RuleOrigin> origins = new HashMap<>();
        Map<String, Integer> rulesPerFile = new HashMap<>();
        List<CompilationUnit> parsed = new ArrayList<>();
        Set<String> packages = new HashSet<>();
        for (CompilationUnit unit : units) {
            Map<String, RuleOrigin> rules = parse(unit, problems, packages);
            if (rules == null) {
                continue; // syntax errors reported; building it would only stop Drools before the other units
            }
            parsed.add(unit);
            origins.putAll(rules);
            rulesPerFile.merge(unit.source(), rules.size(), Integer::sum);
        }

        // The safety gate: code that reaches beyond the fact model is not even handed to Drools.
        List<RuleProblem> unsafe = textChecks
                ? parsed.stream().flatMap(unit -> CodeSafety.check(unit).stream()).toList()
                : List.of();
        if (!unsafe.isEmpty()) {
            problems.addAll(unsafe);
            throw new RuleSetException(problems, problems.size() > unsafe.size()
                    && problems.stream().limit(problems.size() - unsafe.size()).anyMatch(RuleProblem::isError)
                    ? "checks" : "safety");
        }
        boolean checksFailed = problems.stream().anyMatch(RuleProblem::isError);

        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("dev.dunning.rulesets", "rule-set", "1.0.0-" + UUID.randomUUID());
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        parsed.forEach(unit -> kfs.write(unit.kfsPath(), unit.drl()));
        CLASS_PATH.forgetMisses();
        CLASS_PATH.rulePackages(packages);
        KieBuilder builder = ks.newKieBuilder(kfs, CLASS_PATH);
        try {
            builder.buildAll(ExecutableModelProject.class);
            problems.addAll(new DroolsMessages(parsed).locate(builder.getResults().getMessages()));
        } catch (RuntimeException e) {
            problems.add(RuleProblem.inFile("(rule set)", "Drools could not compile the rule set: " + e.getMessage()));
        }
        if (problems.stream().anyMatch(RuleProblem::isError)) {
            ks.getRepository().removeKieModule(releaseId);
            throw new RuleSetException(problems, checksFailed ? "checks" : "compile");
        }
        // The gate that decides, on what the build made and before any of it is loaded or run.
        List<RuleProblem> refused = new CompiledCodeProblems(parsed, (pkg, rule) -> origins.get(RuleSet.key(pkg, rule)))
                .locate(CompiledRuleCode.check(generatedClasses(builder)));
        if (!refused.isEmpty()) {
            ks.getRepository().removeKieModule(releaseId);
            problems.addAll(refused);
            throw new RuleSetException(problems, "safety");
        }
        var kieBase = ks.newKieContainer(releaseId, CLASS_PATH).getKieBase();
        // The container keeps what it needs; leaving the module in the repository would leak one per build.
        ks.getRepository().removeKieModule(releaseId);

        Map<String, String> generated = new LinkedHashMap<>();
        units.stream().filter(u -> u.sheet() != null).forEach(u -> generated.put(u.source() + "!" + u.sheet(), u.drl()));
        List<RuleSet.File> files = sorted.stream()
                .map(s -> new RuleSet.File(s.name(), sha256(s.content()), rulesPerFile.getOrDefault(s.name(), 0)))
                .toList();
        return new RuleSet(version(sorted), files, kieBase, origins, generated, problems, clock.instant(), sorted);
    }

    /** Every class file the build generated, by its internal name. */
    private static Map<String, byte[]> generatedClasses(KieBuilder builder) {
        InternalKieModule module = (InternalKieModule) builder.getKieModule();
        Map<String, byte[]> classes = new LinkedHashMap<>();
        for (String file : module.getFileNames()) {
            if (file.endsWith(".class")) {
                classes.put(file.substring(0, file.length() - ".class".length()), module.getBytes(file));
            }
        }
        return classes;
    }

    private void convertTable(RuleSource source, List<CompilationUnit> units, List<RuleProblem> problems) {
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
                String drl = read.drl().get(grid.name()).drl();
                units.add(CompilationUnit.table(source.name(), grid, drl, checked.tables()));
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

    /**
     * Where each rule of a unit is written, or null when the unit does not parse (its syntax errors are added to
     * the problems). A DRL rule outside the pipeline's groups is a problem too: it would fire out of order, or never.
     * (A table sheet's group is checked with the sheet, at its RULEFLOW-GROUP cell.)
     */
    private static Map<String, RuleOrigin> parse(CompilationUnit unit, List<RuleProblem> problems,
            Set<String> packages) {
        PackageDescr pkg;
        DrlParser parser = new DrlParser(LanguageLevelOption.DRL6);
        try {
            pkg = parser.parse(false, unit.drl());
        } catch (DroolsParserException e) {
            problems.add(DroolsMessages.syntax(unit, 0, -1, e.getMessage()));
            return null;
        }
        if (parser.hasErrors() || pkg == null) {
            for (DroolsError error : parser.getErrors()) {
                int line = error instanceof ParserError p ? p.getRow() : 0;
                int column = error instanceof ParserError p ? p.getCol() : -1;
                problems.add(DroolsMessages.syntax(unit, line, column, error.getMessage()));
            }
            return null;
        }
        packages.add(pkg.getName());
        if (RESERVED_PACKAGES.stream().anyMatch(r -> (pkg.getName() + ".").startsWith(r))) {
            problems.add(RuleProblem.atLine(unit.source(), 1, null, "the package \"" + pkg.getName() + "\" belongs to "
                    + "Java, Drools or the service; name the rules' package after your policy, e.g. \"dunning.holds\""));
            return null;
        }
        String packageGroup = pkg.getAttributes().stream()
                .filter(a -> GROUP_ATTRIBUTES.contains(a.getName()))
                .map(AttributeDescr::getValue)
                .findFirst()
                .orElse(null);
        Map<String, RuleOrigin> origins = new LinkedHashMap<>();
        for (RuleDescr rule : pkg.getRules()) {
            Integer row = unit.sheet() == null ? null : unit.rowOf(rule.getLine());
            Integer line = unit.sheet() == null ? rule.getLine() : null;
            origins.put(RuleSet.key(pkg.getName(), rule.getName()), new RuleOrigin(unit.source(), unit.sheet(), row, line));
            String group = GROUP_ATTRIBUTES.stream()
                    .map(name -> rule.getAttributes().get(name))
                    .filter(Objects::nonNull)
                    .map(AttributeDescr::getValue)
                    .findFirst()
                    .orElse(packageGroup);
            if (unit.sheet() == null && (group == null || !DecisionEngine.GROUPS.contains(group))) {
                problems.add(RuleProblem.atLine(unit.source(), rule.getLine(), null, "rule \"" + rule.getName() + "\" "
                        + (group == null ? "is in no group of the pipeline" : "is in the unknown group \"" + group + "\"")
                        + "; put it in one of the groups " + String.join(", ", DecisionEngine.GROUPS)
                        + " with ruleflow-group \"...\""));
            }
        }
        return origins;
    }

    /** The version a set of files is: SHA-256 over every file's name and content hash, in name order. */
    public static String versionOf(List<RuleSource> sources) {
        return version(sources.stream().sorted(Comparator.comparing(RuleSource::name)).toList());
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

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
