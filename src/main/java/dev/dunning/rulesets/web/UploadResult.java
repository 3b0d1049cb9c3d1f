package dev.dunning.rulesets.web;

import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSource;
import dev.dunning.rules.TableGrids;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the console shows after an upload: the outcome, and every problem and warning grouped by file, each decision
 * table a problem points into as a grid with its cells marked. Made from what the rule-set service answered; it
 * decides nothing.
 *
 * @param outcome {@code passed}, {@code stored}, {@code known} (the same content is a version already),
 *     {@code rejected} (a gate refused it) or {@code refused} (not taken as a rule set at all)
 */
record UploadResult(String fileName, String outcome, String message, String version, String stoppedAt,
        List<FileProblems> files, long errors, long warnings, List<RuleSetGates.ScenarioFailure> scenarioFailures,
        ScenarioResults scenarios) {

    /** The problems of one file: those on a table's cells in grids, the others (lines, whole sheets) as a list. */
    record FileProblems(String name, List<RuleProblem> elsewhere, List<TableGrids.Grid> grids) {}

    static UploadResult of(String fileName, String outcome, String message, String version, String stoppedAt,
            List<RuleProblem> problems, List<RuleSource> sources,
            List<RuleSetGates.ScenarioFailure> scenarioFailures) {
        return of(fileName, outcome, message, version, stoppedAt, problems, sources, scenarioFailures, 0, List.of());
    }

    /** With every scenario run: those that failed and those that passed, for the scenario results. */
    static UploadResult of(String fileName, String outcome, String message, String version, String stoppedAt,
            List<RuleProblem> problems, List<RuleSource> sources,
            List<RuleSetGates.ScenarioFailure> scenarioFailures, int scenariosRun,
            List<RuleSetGates.ScenarioPass> scenariosPassed) {
        List<FileProblems> files = new ArrayList<>();
        for (Map.Entry<String, List<RuleProblem>> file : TableGrids.byFile(problems).entrySet()) {
            List<TableGrids.Grid> grids = sources.stream().filter(s -> s.name().equals(file.getKey())).findFirst()
                    .map(s -> TableGrids.of(s, file.getValue())).orElse(List.of());
            List<RuleProblem> elsewhere = file.getValue().stream()
                    .filter(p -> grids.stream().noneMatch(g -> g.problems().contains(p) && placed(g, p))).toList();
            files.add(new FileProblems(file.getKey(), elsewhere, grids));
        }
        long errors = problems.stream().filter(RuleProblem::isError).count();
        List<RuleSetGates.ScenarioFailure> failures = scenarioFailures == null ? List.of() : scenarioFailures;
        return new UploadResult(fileName, outcome, message, version, stoppedAt, files, errors,
                problems.size() - errors, failures, ScenarioResults.of(scenariosRun, failures, scenariosPassed));
    }

    /** Whether the grid shows this problem on one of its cells (a problem about a whole sheet has no cell). */
    private static boolean placed(TableGrids.Grid grid, RuleProblem problem) {
        int number = grid.problems().indexOf(problem) + 1;
        return grid.rows().stream().anyMatch(r -> r.cells().stream().anyMatch(c -> c.marks().contains(number)));
    }

    public boolean clean() {
        return files.isEmpty() && scenarioFailures.isEmpty();
    }
}
