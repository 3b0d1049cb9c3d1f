package dev.dunning.rules;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.kie.api.KieBase;

/**
 * A compiled, usable rule set: the exact files it was built from, identified by a content hash, and the KieBase.
 * Immutable; the service swaps whole rule sets, never parts of one.
 */
public final class RuleSet {

    /** One file of the set with the number of rules it contributes. */
    public record File(String name, String sha256, int rules) {}

    private final String version;
    private final List<File> files;
    private final KieBase kieBase;
    private final Map<String, RuleOrigin> origins;
    private final Map<String, String> generatedDrl;
    private final List<RuleProblem> warnings;
    private final Instant loadedAt;
    private final List<RuleSource> sources;

    RuleSet(String version, List<File> files, KieBase kieBase, Map<String, RuleOrigin> origins,
            Map<String, String> generatedDrl, List<RuleProblem> warnings, Instant loadedAt, List<RuleSource> sources) {
        this.sources = List.copyOf(sources);
        this.warnings = List.copyOf(warnings);
        this.version = version;
        this.files = List.copyOf(files);
        this.kieBase = kieBase;
        this.origins = Map.copyOf(origins);
        this.generatedDrl = Map.copyOf(generatedDrl);
        this.loadedAt = loadedAt;
    }

    /** SHA-256 over every file's name and content, in name order. */
    public String version() {
        return version;
    }

    /** The exact bytes of every file, in name order, so that the version can be stored and opened later. */
    public List<RuleSource> sources() {
        return sources;
    }

    public List<File> files() {
        return files;
    }

    public KieBase kieBase() {
        return kieBase;
    }

    public int ruleCount() {
        return origins.size();
    }

    /** Where a rule is written, by package and rule name. */
    public RuleOrigin origin(String packageName, String ruleName) {
        return origins.get(key(packageName, ruleName));
    }

    /** The DRL Drools compiled for each decision table sheet, keyed "file!sheet", for review. */
    public Map<String, String> generatedDrl() {
        return generatedDrl;
    }

    /** Problems that did not stop the build; the shipped rule set has none. */
    public List<RuleProblem> warnings() {
        return warnings;
    }

    public Instant loadedAt() {
        return loadedAt;
    }

    static String key(String packageName, String ruleName) {
        return packageName + "/" + ruleName;
    }
}
