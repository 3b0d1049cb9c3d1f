package dev.dunning.rules.internal;

import dev.dunning.rules.RuleOrigin;
import dev.dunning.rules.RuleProblem;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns what the compiled-code gate refused into problems a rule author can act on: the rule (or function, or declared
 * type) the generated class came from, its file and line, or its sheet and cell, and a sentence naming what it used.
 */
public final class CompiledCodeProblems {

    private static final Pattern LAMBDA_PACKAGE = Pattern.compile("/P[0-9A-F]{2}$");
    private static final Pattern UNICODE_ESCAPE = Pattern.compile("\\\\u+([0-9A-Fa-f]{4})");
    private static final Pattern SPACED_DOT = Pattern.compile("\\s*\\.\\s*");

    private final List<CompilationUnit> units;
    private final BiFunction<String, String, RuleOrigin> origins;

    /**
     * @param units the units of the build
     * @param origins where a rule is written, by package and rule name
     */
    public CompiledCodeProblems(List<CompilationUnit> units, BiFunction<String, String, RuleOrigin> origins) {
        this.units = units;
        this.origins = origins;
    }

    /** The problems for the findings, one per place and thing. */
    public List<RuleProblem> locate(List<CompiledRuleCode.Finding> findings) {
        Set<RuleProblem> problems = new LinkedHashSet<>();
        for (CompiledRuleCode.Finding finding : findings) {
            problems.add(locate(finding));
        }
        return new ArrayList<>(problems);
    }

    private RuleProblem locate(CompiledRuleCode.Finding f) {
        String pkg = packageOf(f.className());
        String sentence = "uses " + f.what() + ", which is refused: " + f.why()
                + " (see docs/fact-model.md, \"What rule code may use\")";
        for (String rule : f.rules()) {
            RuleOrigin origin = origins.apply(pkg, rule);
            CompilationUnit unit = origin == null ? null : unit(origin.source(), origin.sheet());
            if (unit != null) {
                String text = "rule \"" + rule + "\" " + sentence;
                if (unit.sheet() != null) {
                    return RuleProblem.atCell(unit.source(), unit.sheet(), unit.cellInRow(origin.row(), keys(f.name()),
                            CompiledCodeProblems::normalize), "the code of this cell in " + text);
                }
                int[] at = find(unit, origin.line() + 1, origin.line(), f.name()); // below the name, which may say anything
                return RuleProblem.atLine(unit.source(), at[0], at[1], text);
            }
        }
        String simpleClass = f.className().substring(f.className().lastIndexOf('/') + 1);
        for (CompilationUnit unit : units) {
            if (!unit.packageName().equals(pkg)) {
                continue;
            }
            String method = f.method();
            Integer line = declaration(unit, "function\\s+[\\w<>\\[\\]., ]+?\\s+" + Pattern.quote(method) + "\\s*\\(");
            String what = "function " + method;
            if (line == null) {
                line = declaration(unit, "declare\\s+(?:enum\\s+)?" + Pattern.quote(simpleClass) + "\\b");
                what = "declared type " + simpleClass;
            }
            if (line != null) {
                return at(unit, line, f.name(), what + " " + sentence);
            }
        }
        for (CompilationUnit unit : units) {
            if (unit.packageName().equals(pkg)) {
                return unit.sheet() == null ? RuleProblem.inFile(unit.source(), "the rule code " + sentence)
                        : RuleProblem.inSheet(unit.source(), unit.sheet(), "the rule code " + sentence);
            }
        }
        return RuleProblem.inFile("(rule set)", "generated code " + sentence);
    }

    private RuleProblem at(CompilationUnit unit, int line, String name, String text) {
        if (unit.sheet() != null) {
            return RuleProblem.atCell(unit.source(), unit.sheet(), unit.cellOf(name, line), "the code of this cell in "
                    + text);
        }
        int[] where = find(unit, line, line, name);
        return RuleProblem.atLine(unit.source(), where[0], where[1], text);
    }

    private CompilationUnit unit(String source, String sheet) {
        return units.stream().filter(u -> u.source().equals(source) && java.util.Objects.equals(u.sheet(), sheet))
                .findFirst().orElse(null);
    }

    /** The line and column of a name from line {@code from} to the rule's end, else line {@code otherwise}. */
    private static int[] find(CompilationUnit unit, int from, int otherwise, String name) {
        for (String key : keys(name)) {
            Pattern pattern = Pattern.compile("(?<![\\w$])" + Pattern.quote(key) + "(?![\\w$])");
            for (int line = from; unit.line(line) != null; line++) {
                String text = normalize(unit.line(line));
                Matcher m = pattern.matcher(text);
                if (m.find()) {
                    return new int[] {line, m.start() + 1};
                }
                if (text.strip().equals("end")) {
                    break;
                }
            }
        }
        return new int[] {otherwise, 1};
    }

    /** {@code Files.writeString}, then {@code writeString}: the qualified form first, as it is the rarer. */
    static List<String> keys(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? List.of(name) : List.of(name, name.substring(dot + 1));
    }

    private static Integer declaration(CompilationUnit unit, String regex) {
        Pattern pattern = Pattern.compile(regex);
        for (int line = 1; unit.line(line) != null; line++) {
            if (pattern.matcher(normalize(unit.line(line))).find()) {
                return line;
            }
        }
        return null;
    }

    /**
     * Java reads unicode escapes before anything else, and a qualified name may have spaces around its dots; so does
     * the search for a name. (Columns may then be off on such a line; the line is right.)
     */
    static String normalize(String text) {
        String unescaped = UNICODE_ESCAPE.matcher(text).replaceAll(m -> Matcher.quoteReplacement(
                String.valueOf((char) Integer.parseInt(m.group(1), 16))));
        return SPACED_DOT.matcher(unescaped).replaceAll(".");
    }

    private static String packageOf(String className) {
        String folder = className.contains("/") ? className.substring(0, className.lastIndexOf('/')) : "";
        return LAMBDA_PACKAGE.matcher(folder).replaceAll("").replace('/', '.');
    }
}
