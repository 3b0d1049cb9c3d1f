package dev.dunning.rulesets.web;

import dev.dunning.rules.RuleSetGates;
import java.util.ArrayList;
import java.util.List;

/**
 * A candidate's scenarios as the console lists them: every scenario run with pass or fail, the failures first, each
 * failed expectation with what was expected above what the rules decided. Made from the gates' verdict (or a
 * version's stored report); decides nothing.
 */
record ScenarioResults(int run, int failed, List<Scenario> scenarios) {

    /** One scenario; {@code mismatches} empty when it passed. */
    record Scenario(String name, String file, int line, boolean passed, List<RuleSetGates.Mismatch> mismatches) {}

    static ScenarioResults of(int run, List<RuleSetGates.ScenarioFailure> failures,
            List<RuleSetGates.ScenarioPass> passes) {
        List<Scenario> scenarios = new ArrayList<>();
        failures.forEach(f -> scenarios.add(new Scenario(f.scenario(), f.file(), f.line(), false, f.expectations())));
        passes.forEach(p -> scenarios.add(new Scenario(p.scenario(), p.file(), p.line(), true, List.of())));
        return new ScenarioResults(Math.max(run, scenarios.size()), failures.size(), scenarios);
    }

    /** Whether scenarios that passed are named too (reports stored before that was recorded give only failures). */
    public boolean complete() {
        return scenarios.size() == run;
    }
}
