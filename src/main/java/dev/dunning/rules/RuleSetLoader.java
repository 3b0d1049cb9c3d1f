package dev.dunning.rules;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the authoring directories: every {@code *.drl} under the rules directory and every {@code .xlsx}, {@code .xls}
 * or {@code .csv} under the decision-tables directory, named naturally ({@code decision-tables/escalation.xlsx}).
 * Anything else there is a problem, not silently skipped; only hidden files and office lock files are passed over
 * (and logged), since spreadsheet programs leave them beside every open workbook.
 */
public final class RuleSetLoader {

    private static final Logger log = LoggerFactory.getLogger(RuleSetLoader.class);

    private final RuleSetCompiler compiler;

    public RuleSetLoader(RuleSetCompiler compiler) {
        this.compiler = compiler;
    }

    /** The files of the directories, named under their folders (rules/, decision-tables/, scenarios/). */
    public record Read(List<RuleSource> sources, List<RuleProblem> problems) {}

    /**
     * Reads the three authoring directories without compiling. A missing scenarios directory is no problem here:
     * the gates say what a rule set without scenarios means.
     */
    public static Read read(Path rulesDir, Path tablesDir, Path scenariosDir) {
        List<RuleProblem> problems = new ArrayList<>();
        List<RuleSource> sources = new ArrayList<>();
        read(rulesDir, RuleSource.RULES, List.of(".drl"), "rule files (.drl)", sources, problems);
        read(tablesDir, RuleSource.TABLES, List.of(".xlsx", ".xls", ".csv"), "decision tables (.xlsx, .xls, .csv)",
                sources, problems);
        if (scenariosDir != null && Files.isDirectory(scenariosDir)) {
            read(scenariosDir, RuleSource.SCENARIOS, List.of(".csv"), "scenario files (.csv)", sources, problems);
        }
        return new Read(sources, problems);
    }

    /** Loads and compiles; an unusable file does not keep the others from being checked, so all problems show. */
    public RuleSet load(Path rulesDir, Path tablesDir) {
        List<RuleProblem> problems = new ArrayList<>();
        List<RuleSource> sources = new ArrayList<>();
        read(rulesDir, RuleSource.RULES, List.of(".drl"), "rule files (.drl)", sources, problems);
        read(tablesDir, RuleSource.TABLES, List.of(".xlsx", ".xls", ".csv"), "decision tables (.xlsx, .xls, .csv)",
                sources, problems);
        if (sources.isEmpty() && !problems.isEmpty()) {
            throw new RuleSetException(problems);
        }
        try {
            RuleSet ruleSet = compiler.compile(sources);
            if (!problems.isEmpty()) {
                throw new RuleSetException(problems);
            }
            return ruleSet;
        } catch (RuleSetException e) {
            if (problems.isEmpty()) {
                throw e;
            }
            problems.addAll(e.problems());
            throw new RuleSetException(problems);
        }
    }

    /**
     * Files are named under a fixed folder, whatever the directory is called on disk: the name is part of the version
     * hash, so the same content is the same version on every machine.
     */
    private static void read(Path dir, String folder, List<String> extensions, String what, List<RuleSource> sources,
            List<RuleProblem> problems) {
        if (!Files.isDirectory(dir)) {
            problems.add(RuleProblem.inFile(dir.toString(),
                    "the directory for " + what + " does not exist; create it or point the setting at the right place"));
            return;
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            problems.add(RuleProblem.inFile(dir.toString(), "the directory cannot be read: " + e.getMessage()));
            return;
        }
        for (Path file : files) {
            String name = folder + dir.relativize(file).toString().replace('\\', '/');
            String base = file.getFileName().toString();
            if (base.startsWith(".") || base.startsWith("~$")) {
                log.info("Passing over {}: a hidden or office lock file, not a rule file", name);
                continue;
            }
            String lower = base.toLowerCase(Locale.ROOT);
            if (extensions.stream().noneMatch(lower::endsWith)) {
                problems.add(RuleProblem.inFile(name, "not one of the " + what + " this directory may hold; move or "
                        + "remove it"));
                continue;
            }
            try {
                sources.add(new RuleSource(name, Files.readAllBytes(file)));
            } catch (IOException e) {
                problems.add(RuleProblem.inFile(name, "the file cannot be read: " + e.getMessage()));
            }
        }
    }
}
