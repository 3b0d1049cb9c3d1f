package dev.dunning.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * A recorded decision in plain words for a person, built from the stored record alone (never by evaluating again:
 * the rules in force now may differ from those that decided).
 *
 * @param text the whole explanation as one paragraph
 * @param reasons the same, item by item: the decision's own reasons, then every fired rule in firing order
 */
public record Explanation(String decisionId, Instant recordedAt, String ruleSetVersion, String text,
        List<Reason> reasons) {

    /**
     * One item of the explanation. {@code kind} is {@code reason} (a sentence the decision gave), {@code rule} (a rule
     * or table row that fired and counted) or {@code overridden} (one that matched but changed nothing because an
     * earlier match had decided already).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Reason(String kind, String text, String rule, String source, String sheet, Integer row,
            Integer line, String policy, String group, List<String> effects) {}

    /** Explains a record of the log from its chained content. */
    public static Explanation of(AuditRecord record, JsonNode content) {
        JsonNode d = content.path("decision");
        List<Reason> reasons = new ArrayList<>();
        d.path("reasons").forEach(r -> reasons.add(new Reason("reason", r.asString(), null, null, null, null, null,
                null, null, null)));
        List<String> counted = new ArrayList<>();
        List<String> overridden = new ArrayList<>();
        for (JsonNode t : d.path("trace")) {
            boolean wasOverridden = t.path("overridden").asBoolean(false);
            List<String> effects = new ArrayList<>();
            t.path("effects").forEach(e -> effects.add(e.asString()));
            String policy = text(t.path("metadata").path("policy"));
            String sentence = t.path("rule").asString() + " (" + location(t, policy) + ")"
                    + (effects.isEmpty() ? "" : ": " + String.join(", ", effects));
            reasons.add(new Reason(wasOverridden ? "overridden" : "rule", sentence, t.path("rule").asString(),
                    text(t.path("source")), text(t.path("sheet")), integer(t.path("row")), integer(t.path("line")),
                    policy, text(t.path("group")), List.copyOf(effects)));
            (wasOverridden ? overridden : counted).add(sentence);
        }
        StringBuilder text = new StringBuilder(headline(d));
        text.append(" for customer ").append(record.customerId()).append(" as of ").append(record.asOf());
        List<String> why = new ArrayList<>();
        d.path("reasons").forEach(r -> why.add(r.asString()));
        if (!why.isEmpty()) {
            text.append(", because: ").append(String.join("; ", why));
        }
        text.append(". ");
        String notBefore = text(d.path("notBefore"));
        String review = text(d.path("nextReviewOn"));
        if (notBefore != null) {
            text.append("Not to be sent before ").append(notBefore).append(". ");
        }
        if (review != null) {
            text.append("Next review on ").append(review).append(". ");
        }
        if (counted.isEmpty()) {
            text.append("No rule fired.");
        } else {
            text.append("Rules that decided, in firing order: ").append(String.join("; ", counted)).append('.');
        }
        if (!overridden.isEmpty()) {
            text.append(" Matched but overridden by an earlier match, so they changed nothing: ")
                    .append(String.join("; ", overridden)).append('.');
        }
        text.append(" Decided under rule-set version ").append(record.ruleSetVersion()).append(", asked for by ")
                .append(record.principal()).append(" (").append(record.entryPoint()).append("), recorded at ")
                .append(record.recordedAt()).append('.');
        return new Explanation(record.decisionId(), record.recordedAt(), record.ruleSetVersion(), text.toString(),
                List.copyOf(reasons));
    }

    /** "Reminder by email in a friendly tone (stage 1, template reminder-friendly)". */
    private static String headline(JsonNode d) {
        StringBuilder s = new StringBuilder(words(text(d.path("action"))));
        String channel = text(d.path("channel"));
        if (channel != null && !channel.equals("NONE")) {
            s.append(" by ").append(channel.equals("SMS") ? "SMS" : words(channel).toLowerCase(Locale.ROOT));
        }
        String tone = text(d.path("tone"));
        if (tone != null) {
            s.append(" in a ").append(tone.toLowerCase(Locale.ROOT)).append(" tone");
        }
        List<String> details = new ArrayList<>();
        if (d.path("stage").asInt(0) > 0) {
            details.add("stage " + d.path("stage").asInt());
        }
        if (text(d.path("template")) != null) {
            details.add("template " + text(d.path("template")));
        }
        List<String> invoices = new ArrayList<>();
        d.path("invoiceIds").forEach(i -> invoices.add(i.asString()));
        if (!invoices.isEmpty()) {
            details.add("invoice(s) " + String.join(", ", invoices));
        }
        if (d.path("requiresApproval").asBoolean(false)) {
            details.add("a person must approve it");
        }
        if (!details.isEmpty()) {
            s.append(" (").append(String.join(", ", details)).append(')');
        }
        return s.toString();
    }

    /** "decision-tables/escalation.xlsx, sheet Ladder, row 41, policy ESC-C1" or "rules/constraints.drl, line 22". */
    static String location(JsonNode t, String policy) {
        List<String> parts = new ArrayList<>();
        String source = text(t.path("source"));
        parts.add(source == null ? "source unknown" : source);
        if (text(t.path("sheet")) != null) {
            parts.add("sheet " + text(t.path("sheet")));
        }
        if (integer(t.path("row")) != null) {
            parts.add("row " + integer(t.path("row")));
        }
        if (integer(t.path("line")) != null) {
            parts.add("line " + integer(t.path("line")));
        }
        if (policy != null) {
            parts.add("policy " + policy);
        }
        return String.join(", ", parts);
    }

    private static String words(String code) {
        if (code == null) {
            return "No decision";
        }
        String w = code.toLowerCase(Locale.ROOT).replace('_', ' ');
        return Character.toUpperCase(w.charAt(0)) + w.substring(1);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : node.asString();
    }

    private static Integer integer(JsonNode node) {
        return node == null || !node.isNumber() ? null : node.asInt();
    }
}
