package dev.dunning.rules;

import dev.dunning.decision.DeclineCodes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The gates a candidate passes before it may serve: (1) structure and content checks of every table, (2) safety of
 * all rule code and spreadsheet containers, (3) a Drools build with a fresh ReleaseId, (4) every scenario of the
 * candidate. The first three are the {@link RuleSetCompiler}'s; this class adds the scenarios and says which gate
 * stopped a candidate. Nothing here changes what is served: the swap is the caller's, and only for a passed verdict.
 */
public final class RuleSetGates {

    public static final String CHECKS = "checks";
    public static final String SAFETY = "safety";
    public static final String COMPILE = "compile";
    public static final String SCENARIOS = "scenarios";

    /** A scenario that did not decide as written: where it is and each expectation that was not met. */
    public record ScenarioFailure(String scenario, String file, int line, List<String> mismatches) {

        /**
         * Each mismatch as what was expected and what came out instead (ScenarioRunner says them as "expected tone
         * FRIENDLY but got NEUTRAL"); read from the sentences, so a report stored before this existed reads the same.
         * A mismatch that compares nothing (a rule failed while deciding) has {@code what} null and the sentence as
         * {@code actual}.
         */
        public List<Mismatch> expectations() {
            return mismatches.stream().map(Mismatch::of).toList();
        }
    }

    /** What one expectation of a scenario wanted ({@code expected}) and what the rules decided ({@code actual}). */
    public record Mismatch(String what, String expected, String actual) {

        private static final java.util.regex.Pattern FIELD = java.util.regex.Pattern.compile(
                "expected (action|channel|tone|stage|notBefore|nextReviewOn|requiresApproval|invoiceIds|number of fees)"
                        + " (.*) but got (.*)", java.util.regex.Pattern.DOTALL);
        private static final java.util.regex.Pattern OTHER = java.util.regex.Pattern.compile(
                "expected (a fee of|a reason containing|policy) (.*?),? but (?:got|these did:) (.*)",
                java.util.regex.Pattern.DOTALL);

        static Mismatch of(String sentence) {
            java.util.regex.Matcher m = FIELD.matcher(sentence);
            if (!m.matches()) {
                m = OTHER.matcher(sentence);
                if (!m.matches()) {
                    return new Mismatch(null, null, sentence);
                }
            }
            String what = switch (m.group(1)) {
                case "a fee of" -> "fee";
                case "a reason containing" -> "reason";
                default -> m.group(1);
            };
            String expected = m.group(2).replace(" to decide", "");
            return new Mismatch(what, expected, m.group(3));
        }
    }

    /** A scenario that decided as written. */
    public record ScenarioPass(String scenario, String file, int line) {}

    /**
     * What the gates said about a set of files.
     *
     * @param ruleSet the compiled set, only when every gate passed
     * @param stoppedAt the gate that refused it, null when it passed
     * @param problems errors and warnings, each located at file, sheet and cell or line and column
     * @param scenariosPassed the scenarios that decided as written (with {@code scenarioFailures}, every one run)
     */
    public record Verdict(String version, RuleSet ruleSet, String stoppedAt, List<RuleProblem> problems,
            int scenariosRun, List<ScenarioFailure> scenarioFailures, List<ScenarioPass> scenariosPassed) {

        public boolean passed() {
            return stoppedAt == null;
        }

        public List<RuleProblem> errors() {
            return problems.stream().filter(RuleProblem::isError).toList();
        }
    }

    private final RuleSetCompiler compiler;
    private final ScenarioRunner runner;

    public RuleSetGates(RuleSetCompiler compiler, Clock clock, DeclineCodes declineCodes) {
        this.compiler = compiler;
        // Scenarios name the rule set they run on; the engine's own active set is never consulted.
        this.runner = new ScenarioRunner(new DecisionEngine(() -> {
            throw new IllegalStateException("scenarios run on the candidate, never on the active set");
        }, clock, declineCodes));
    }

    /**
     * Problems of a file as a container, before anything parses it: a macro-enabled or bomb-like workbook. Used on
     * uploads, so that such a file is refused before it is stored.
     */
    public static List<RuleProblem> containerProblems(RuleSource source) {
        return dev.dunning.rules.internal.WorkbookSafety.check(source.name(), source.content());
    }

    /** A macro-enabled workbook's name (.xlsm, .xlsb, ...), refused wherever it turns up. */
    public static boolean isMacroName(String name) {
        return dev.dunning.rules.internal.WorkbookSafety.isMacroWorkbookName(name);
    }

    public Verdict check(List<RuleSource> sources) {
        String version = RuleSetCompiler.versionOf(sources);
        RuleSet ruleSet;
        try {
            ruleSet = compiler.compile(sources);
        } catch (RuleSetException e) {
            return new Verdict(version, null, e.gate() == null ? COMPILE : e.gate(), e.problems(), 0, List.of(),
                    List.of());
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            return new Verdict(version, null, COMPILE, List.of(RuleProblem.inFile("(rule set)",
                    "Drools could not build the rule set: " + describe(e))), 0, List.of(), List.of());
        }
        List<RuleProblem> problems = new ArrayList<>(ruleSet.warnings());
        List<Scenario> scenarios = new ArrayList<>();
        for (RuleSource source : ruleSet.sources()) {
            if (!source.isScenario()) {
                continue;
            }
            try {
                scenarios.addAll(ScenarioFile.parse(source.name(), source.content()));
            } catch (IllegalArgumentException e) {
                for (String line : e.getMessage().split("\n")) {
                    problems.add(RuleProblem.inFile(source.name(), "a scenario cannot be read: " + line));
                }
            }
        }
        if (scenarios.isEmpty() && problems.stream().noneMatch(RuleProblem::isError)) {
            problems.add(new RuleProblem(RuleProblem.Severity.WARNING, RuleSource.SCENARIOS, null, null, null, null,
                    "the rule set has no scenarios, so nothing shows that it decides as intended; add a CSV file "
                            + "under scenarios/ (see docs/scenarios.md)"));
        }
        List<ScenarioFailure> failures = new ArrayList<>();
        List<ScenarioPass> passes = new ArrayList<>();
        for (Scenario scenario : scenarios) {
            List<String> mismatches;
            try {
                mismatches = runner.run(scenario, ruleSet).mismatches();
            } catch (RuleEvaluationException e) {
                mismatches = List.of("a rule failed while deciding: " + e.getMessage());
            } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
                // Rule code that fails outside a firing, or so deeply that the engine could not wrap it: still a
                // located rejection of the candidate, never an error of the service.
                mismatches = List.of("the rules failed while deciding: " + describe(e));
            }
            if (mismatches.isEmpty()) {
                passes.add(new ScenarioPass(scenario.name(), scenario.file(), scenario.line()));
            } else {
                failures.add(new ScenarioFailure(scenario.name(), scenario.file(), scenario.line(), mismatches));
                problems.add(RuleProblem.atLine(scenario.file(), scenario.line(), null,
                        "scenario \"" + scenario.name() + "\" fails: " + String.join("; ", mismatches)));
            }
        }
        if (problems.stream().anyMatch(RuleProblem::isError)) {
            return new Verdict(version, null, SCENARIOS, problems, scenarios.size(), failures, passes);
        }
        return new Verdict(version, ruleSet, null, problems, scenarios.size(), failures, passes);
    }

    private static String describe(Throwable e) {
        return e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
