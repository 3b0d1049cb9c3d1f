package dev.dunning.audit;

import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.RuleOrigin;
import dev.dunning.rules.RuleSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Rule;
import org.springframework.stereotype.Service;

/**
 * How often each rule fired per rule-set version over a time range, including the rules of a version that never
 * fired (count 0), so that credit controllers see which rows drive decisions and which are dead.
 *
 * <p>Where the list of a version's rules comes from: for the version active in this instance, from its compiled rule
 * set (every rule of every DRL file and table row); for any other version, only from the log (every rule that ever
 * fired under that version, at any time): a rule of an inactive version that never fired at all appears in its
 * stored files but not in the statistics, and {@link VersionStats#rulesListedFrom} says which list was used.
 */
@Service
public class RuleStatistics {

    /** The list of rules came from the compiled rule set active in this instance. */
    public static final String FROM_ACTIVE_RULE_SET = "active rule set";

    /** The list of rules came from what the log holds: rules that never fired under this version are missing. */
    public static final String FROM_LOG = "rules that fired under this version at any time (the version is not active)";

    private final AuditRecords records;
    private final ActiveRuleSet active;

    public RuleStatistics(AuditRecords records, ActiveRuleSet active) {
        this.records = records;
        this.active = active;
    }

    /** One rule of a version with its counts over the range. */
    public record RuleStats(String rule, String source, String sheet, Integer row, Integer line, String policy,
            String group, long firings, long decisions, long overridden) {}

    /**
     * @param decisions decisions recorded under this version in the range
     * @param rules every known rule of the version, in file order (source, sheet, row or line, name)
     */
    public record VersionStats(String ruleSetVersion, boolean active, long decisions, String rulesListedFrom,
            List<RuleStats> rules) {}

    public record Report(Instant from, Instant to, List<VersionStats> versions) {}

    /**
     * The versions reported: the one asked for, or else every version that made a decision in the range and the
     * active version (so its dead rules show even in a range with no decisions).
     */
    public Report over(Instant from, Instant to, String ruleSetVersion) {
        RuleSet activeSet = active.get();
        Map<String, Long> decisions = records.decisionsPerVersion(from, to, ruleSetVersion);
        TreeSet<String> versions = new TreeSet<>(decisions.keySet());
        if (ruleSetVersion != null) {
            versions.add(ruleSetVersion);
        } else {
            versions.add(activeSet.version());
        }
        Map<String, Map<String, RuleStats>> byVersion = new LinkedHashMap<>();
        for (String version : versions) {
            Map<String, RuleStats> rules = new LinkedHashMap<>();
            List<RuleStats> known = version.equals(activeSet.version()) ? rulesOf(activeSet)
                    : records.rulesEverFired(version).stream().map(c -> new RuleStats(c.rule(), c.source(), c.sheet(),
                            c.row(), null, c.policy(), c.group(), 0, 0, 0)).toList();
            known.forEach(r -> rules.put(key(r.rule(), r.source()), r));
            byVersion.put(version, rules);
        }
        for (AuditRecords.RuleCount c : records.ruleCounts(from, to, ruleSetVersion)) {
            Map<String, RuleStats> rules = byVersion.get(c.ruleSetVersion());
            RuleStats known = rules.get(key(c.rule(), c.source()));
            rules.put(key(c.rule(), c.source()), new RuleStats(c.rule(), c.source(), c.sheet(), c.row(),
                    known == null ? null : known.line(), c.policy(), c.group(), c.firings(), c.decisions(),
                    c.overridden()));
        }
        List<VersionStats> result = new ArrayList<>();
        for (var e : byVersion.entrySet()) {
            boolean isActive = e.getKey().equals(activeSet.version());
            List<RuleStats> rules = new ArrayList<>(e.getValue().values());
            rules.sort(FILE_ORDER);
            result.add(new VersionStats(e.getKey(), isActive, decisions.getOrDefault(e.getKey(), 0L),
                    isActive ? FROM_ACTIVE_RULE_SET : FROM_LOG, List.copyOf(rules)));
        }
        return new Report(from, to, List.copyOf(result));
    }

    private static final Comparator<RuleStats> FILE_ORDER = Comparator
            .comparing(RuleStats::source, Comparator.nullsLast(Comparator.naturalOrder()))
            .thenComparing(RuleStats::sheet, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(RuleStats::row, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(RuleStats::line, Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(RuleStats::rule);

    /** Every rule of a compiled set, read from its KieBase, with where it is written and its policy reference. */
    static List<RuleStats> rulesOf(RuleSet ruleSet) {
        List<RuleStats> rules = new ArrayList<>();
        for (KiePackage pkg : ruleSet.kieBase().getKiePackages()) {
            for (Rule rule : pkg.getRules()) {
                RuleOrigin origin = ruleSet.origin(pkg.getName(), rule.getName());
                Object policy = rule.getMetaData().get("policy");
                rules.add(new RuleStats(rule.getName(), origin == null ? null : origin.source(),
                        origin == null ? null : origin.sheet(), origin == null ? null : origin.row(),
                        origin == null ? null : origin.line(), policy == null ? null : unquoted(policy.toString()),
                        null, 0, 0, 0));
            }
        }
        return rules;
    }

    /** Metadata as authors wrote it: @policy("DUN-02") reads as DUN-02 (as the trace records it). */
    private static String unquoted(String s) {
        return s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"") ? s.substring(1, s.length() - 1) : s;
    }

    private static String key(String rule, String source) {
        return rule + "\u0000" + Objects.toString(source, "");
    }
}
