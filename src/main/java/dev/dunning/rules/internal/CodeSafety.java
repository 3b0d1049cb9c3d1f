package dev.dunning.rules.internal;

import dev.dunning.rules.RuleProblem;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The safety gate: rule code (DRL files, and the DRL generated from table cells) may use the fact model and a short
 * list of pure helpers, nothing else. Drools compiles rule code to Java that runs inside the service, so a rule that
 * could reach System, a file or a socket would be a way into the server for anyone allowed to edit a spreadsheet.
 *
 * <p>The check reads the code as tokens with comments and string literals taken out (a reason text may say "file"),
 * and refuses: imports from outside the allow-list, qualified names of other packages, java.lang types (visible
 * without an import) that are neither fact model nor allowed helper, and the handful of methods that open reflection, class loading or the process
 * ({@code getClass}, {@code forName}, {@code exit}, {@code .class}, ...). It errs on the side of refusing: a refused
 * rule is reported with its place and can be rewritten against the fact model.
 *
 * <p>Text can be written so that this check and the compiler read it differently (unicode escapes, spaced names), so
 * it only gives early, friendly messages; {@link CompiledRuleCode} decides, on what the build compiled.
 */
public final class CodeSafety {

    /** The fact model: every public type of dev.dunning.decision a rule may name (the compiled-code gate's too). */
    static final Set<String> FACT_MODEL = RuleCodeAllowList.FACT_MODEL;

    /** Pure helpers: values, arithmetic, time arithmetic and collections. */
    static final Set<String> HELPERS = Set.of(
            "String", "Math", "Integer", "Long", "Double", "Float", "Short", "Byte", "Boolean", "Character", "Number",
            "Comparable", "StringBuilder",
            "BigDecimal", "BigInteger", "RoundingMode", "MathContext",
            "Instant", "LocalDate", "LocalDateTime", "LocalTime", "ZonedDateTime", "OffsetDateTime", "ZoneId",
            "ZoneOffset", "Duration", "Period", "DayOfWeek", "Month", "Year", "YearMonth", "MonthDay", "ChronoUnit",
            "DateTimeFormatter", "TemporalAdjusters",
            "List", "Map", "Set", "Collection", "Collections", "ArrayList", "LinkedList", "HashMap", "HashSet",
            "LinkedHashMap", "LinkedHashSet", "TreeMap", "TreeSet", "EnumMap", "EnumSet", "Arrays", "Objects",
            "Optional", "Iterator", "Comparator", "Entry");

    /** Packages whose types may be imported or written out in full, when the type itself is allowed. */
    private static final List<String> PACKAGES = List.of("dev.dunning.decision.", "java.lang.", "java.math.",
            "java.time.", "java.time.temporal.", "java.time.format.", "java.util.");

    /** Named for a better sentence than "not allowed": what the thing would give a rule. */
    private static final java.util.Map<String, String> FORBIDDEN = java.util.Map.ofEntries(
            java.util.Map.entry("System", "the process and its environment"),
            java.util.Map.entry("Runtime", "the process (running programs, exiting)"),
            java.util.Map.entry("ProcessBuilder", "running programs"),
            java.util.Map.entry("Process", "running programs"),
            java.util.Map.entry("ProcessHandle", "other processes"),
            java.util.Map.entry("Thread", "threads"),
            java.util.Map.entry("ThreadGroup", "threads"),
            java.util.Map.entry("Executors", "threads"),
            java.util.Map.entry("ForkJoinPool", "threads"),
            java.util.Map.entry("CompletableFuture", "threads"),
            java.util.Map.entry("Timer", "threads"),
            java.util.Map.entry("Class", "reflection"),
            java.util.Map.entry("ClassLoader", "class loading"),
            java.util.Map.entry("URLClassLoader", "class loading"),
            java.util.Map.entry("Method", "reflection"),
            java.util.Map.entry("Field", "reflection"),
            java.util.Map.entry("Constructor", "reflection"),
            java.util.Map.entry("Proxy", "reflection"),
            java.util.Map.entry("MethodHandles", "reflection"),
            java.util.Map.entry("Unsafe", "the JVM's memory"),
            java.util.Map.entry("File", "files"),
            java.util.Map.entry("Files", "files"),
            java.util.Map.entry("Path", "files"),
            java.util.Map.entry("Paths", "files"),
            java.util.Map.entry("FileInputStream", "files"),
            java.util.Map.entry("FileOutputStream", "files"),
            java.util.Map.entry("FileReader", "files"),
            java.util.Map.entry("FileWriter", "files"),
            java.util.Map.entry("RandomAccessFile", "files"),
            java.util.Map.entry("Socket", "the network"),
            java.util.Map.entry("ServerSocket", "the network"),
            java.util.Map.entry("DatagramSocket", "the network"),
            java.util.Map.entry("URL", "the network"),
            java.util.Map.entry("URI", "the network"),
            java.util.Map.entry("HttpClient", "the network"),
            java.util.Map.entry("HttpURLConnection", "the network"),
            java.util.Map.entry("InetAddress", "the network"),
            java.util.Map.entry("ObjectInputStream", "deserialisation"),
            java.util.Map.entry("ScriptEngineManager", "running scripts"),
            java.util.Map.entry("InitialContext", "JNDI lookups"),
            java.util.Map.entry("getClass", "reflection"),
            java.util.Map.entry("forName", "class loading"),
            java.util.Map.entry("getClassLoader", "class loading"),
            java.util.Map.entry("loadClass", "class loading"),
            java.util.Map.entry("defineClass", "class loading"),
            java.util.Map.entry("newInstance", "reflection"),
            java.util.Map.entry("invoke", "reflection"),
            java.util.Map.entry("getDeclaredMethod", "reflection"),
            java.util.Map.entry("getDeclaredMethods", "reflection"),
            java.util.Map.entry("getDeclaredField", "reflection"),
            java.util.Map.entry("getDeclaredFields", "reflection"),
            java.util.Map.entry("getDeclaredConstructor", "reflection"),
            java.util.Map.entry("getMethod", "reflection"),
            java.util.Map.entry("getField", "reflection"),
            java.util.Map.entry("setAccessible", "reflection"),
            java.util.Map.entry("getRuntime", "the process"),
            java.util.Map.entry("exec", "running programs"),
            java.util.Map.entry("exit", "stopping the service"),
            java.util.Map.entry("halt", "stopping the service"),
            java.util.Map.entry("loadLibrary", "native code"),
            java.util.Map.entry("getenv", "the process environment"),
            java.util.Map.entry("getProperty", "the process environment"),
            java.util.Map.entry("setProperty", "the process environment"),
            java.util.Map.entry("wait", "threads"),
            java.util.Map.entry("notify", "threads"),
            java.util.Map.entry("notifyAll", "threads"));

    private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(?:static\\s+|function\\s+)?([\\w.]+(?:\\.\\*)?)");
    private static final Pattern DECLARE = Pattern.compile("\\bdeclare\\s+(?:trait\\s+|enum\\s+)?([A-Za-z_]\\w*)");
    private static final Pattern QUALIFIED = Pattern.compile("\\b([a-z_]\\w*(?:\\.[a-z_]\\w*)+)\\.([A-Z]\\w*)");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_$@][\\w$]*");

    private CodeSafety() {}

    /** Every forbidden use in a unit, located at the DRL line and column or at the table cell it came from. */
    public static List<RuleProblem> check(CompilationUnit unit) {
        String[] lines = blankCommentsAndStrings(unit.drl()).split("\n", -1);
        Set<String> declared = new HashSet<>();
        for (String line : lines) {
            Matcher d = DECLARE.matcher(line);
            while (d.find()) {
                declared.add(d.group(1));
            }
        }
        List<RuleProblem> problems = new ArrayList<>();
        Set<String> reported = new HashSet<>();
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            int lineNo = i + 1;
            Matcher imp = IMPORT.matcher(line);
            if (imp.find()) {
                String name = imp.group(1);
                if (!importAllowed(name)) {
                    report(unit, problems, reported, lineNo, imp.start(1), name, "imports " + name
                            + ", which is outside the fact model; rules may import dev.dunning.decision types and "
                            + "java.time, java.math and collection types only");
                }
                continue;
            }
            if (line.stripLeading().startsWith("package ")) {
                continue;
            }
            Matcher q = QUALIFIED.matcher(line);
            while (q.find()) {
                String name = q.group(1) + "." + q.group(2);
                if (!importAllowed(name) && !q.group(1).startsWith("$")) {
                    report(unit, problems, reported, lineNo, q.start(), name, "uses " + name
                            + ", which is outside the fact model and the allowed helpers (java.time, java.math, "
                            + "collections)");
                }
            }
            Matcher id = IDENTIFIER.matcher(line);
            while (id.find()) {
                String token = id.group();
                if (token.startsWith("@") || token.startsWith("$")) {
                    continue;
                }
                boolean afterDot = before(line, id.start()) == '.';
                if (token.equals("class") && afterDot) {
                    report(unit, problems, reported, lineNo, id.start(), ".class",
                            "uses \".class\", which opens reflection; rules may only use the fact model");
                } else if (FORBIDDEN.containsKey(token)) {
                    report(unit, problems, reported, lineNo, id.start(), token, "uses " + token + ", which gives a "
                            + "rule access to " + FORBIDDEN.get(token) + "; rules may only use the fact model and "
                            + "pure helpers (java.time, java.math, collections)");
                } else if (isTypeName(token) && !FACT_MODEL.contains(token) && !HELPERS.contains(token)
                        && !declared.contains(token) && !afterDot && inJavaLang(token)) {
                    report(unit, problems, reported, lineNo, id.start(), token, "uses " + token + ", which is "
                            + "neither part of the fact model (" + String.join(", ", new java.util.TreeSet<>(FACT_MODEL))
                            + ") nor an allowed helper");
                }
            }
        }
        return problems;
    }

    private static boolean importAllowed(String name) {
        for (String pkg : PACKAGES) {
            if (name.startsWith(pkg)) {
                String rest = name.substring(pkg.length());
                if (rest.contains(".") && !rest.endsWith(".*")) {
                    rest = rest.substring(0, rest.indexOf('.')); // a nested type or a static member
                }
                if (rest.equals("*")) {
                    return pkg.startsWith("java.time") || pkg.equals("java.math.") || pkg.equals("dev.dunning.decision.");
                }
                return pkg.equals("dev.dunning.decision.") ? FACT_MODEL.contains(rest) : HELPERS.contains(rest);
            }
        }
        return false;
    }

    private static final java.util.concurrent.ConcurrentMap<String, Boolean> JAVA_LANG =
            new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * Whether a name reaches a java.lang type, which Java code sees without an import. Imports are checked on their
     * own, so these are the only types a rule can reach by a simple name; any other unknown name does not compile.
     */
    private static boolean inJavaLang(String token) {
        return JAVA_LANG.computeIfAbsent(token, t -> {
            try {
                Class.forName("java.lang." + t, false, ClassLoader.getPlatformClassLoader());
                return true;
            } catch (ClassNotFoundException | LinkageError e) {
                return false;
            }
        });
    }

    /** Capitalised and not all capitals: a type, not an enum constant such as EMAIL. */
    private static boolean isTypeName(String token) {
        return Character.isUpperCase(token.charAt(0)) && !token.equals(token.toUpperCase(java.util.Locale.ROOT));
    }

    private static char before(String line, int at) {
        for (int i = at - 1; i >= 0; i--) {
            if (!Character.isWhitespace(line.charAt(i))) {
                return line.charAt(i);
            }
        }
        return ' ';
    }

    private static void report(CompilationUnit unit, List<RuleProblem> problems, Set<String> reported, int line,
            int column, String token, String sentence) {
        if (unit.sheet() == null) {
            if (reported.add(line + ":" + token)) {
                problems.add(RuleProblem.atLine(unit.source(), line, column + 1, "this rule code " + sentence));
            }
            return;
        }
        String cell = unit.cellOf(token, line);
        if (reported.add(cell + ":" + token)) {
            problems.add(RuleProblem.atCell(unit.source(), unit.sheet(), cell, "the code of this cell " + sentence));
        }
    }

    /** Comments and string literals become spaces, so positions stay where they were. */
    static String blankCommentsAndStrings(String drl) {
        StringBuilder out = new StringBuilder(drl.length());
        int i = 0;
        int n = drl.length();
        while (i < n) {
            char c = drl.charAt(i);
            if (c == '/' && i + 1 < n && drl.charAt(i + 1) == '/') {
                while (i < n && drl.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && i + 1 < n && drl.charAt(i + 1) == '*') {
                int end = drl.indexOf("*/", i + 2);
                end = end < 0 ? n : end + 2;
                for (; i < end; i++) {
                    out.append(drl.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else if (c == '"' || c == '\'') {
                out.append(' ');
                i++;
                while (i < n && drl.charAt(i) != c && drl.charAt(i) != '\n') {
                    if (drl.charAt(i) == '\\' && i + 1 < n) {
                        out.append(' ');
                        i++;
                    }
                    out.append(' ');
                    i++;
                }
                if (i < n && drl.charAt(i) == c) {
                    out.append(' ');
                    i++;
                }
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }
}
