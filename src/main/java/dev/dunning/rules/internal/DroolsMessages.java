package dev.dunning.rules.internal;

import dev.dunning.rules.RuleProblem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.kie.api.builder.Message;

/**
 * Puts Drools' build messages where a person can find them and says them in a rule author's words. The executable
 * model reports many errors in Java it generated (LambdaConsequence....java:25) or without any position; these are
 * traced back to the DRL line, or the sheet cell, that holds the offending code.
 */
public final class DroolsMessages {

    private static final Pattern PARSER_PREFIX = Pattern.compile("^\\[ERR \\d+\\]\\s*Line (\\d+):(\\d+)\\s*");
    private static final Pattern LEFT_PART = Pattern.compile("Unable to parse left part of expression: ([A-Za-z_]\\w*).*");
    private static final Pattern COERCE = Pattern.compile("Cannot coerce String (.+?) to (\\w+)!?");
    private static final Pattern FACT_BEFORE = Pattern.compile("([A-Z]\\w*)\\s*\\([^(]*$");
    private static final String JAVA_SOURCE = "Java source of ";
    private static final int MAX_PLACES = 10;

    private final Map<String, CompilationUnit> byPath = new HashMap<>();
    private final Collection<CompilationUnit> units;

    public DroolsMessages(Collection<CompilationUnit> units) {
        this.units = units;
        for (CompilationUnit unit : units) {
            byPath.put(unit.kfsPath(), unit);
            byPath.put(unit.kfsPath().substring(CompilationUnit.kfsRoot().length()), unit);
        }
    }

    /** A syntax error the DRL parser found at a 1-based line and 0-based column. */
    public static RuleProblem syntax(CompilationUnit unit, int line, int column, String message) {
        String text = plainSyntax(message);
        if (unit.sheet() != null) {
            return RuleProblem.atCell(unit.source(), unit.sheet(), unit.cellFor(line),
                    "the rule generated from this cell is not valid: " + text + unit.generatedLine(line));
        }
        return RuleProblem.atLine(unit.source(), line > 0 ? line : null, column >= 0 ? column + 1 : null, text);
    }

    public List<RuleProblem> locate(List<Message> messages) {
        Map<String, String> javaSources = new HashMap<>();
        for (Message m : messages) {
            if (m.getText().startsWith(JAVA_SOURCE) && m.getPath() != null) {
                javaSources.put(m.getPath(), m.getText().substring(m.getText().indexOf('\n') + 1));
            }
        }
        List<RuleProblem> problems = new ArrayList<>();
        for (Message m : messages) {
            String text = m.getText().strip();
            if (text.startsWith(JAVA_SOURCE) || (messages.size() > 1 && text.contains("Parser returned a null Package"))) {
                continue; // echoes of another message
            }
            RuleProblem.Severity severity =
                    m.getLevel() == Message.Level.ERROR ? RuleProblem.Severity.ERROR : RuleProblem.Severity.WARNING;
            if (m.getPath() != null && m.getPath().endsWith(".java")) {
                problems.addAll(inGeneratedJava(m, severity, text, javaSources.get(m.getPath())));
                continue;
            }
            CompilationUnit unit = m.getPath() == null ? null : byPath.get(m.getPath());
            problems.addAll(inDrl(unit, severity, text, m.getLine(), m.getColumn()));
        }
        return problems;
    }

    private List<RuleProblem> inDrl(CompilationUnit unit, RuleProblem.Severity severity, String text, int line, int column) {
        Matcher coerce = COERCE.matcher(text);
        if (coerce.matches()) {
            String quoted = "\"" + coerce.group(1) + "\"";
            String type = coerce.group(2);
            List<RuleProblem> found = new ArrayList<>();
            for (CompilationUnit u : unit == null ? units : List.of(unit)) {
                for (int[] at : u.occurrences(quoted, MAX_PLACES)) {
                    Matcher field = Pattern.compile("(\\w+)\\s*(?:==|!=|>=|<=|>|<)\\s*" + Pattern.quote(quoted))
                            .matcher(u.line(at[0]));
                    found.add(place(u, severity, quoted + " is not a " + type + " value"
                            + (field.find() ? " for " + field.group(1) : "")
                            + (type.equals("boolean") ? "; compare with true or false, without quotes" : ""), at[0], at[1]));
                }
            }
            if (!found.isEmpty()) {
                return found;
            }
        }
        if (unit == null) {
            return List.of(new RuleProblem(severity, "(rule set)", null, null, line > 0 ? line : null, null, text));
        }
        int[] position = line > 0 ? new int[] {line, column} : firstQuotedCode(unit, text);
        return List.of(place(unit, severity, plainer(text, unit.line(position[0]), position[1]), position[0],
                position[1]));
    }

    /** An error in Java generated from a consequence: find the statement in the DRL it was generated from. */
    private List<RuleProblem> inGeneratedJava(Message m, RuleProblem.Severity severity, String text, String source) {
        String path = m.getPath();
        String pkg = path.replaceFirst("^src/main/java/", "").replaceFirst("/[^/]*$", "").replaceFirst("/P\\w+$", "")
                .replace('/', '.');
        List<CompilationUnit> candidates = units.stream().filter(u -> u.packageName().equals(pkg)).toList();
        if (candidates.isEmpty()) {
            candidates = List.copyOf(units);
        }
        String statement = null;
        if (source != null && m.getLine() > 0) {
            String[] lines = source.split("\n", -1);
            statement = m.getLine() <= lines.length ? lines[m.getLine() - 1].strip() : null;
        }
        if (statement != null && !statement.isEmpty()) {
            List<RuleProblem> found = placesOf(statement, candidates, severity, hint(text));
            if (!found.isEmpty()) {
                return found;
            }
        }
        CompilationUnit unit = candidates.get(0);
        return List.of(unit.sheet() == null
                ? new RuleProblem(severity, unit.source(), null, null, null, null, hint(text))
                : new RuleProblem(severity, unit.source(), unit.sheet(), null, null, null, hint(text)));
    }

    private List<RuleProblem> placesOf(String code, Collection<CompilationUnit> in, RuleProblem.Severity severity,
            String text) {
        List<RuleProblem> found = new ArrayList<>();
        for (CompilationUnit unit : in) {
            for (int[] at : unit.occurrences(code, MAX_PLACES - found.size())) {
                found.add(place(unit, severity, text, at[0], at[1]));
            }
        }
        return found;
    }

    private static RuleProblem place(CompilationUnit unit, RuleProblem.Severity severity, String text, int line,
            int column) {
        if (unit.sheet() != null) {
            return new RuleProblem(severity, unit.source(), unit.sheet(), unit.cellFor(line), null, null,
                    "the rule generated from this cell does not compile: " + text + unit.generatedLine(line));
        }
        return new RuleProblem(severity, unit.source(), null, null, line > 0 ? line : null, column > 0 ? column : null,
                text);
    }

    private static String hint(String text) {
        if (text.endsWith("cannot be resolved to a variable")) {
            return text + "; if it is meant as text, put it (or the template's $param) in double quotes";
        }
        return text;
    }

    /** Line and column of the code a position-less message quotes, or {0, 0}. */
    private static int[] firstQuotedCode(CompilationUnit unit, String message) {
        List<String> candidates = new ArrayList<>();
        int colon = message.lastIndexOf(": ");
        if (colon >= 0 && colon + 2 < message.length()) {
            candidates.add(message.substring(colon + 2).strip());
        }
        Matcher quoted = Pattern.compile("'([^']{3,})'|\"([^\"]{3,})\"").matcher(message);
        while (quoted.find()) {
            candidates.add(quoted.group(1) != null ? quoted.group(1) : quoted.group(2));
        }
        for (String code : candidates) {
            List<int[]> at = unit.occurrences(code, 1);
            if (!at.isEmpty()) {
                return at.get(0);
            }
        }
        return new int[] {0, 0};
    }

    /** "Unable to parse left part of expression" almost always means a field the fact does not have. */
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
        return FactTypes.byName(fact.group(1))
                .filter(type -> FactTypes.resolve(type, field).isEmpty())
                .map(type -> type.getSimpleName() + " has no field \"" + field + "\"; its fields are "
                        + String.join(", ", FactTypes.properties(type).keySet()))
                .orElse(text);
    }

    /** "[ERR 102] Line 12:33 mismatched input ')' in rule "X"" becomes "unexpected ")" in rule "X"". */
    static String plainSyntax(String message) {
        String text = PARSER_PREFIX.matcher(message.strip()).replaceFirst("");
        text = text.replaceFirst("^mismatched input '([^']*)'", "unexpected \"$1\"")
                .replaceFirst("^extraneous input '([^']*)'", "unexpected extra \"$1\"")
                .replaceFirst("^no viable alternative at input '([^']*)'", "cannot make sense of \"$1\"")
                .replace("expecting", "expected")
                .replace("<EOF>", "the end of the file");
        return text;
    }
}
