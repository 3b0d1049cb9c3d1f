package dev.dunning.rulesets;

import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSource;
import java.util.List;

/**
 * What a validation of an upload is recorded as ({@link RuleSetLifecycle#VALIDATED}): the uploaded file, the files it
 * brought into the candidate (every file of a zip, else the one file as placed in the set), the version whose other
 * files a single file was checked with (null for a zip), and what the gates said.
 */
record ValidatedUpload(String filename, String sha256, int size, List<RuleSource> uploaded, String basedOn,
        RuleSetGates.Verdict verdict) {

    /**
     * The event's detail, for people and for the record: {@code upload tone.csv (sha256 ..., 812 bytes) with the other
     * files of version 1a2b3c4d5e6f: stopped at the checks gate, 2 problems (2 errors), 0 scenarios run, 0 failed;
     * files: decision-tables/tone.csv sha256 ...}.
     */
    String detail() {
        int problems = verdict.problems().size();
        int errors = verdict.errors().size();
        StringBuilder detail = new StringBuilder(RuleSetLifecycle.UPLOAD).append(' ').append(filename)
                .append(" (sha256 ").append(sha256).append(", ").append(size).append(" bytes)");
        if (basedOn != null) {
            detail.append(" with the other files of version ").append(basedOn, 0, Math.min(12, basedOn.length()));
        }
        detail.append(": ").append(verdict.passed() ? "passed" : "stopped at the " + verdict.stoppedAt() + " gate")
                .append(", ").append(problems).append(problems == 1 ? " problem" : " problems")
                .append(" (").append(errors).append(errors == 1 ? " error)" : " errors)")
                .append(", ").append(verdict.scenariosRun()).append(" scenarios run, ")
                .append(verdict.scenarioFailures().size()).append(" failed; files: ");
        for (int i = 0; i < uploaded.size(); i++) {
            RuleSource file = uploaded.get(i);
            detail.append(i == 0 ? "" : "; ").append(file.name()).append(" sha256 ")
                    .append(RuleSetCompiler.sha256(file.content()));
        }
        return detail.toString();
    }
}
