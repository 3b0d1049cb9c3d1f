package dev.dunning.rulesets;

import dev.dunning.rules.RuleSetGates;

/**
 * What a validation of an upload is recorded as ({@link RuleSetLifecycle#VALIDATED}): the uploaded file, how it was
 * taken (a whole set, or a change to the active version whose other files it was checked with) with every file of the
 * candidate and its origin, and what the gates said.
 */
record ValidatedUpload(String filename, String sha256, int size, TakenAs takenAs, RuleSetGates.Verdict verdict) {

    /**
     * The event's detail, for people and for the record: {@code upload tone.csv (sha256 ..., 812 bytes) as a change,
     * with the other files of version 1a2b3c4d5e6f: stopped at the checks gate, 2 problems (2 errors), 0 scenarios
     * run, 0 failed; files: decision-tables/tone.csv sha256 ... from the upload; rules/holds.drl sha256 ... from
     * version 1a2b3c4d5e6f; ...}.
     */
    String detail() {
        int problems = verdict.problems().size();
        int errors = verdict.errors().size();
        StringBuilder detail = new StringBuilder(RuleSetLifecycle.UPLOAD).append(' ').append(filename)
                .append(" (sha256 ").append(sha256).append(", ").append(size).append(" bytes)");
        if (takenAs.isChange()) {
            detail.append(" as a change, with the other files of version ")
                    .append(TakenAs.shortVersion(takenAs.basedOn()));
        } else {
            detail.append(" as a whole set");
        }
        detail.append(": ").append(verdict.passed() ? "passed" : "stopped at the " + verdict.stoppedAt() + " gate")
                .append(", ").append(problems).append(problems == 1 ? " problem" : " problems")
                .append(" (").append(errors).append(errors == 1 ? " error)" : " errors)")
                .append(", ").append(verdict.scenariosRun()).append(" scenarios run, ")
                .append(verdict.scenarioFailures().size()).append(" failed; ").append(takenAs.filesDetail());
        return detail.toString();
    }
}
