package dev.dunning.audit;

import dev.dunning.database.Sql;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Which decisions of the log to read; every field is optional (null: no filter) and all given ones must hold.
 *
 * @param from recorded at or after (inclusive)
 * @param to recorded before (exclusive)
 * @param ruleName decisions in which a rule of this exact name fired (overridden firings included)
 */
public record AuditFilter(
        String customerId,
        Instant from,
        Instant to,
        String action,
        String channel,
        String ruleName,
        String ruleSetVersion,
        String entryPoint) {

    public static final AuditFilter ALL = new AuditFilter(null, null, null, null, null, null, null, null);

    /** The WHERE clause over audit_records aliased {@code r}, and its parameters in order. */
    record Where(String sql, List<Object> params) {}

    Where where(Long beforeSeq) {
        return where(beforeSeq, null, null);
    }

    /**
     * As {@link #where(Long)}, also bounded to seq in [fromSeq, toSeq] (null: unbounded): bounds that hold for every
     * record the filter selects, given so that a scan in seq order stops at them.
     */
    Where where(Long beforeSeq, Long fromSeq, Long toSeq) {
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
        add(conditions, params, "r.seq < ?", beforeSeq);
        add(conditions, params, "r.seq >= ?", fromSeq);
        add(conditions, params, "r.seq <= ?", toSeq);
        return new Where(conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions), params);
    }

    private static void add(List<String> conditions, List<Object> params, String condition, Object value) {
        if (value != null) {
            conditions.add(condition);
            params.add(value);
        }
    }
}
