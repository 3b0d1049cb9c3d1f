package dev.dunning.audit.web;

import dev.dunning.audit.AuditFilter;
import dev.dunning.audit.AuditRetention;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.web.FieldProblem;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The filter parameters the audit API's reading endpoints share, bound from the query string by name (a parameter
 * that is not an instant is refused by the binder with its name, like any other parameter of the wrong type).
 */
record AuditQuery(String customerId, Instant from, Instant to, String action, String channel, String ruleName,
        String ruleSetVersion, String entryPoint, String policy) {

    static final List<String> ENTRY_POINTS = List.of("evaluate", "decide", "run", AuditRetention.ENTRY_POINT);

    /** Only a time range and a version, as the rule statistics take them. */
    static AuditQuery range(Instant from, Instant to, String ruleSetVersion) {
        return new AuditQuery(null, from, to, null, null, null, ruleSetVersion, null, null);
    }

    /** The filter, with a problem added for every parameter that can match nothing because it is misspelt. */
    AuditFilter filter(List<FieldProblem> problems) {
        if (from != null && to != null && !from.isBefore(to)) {
            problems.add(new FieldProblem("to", "the end of the range " + to + " is not after its start " + from
                    + " (from is inclusive, to exclusive)"));
        }
        code(problems, "action", action, Action.class);
        code(problems, "channel", channel, Channel.class);
        if (entryPoint != null && !ENTRY_POINTS.contains(entryPoint)) {
            problems.add(new FieldProblem("entryPoint", "\"" + entryPoint + "\" is not a known entry point; use one of "
                    + String.join(", ", ENTRY_POINTS)));
        }
        if (ruleSetVersion != null && !ruleSetVersion.matches("[0-9a-f]{64}")) {
            problems.add(new FieldProblem("ruleSetVersion", "\"" + ruleSetVersion + "\" is not a rule-set version; "
                    + "give the 64 lower-case hex digits of its content hash, as GET /api/v1/rule-set shows it"));
        }
        if (customerId != null && customerId.length() > 64) {
            problems.add(new FieldProblem("customerId", "a customer id has at most 64 characters"));
        }
        if (ruleName != null && ruleName.length() > 200) {
            problems.add(new FieldProblem("ruleName", "a rule name has at most 200 characters"));
        }
        String reference = blankToNull(policy) == null ? null : policy.strip();
        if (reference != null && reference.length() > 100) {
            problems.add(new FieldProblem("policy", "a policy reference has at most 100 characters; give it as "
                    + "a table row's policy cell or a DRL rule's @policy names it, such as ESC-C2"));
        }
        // A reference that no rule ever carried is no mistake the service can name (it may be in a table not yet
        // activated, or only in a version that never fired it): the search finds no decision, as for a rule name.
        return new AuditFilter(blankToNull(customerId), from, to, action, channel, blankToNull(ruleName),
                ruleSetVersion, entryPoint, reference);
    }

    private static <E extends Enum<E>> void code(List<FieldProblem> problems, String field, String value,
            Class<E> type) {
        if (value != null && Arrays.stream(type.getEnumConstants()).noneMatch(c -> c.name().equals(value))) {
            problems.add(new FieldProblem(field, "\"" + value + "\" is not a known " + field + "; use one of "
                    + Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "))));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
