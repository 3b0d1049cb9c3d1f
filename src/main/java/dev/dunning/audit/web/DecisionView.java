package dev.dunning.audit.web;

import dev.dunning.audit.AuditRecord;
import dev.dunning.audit.AuditRecords;
import dev.dunning.audit.Explanation;
import dev.dunning.rules.TableGrids;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A recorded decision as the console shows it, built from the record alone (as the API's explanation is): the
 * decision as answered, the facts it was made on, its explanation, and each fired rule in firing order with, for a
 * decision-table row, that row inside its table from the version's stored files.
 *
 * @param decision the decision as answered, pretty-printed
 * @param facts the recorded facts, pretty-printed; null when retention has erased them
 */
record DecisionView(AuditRecord record, String decision, String facts, Explanation explanation,
        List<Fired> fired) {

    /** A fired rule in firing order; {@code grid} is its table with the row highlighted, when it came from a row. */
    record Fired(int ordinal, Explanation.Reason reason, boolean overridden, TableGrids.Grid grid) {}

    static DecisionView of(AuditRecord record, AuditRecords records, FiredRows rows, JsonMapper json) {
        JsonNode content = json.readTree(record.content());
        Explanation explanation = Explanation.of(record, content);
        String facts = records.facts(record.seq())
                .map(f -> json.writerWithDefaultPrettyPrinter().writeValueAsString(json.readTree(f))).orElse(null);
        List<Fired> fired = new ArrayList<>();
        int ordinal = 0;
        for (Explanation.Reason reason : explanation.reasons()) {
            if (reason.kind().equals("reason")) {
                continue;
            }
            TableGrids.Grid grid = null;
            if (reason.source() != null && reason.sheet() != null && reason.row() != null) {
                grid = rows.of(record.ruleSetVersion(), reason.source(), reason.sheet(), reason.row()).orElse(null);
            }
            fired.add(new Fired(++ordinal, reason, reason.kind().equals("overridden"), grid));
        }
        return new DecisionView(record, json.writerWithDefaultPrettyPrinter().writeValueAsString(content.path("decision")),
                facts, explanation, List.copyOf(fired));
    }
}
