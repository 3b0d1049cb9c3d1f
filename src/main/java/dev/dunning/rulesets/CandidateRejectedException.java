package dev.dunning.rulesets;

import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSetGates;
import java.util.List;

/** A candidate the gates refused: it is recorded as rejected and what is served does not change. */
public class CandidateRejectedException extends RuntimeException {

    private final String version;
    private final String stoppedAt;
    private final List<RuleProblem> problems;
    private final List<RuleSetGates.ScenarioFailure> scenarioFailures;
    private final boolean onActivation;
    private final TakenAs upload;
    private final List<RuleSetGates.ScenarioPass> scenariosPassed;

    CandidateRejectedException(String version, String stoppedAt, List<RuleProblem> problems,
            List<RuleSetGates.ScenarioFailure> scenarioFailures, boolean onActivation) {
        this(version, stoppedAt, problems, scenarioFailures, onActivation, null, List.of());
    }

    private CandidateRejectedException(String version, String stoppedAt, List<RuleProblem> problems,
            List<RuleSetGates.ScenarioFailure> scenarioFailures, boolean onActivation, TakenAs upload,
            List<RuleSetGates.ScenarioPass> scenariosPassed) {
        super("rule-set version " + version + " was rejected at the " + stoppedAt + " gate with "
                + problems.stream().filter(RuleProblem::isError).count() + " problem(s); the active version keeps "
                + "serving. Correct the files named in \"problems\" and upload them again"
                + (upload == null ? "" : ". " + upload.summary()));
        this.version = version;
        this.stoppedAt = stoppedAt;
        this.problems = List.copyOf(problems);
        this.scenarioFailures = List.copyOf(scenarioFailures);
        this.onActivation = onActivation;
        this.upload = upload;
        this.scenariosPassed = List.copyOf(scenariosPassed);
    }

    /** The same rejection, saying how the upload was taken (whole set or change, what it left out). */
    CandidateRejectedException withUpload(TakenAs takenAs) {
        return new CandidateRejectedException(version, stoppedAt, problems, scenarioFailures, onActivation, takenAs,
                scenariosPassed);
    }

    /** The same rejection, naming the scenarios that passed beside those that failed. */
    CandidateRejectedException withPassed(List<RuleSetGates.ScenarioPass> passed) {
        return new CandidateRejectedException(version, stoppedAt, problems, scenarioFailures, onActivation, upload,
                passed);
    }

    /** The scenarios that decided as written (the others are {@link #scenarioFailures}). */
    public List<RuleSetGates.ScenarioPass> scenariosPassed() {
        return scenariosPassed;
    }

    /** How the upload was taken; null for a rejection on activation. */
    public TakenAs upload() {
        return upload;
    }

    public String version() {
        return version;
    }

    public String stoppedAt() {
        return stoppedAt;
    }

    public List<RuleProblem> problems() {
        return problems;
    }

    public List<RuleSetGates.ScenarioFailure> scenarioFailures() {
        return scenarioFailures;
    }

    /** Raised by an activation (409: the version's state forbids it) rather than an upload (422). */
    public boolean onActivation() {
        return onActivation;
    }
}
