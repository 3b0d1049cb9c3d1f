package dev.dunning.rulesets;

import dev.dunning.decision.DeclineCodes;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSetException;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSetLoader;
import dev.dunning.rules.RulesProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Chooses the rule set an instance starts with. The directories are the authoring source: content the database does
 * not know yet becomes a candidate and, when it passes the gates and {@code dunning.rule-sets.activate-on-start} is on,
 * the active version. Otherwise the database's active version is served, so a restart never undoes a rollback, and a
 * broken edit in the directories never stops a service that has a working version. Only when there is nothing that
 * passes does the start fail, listing every problem.
 */
@Configuration(proxyBeanMethods = false)
class RuleSetsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RuleSetsConfiguration.class);

    /**
     * Scenarios classify decline codes by the shipped list, not by {@code dunning.decline-codes-file}: a version is
     * its content, and whether it passes must not depend on a setting of the instance that checks it, or two instances
     * could disagree about the same version. Scenarios are written against the shipped list (docs/scenarios.md).
     */
    @Bean
    RuleSetGates ruleSetGates(RuleSetCompiler compiler, Clock clock) {
        return new RuleSetGates(compiler, clock, DeclineCodes.shipped());
    }

    @Bean
    ActiveRuleSet activeRuleSet(RuleSetGates gates, RulesProperties rules, RuleSetProperties properties,
            RuleSetVersions versions, Clock clock, JsonMapper json) {
        RuleSetLoader.Read read = RuleSetLoader.read(rules.rulesDir(), rules.decisionTablesDir(), rules.scenariosDir());
        RuleSetGates.Verdict verdict = gates.check(read.sources());
        if (!read.problems().isEmpty()) {
            List<RuleProblem> all = new ArrayList<>(read.problems());
            all.addAll(verdict.problems());
            verdict = new RuleSetGates.Verdict(verdict.version(), null,
                    verdict.stoppedAt() == null ? RuleSetGates.CHECKS : verdict.stoppedAt(), all,
                    verdict.scenariosRun(), verdict.scenarioFailures(), verdict.scenariosPassed());
        }
        String version = verdict.version();
        Optional<RuleSetVersions.Stored> known = versions.find(version);
        if (known.isEmpty()) {
            versions.insert(version, verdict.passed() ? RuleSetVersions.Status.CANDIDATE
                    : RuleSetVersions.Status.REJECTED, RuleSetLifecycle.STARTUP, RuleSetLifecycle.STARTUP,
                    "read from " + rules.rulesDir() + ", " + rules.decisionTablesDir() + ", " + rules.scenariosDir(),
                    json.writeValueAsString(RuleSetLifecycle.Report.of(verdict)), read.sources(), clock.instant());
        }
        Optional<String> activeVersion = versions.activeVersion();
        boolean fresh = known.isEmpty() || known.get().status() == RuleSetVersions.Status.CANDIDATE;
        if (verdict.passed() && (activeVersion.isEmpty() || (properties.activateOnStart() && fresh))) {
            versions.activate(version, RuleSetLifecycle.STARTUP, clock.instant());
            log.info("Rule set {} from the directories is active: {} rules from {} files", version.substring(0, 12),
                    verdict.ruleSet().ruleCount(), verdict.ruleSet().files().size());
            return new ActiveRuleSet(verdict.ruleSet());
        }
        if (activeVersion.isEmpty()) {
            throw new RuleSetException(verdict.problems().stream().filter(RuleProblem::isError).toList(),
                    verdict.stoppedAt());
        }
        if (!verdict.passed()) {
            log.warn("The rule set in the directories (version {}) was rejected at the {} gate; serving the active "
                    + "version {} from the database instead. Problems:\n  {}", version.substring(0, 12),
                    verdict.stoppedAt(), activeVersion.get().substring(0, 12), String.join("\n  ",
                            verdict.errors().stream().map(RuleProblem::toString).toList()));
        } else if (!activeVersion.get().equals(version)) {
            log.info("The rule set in the directories (version {}) waits as a {}; serving the active version {}",
                    version.substring(0, 12), known.map(k -> k.status().name().toLowerCase()).orElse("candidate"),
                    activeVersion.get().substring(0, 12));
        }
        if (verdict.passed() && activeVersion.get().equals(version)) {
            return new ActiveRuleSet(verdict.ruleSet());
        }
        RuleSetGates.Verdict stored = gates.check(versions.sources(activeVersion.get()));
        if (!stored.passed()) {
            throw new RuleSetException(stored.errors(), stored.stoppedAt());
        }
        RuleSet ruleSet = stored.ruleSet();
        log.info("Rule set {} from the database is active: {} rules", ruleSet.version().substring(0, 12),
                ruleSet.ruleCount());
        return new ActiveRuleSet(ruleSet);
    }
}
