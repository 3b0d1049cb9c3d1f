package dev.dunning.audit;

import dev.dunning.decision.TraceEntry;
import dev.dunning.rules.RuleSource;
import java.time.Instant;
import java.util.List;

/**
 * A decision to be recorded.
 *
 * @param decisionId time-ordered id (UUIDv7) the caller will see
 * @param entryPoint how the decision was asked for: {@code evaluate} (inline facts), {@code decide} (by customer id),
 *     {@code run} (batch)
 * @param ruleSetSources the files of the rule-set version, stored once per version so an auditor can open them
 * @param output the decision as answered (serialised as JSON into the chained record)
 * @param facts the facts evaluated (serialised as JSON apart from the chained record: personal data)
 * @param runId the dunning run that made the decision, null for single decisions; one record per customer and run
 * @param testId the champion/challenger test the decision was part of, null outside a test
 * @param arm the arm of that test which decided ({@code CHAMPION} or {@code CHALLENGER}), null outside a test
 */
public record AuditEntry(
        String decisionId,
        Instant asOf,
        String customerId,
        String principal,
        String entryPoint,
        String ruleSetVersion,
        List<RuleSource> ruleSetSources,
        String action,
        String channel,
        String tone,
        List<TraceEntry> trace,
        Object output,
        Object facts,
        Long runId,
        Long testId,
        String arm) {

    public AuditEntry {
        if ((testId == null) != (arm == null)) {
            throw new IllegalArgumentException("a decision of a test records both the test and the arm, or neither");
        }
    }

    /** A decision outside any test. */
    public AuditEntry(String decisionId, Instant asOf, String customerId, String principal, String entryPoint,
            String ruleSetVersion, List<RuleSource> ruleSetSources, String action, String channel, String tone,
            List<TraceEntry> trace, Object output, Object facts, Long runId) {
        this(decisionId, asOf, customerId, principal, entryPoint, ruleSetVersion, ruleSetSources, action, channel,
                tone, trace, output, facts, runId, null, null);
    }

    /** A decision outside any run. */
    public AuditEntry(String decisionId, Instant asOf, String customerId, String principal, String entryPoint,
            String ruleSetVersion, List<RuleSource> ruleSetSources, String action, String channel, String tone,
            List<TraceEntry> trace, Object output, Object facts) {
        this(decisionId, asOf, customerId, principal, entryPoint, ruleSetVersion, ruleSetSources, action, channel,
                tone, trace, output, facts, null);
    }
}
