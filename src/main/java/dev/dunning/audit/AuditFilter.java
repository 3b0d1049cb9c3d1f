package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Which decisions of the log to read; every field is optional (null: no filter) and all given ones must hold.
 *
 * @param from recorded at or after (inclusive)
 * @param to recorded before (exclusive)
 * @param ruleName decisions in which a rule of this exact name fired (overridden firings included)
 * @param policy decisions in which a rule or table row fired that carried this policy reference (e.g. {@code ESC-C2})
 *     under the decision's rule-set version (overridden firings included)
 */
public record AuditFilter(
        String customerId,
        Instant from,
        Instant to,
        String action,
        String channel,
        String ruleName,
        String ruleSetVersion,
        String entryPoint,
        String policy) {

    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null, null, null, null);

    /** A filter without a policy reference. */
    public AuditFilter(String customerId, Instant from, Instant to, String action, String channel, String ruleName,
            String ruleSetVersion, String entryPoint) {
        this(customerId, from, to, action, channel, ruleName, ruleSetVersion, entryPoint, null);
    }

    /**
     * The WHERE clause over audit_records aliased {@code r}, its parameters in order, and whether it reads the firings
     * (a rule name or a policy reference), so that the query must be planned as {@link #PLANNED} says.
     */
    record Where(String sql, List<Object> params, boolean firings) {

        /** The statement, planned as {@link #PLANNED} says when the clause reads the firings. */
        String statement(String select) {
            return firings ? PLANNED + select : select;
        }
    }

    /**
     * For a search through the firings, MariaDB's semi-join materialization is switched off for the one statement. With
     * it, MariaDB may copy every firing of a common rule from the (name_id, seq) index into a temporary table before
     * reading a page below a cursor, or, when a firing's rule id must be checked too, scan all of audit_firings.
     * Without it, MariaDB either walks the records backwards and looks each one up in the index (FirstMatch: a common
     * rule) or walks the rule's index range and looks the records up (LooseScan: a rare rule), and both stop at the
     * page's end. AuditExportIT checks the plans.
     */
    static final String PLANNED = "SET STATEMENT optimizer_switch='materialization=off' FOR ";

    /**
     * The rules a policy reference names, read from audit_rules before the search: the ids of their names, and the ids
     * of the rules (one per version and rule) that carried it, or null when every version of those names carried it
     * (then the names alone select exactly, from the index alone).
     */
    record PolicyRules(List<Integer> nameIds, List<Integer> ruleIds) {

        boolean none() {
            return nameIds.isEmpty();
        }
    }

    /** The clause of a filter without a policy reference (one with a reference needs its rules read first). */
    Where where(Long beforeSeq) {
        if (policy != null) {
            throw new IllegalStateException("the rules of policy reference " + policy + " were not read");
        }
        return where(beforeSeq, null, null, null);
    }

    Where where(Long beforeSeq, PolicyRules policyRules) {
        return where(beforeSeq, policyRules, null, null);
    }

    /**
     * As {@link #where(Long, PolicyRules)}, also bounded to seq in [fromSeq, toSeq] (null: unbounded): bounds that hold
     * for every record the filter selects, given so that a scan in seq order stops at them.
     */
    Where where(Long beforeSeq, PolicyRules policyRules, Long fromSeq, Long toSeq) {
        List<String> conditions = new ArrayList<>();
        List<Object> params = new ArrayList<>();
        add(conditions, params, "r.customer_id = ?", customerId);
        add(conditions, params, "r.recorded_at >= ?", Sql.utc(from));
        add(conditions, params, "r.recorded_at < ?", Sql.utc(to));
        add(conditions, params, "r.action = ?", action);
        add(conditions, params, "r.channel = ?", channel);
        add(conditions, params, "r.rule_set_version = ?", ruleSetVersion);
        add(conditions, params, "r.entry_point = ?", entryPoint);
        if (entryPoint == null) {
            // Erasure records are chained with the decisions but are none: they show only when asked for by name.
            conditions.add("r.entry_point <> '" + AuditRetention.ENTRY_POINT + "'");
        }
        // IN rather than a join: a rule that fires twice in one decision (a fee row per invoice) still yields the
        // decision once. The name's id is one row of audit_rule_names whatever the version, so the (name_id, seq)
        // index gives the decisions in seq order.
        add(conditions, params, "r.seq IN (SELECT f.seq FROM audit_firings f WHERE f.name_id = "
                + "(SELECT n.id FROM audit_rule_names n WHERE n.rule_name = ?))", ruleName);
        if (policyRules != null) {
            // The ids as literal parameters, never as a subquery: MariaDB folds a subquery over audit_rules into a
            // semi-join that scans every firing, while constants walk the (name_id, seq) index. The names find the
            // firings; where a name carried another reference (or none) under some version, the rule ids keep it only
            // under the versions in which it carried this one (a row that moved is not found by its old reference).
            List<Integer> names = policyRules.nameIds();
            String condition = names.size() == 1 ? "f.name_id = ?" : "f.name_id IN (" + marks(names.size()) + ")";
            params.addAll(names);
            if (policyRules.ruleIds() != null) {
                condition += " AND f.rule_id IN (" + marks(policyRules.ruleIds().size()) + ")";
                params.addAll(policyRules.ruleIds());
            }
            conditions.add("r.seq IN (SELECT f.seq FROM audit_firings f WHERE " + condition + ")");
        }
        add(conditions, params, "r.seq < ?", beforeSeq);
        add(conditions, params, "r.seq >= ?", fromSeq);
        add(conditions, params, "r.seq <= ?", toSeq);
        return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params,
                ruleName != null || policyRules != null);
    }

    private static String marks(int count) {
        return String.join(", ", Collections.nCopies(count, "?"));
    }

    private static void add(List<String> conditions, List<Object> params, String condition, Object value) {
        if (value != null) {
            conditions.add(condition);
            params.add(value);
        }
    }
}
