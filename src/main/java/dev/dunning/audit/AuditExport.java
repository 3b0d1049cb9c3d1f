package dev.dunning.audit;

import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes a filtered range of the log as CSV or JSON Lines while it is read from the database, one record at a time:
 * nothing but the current record is held, whatever the size of the range. Records come oldest first (chain order),
 * so an export can be checked link by link (each prevHash is the hash of the line before, within an unfiltered range).
 */
@Service
public class AuditExport {

    /** The CSV columns, in order. */
    public static final List<String> CSV_COLUMNS = List.of("seq", "decision_id", "recorded_at", "as_of",
            "customer_id", "principal", "entry_point", "rule_set_version", "action", "channel", "tone", "stage",
            "template", "invoice_ids", "requires_approval", "not_before", "next_review_on", "reasons", "fired_rules",
            "policies", "prev_hash", "hash");

    /** The export formats, as the {@code format} parameter names them. */
    public static final List<String> FORMATS = List.of("csv", "jsonl");

    private final AuditRecords records;
    private final JsonMapper json;

    public AuditExport(AuditRecords records, JsonMapper json) {
        this.records = records;
        this.json = json;
    }

    /**
     * The filtered range as an attachment of the response, in {@code format} (one of {@link #FORMATS}, checked by the
     * caller): the API's export and the console's are this one method. Written on the request thread straight to the
     * response rather than as an async StreamingResponseBody, so that a long export is not cut off by the async
     * request timeout. A failure after the first bytes cannot become a problem response any more; the chunked
     * response is then cut off without its final chunk, which HTTP clients report as an incomplete transfer.
     */
    public void write(String format, AuditFilter filter, HttpServletResponse response) throws IOException {
        boolean csv = format.equals("csv");
        response.setContentType(csv ? "text/csv;charset=UTF-8" : "application/jsonl;charset=UTF-8");
        response.setHeader("Content-Disposition", "attachment; filename=\"audit-decisions." + format + "\"");
        Writer out = new BufferedWriter(new OutputStreamWriter(response.getOutputStream(), StandardCharsets.UTF_8),
                64 * 1024);
        if (csv) {
            csv(filter, out);
        } else {
            jsonLines(filter, out);
        }
        out.flush();
    }

    /**
     * CSV after RFC 4180: a header line, CRLF line ends, a field in double quotes when it holds a comma, a quote or a
     * line break, quotes doubled. Lists inside a field (reasons, fired rules) are separated by " | ". Cells that would
     * run as formulas in a spreadsheet are neutralised ({@link #neutralised}).
     */
    public void csv(AuditFilter filter, Writer out) {
        write(out, String.join(",", CSV_COLUMNS) + "\r\n");
        StringBuilder line = new StringBuilder(4096);
        records.stream(filter, r -> {
            JsonNode d = json.readTree(r.content()).path("decision");
            List<String> fired = new ArrayList<>();
            List<String> policies = new ArrayList<>();
            for (JsonNode t : d.path("trace")) {
                String policy = t.path("metadata").path("policy").asString(null);
                boolean overridden = t.path("overridden").asBoolean(false);
                fired.add(t.path("rule").asString() + " (" + Explanation.location(t, policy) + ")"
                        + (overridden ? " [overridden]" : ""));
                if (policy != null && !overridden && !policies.contains(policy)) {
                    policies.add(policy);
                }
            }
            line.setLength(0);
            field(line, Long.toString(r.seq()));
            field(line, r.decisionId());
            field(line, r.recordedAt().toString());
            field(line, r.asOf().toString());
            field(line, r.customerId());
            field(line, r.principal());
            field(line, r.entryPoint());
            field(line, r.ruleSetVersion());
            field(line, r.action());
            field(line, r.channel());
            field(line, r.tone());
            field(line, d.path("stage").asString(null));
            field(line, d.path("template").asString(null));
            field(line, joined(d.path("invoiceIds")));
            field(line, d.path("requiresApproval").asString(null));
            field(line, d.path("notBefore").asString(null));
            field(line, d.path("nextReviewOn").asString(null));
            field(line, joined(d.path("reasons")));
            field(line, String.join(" | ", fired));
            field(line, String.join(" | ", policies));
            field(line, r.prevHash());
            field(line, r.hash());
            line.setCharAt(line.length() - 1, '\r');
            line.append('\n');
            write(out, line);
        });
        flush(out);
    }

    /**
     * One JSON object per line: the record's columns and the decision as it was answered, whose {@code trace} lists
     * the fired rules in order (rule, source, sheet, row, line, group, metadata with the policy, effects, overridden).
     */
    public void jsonLines(AuditFilter filter, Writer out) {
        records.stream(filter, r -> {
            ObjectNode line = json.createObjectNode();
            line.put("seq", r.seq());
            line.put("decisionId", r.decisionId());
            line.put("recordedAt", r.recordedAt().toString());
            line.put("asOf", r.asOf().toString());
            line.put("customerId", r.customerId());
            line.put("principal", r.principal());
            line.put("entryPoint", r.entryPoint());
            line.put("ruleSetVersion", r.ruleSetVersion());
            line.put("action", r.action());
            line.put("channel", r.channel());
            line.put("tone", r.tone());
            line.put("factsHash", r.factsHash());
            line.put("prevHash", r.prevHash());
            line.put("hash", r.hash());
            line.set("decision", json.readTree(r.content()).path("decision"));
            write(out, json.writeValueAsString(line) + "\n");
        });
        flush(out);
    }

    /** The value with a leading {@code '} when a spreadsheet would read it as a formula. */
    static String neutralised(String value) {
        if (value.isEmpty()) {
            return value;
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }

    private static String joined(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(i -> items.add(i.asString()));
        return String.join(" | ", items);
    }

    /**
     * Appends one field and its comma; null is an empty field. A value a spreadsheet program would take for a formula
     * (it starts with {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return) gets a single quote in
     * front, as OWASP advises against CSV injection: a customer id or principal such as {@code =HYPERLINK(...)} then
     * shows as text instead of running when an auditor opens the export.
     */
    static void field(StringBuilder line, String value) {
        if (value != null) {
            value = neutralised(value);
            boolean quote = value.indexOf(',') >= 0 || value.indexOf('"') >= 0 || value.indexOf('\n') >= 0
                    || value.indexOf('\r') >= 0;
            if (quote) {
                line.append('"').append(value.replace("\"", "\"\"")).append('"');
            } else {
                line.append(value);
            }
        }
        line.append(',');
    }

    private static void write(Writer out, CharSequence text) {
        try {
            out.append(text);
        } catch (IOException e) {
            // The client went away: stop reading rows (the streamed query is closed on the way out).
            throw new UncheckedIOException("The export could not be written to the client: " + e.getMessage(), e);
        }
    }

    private static void flush(Writer out) {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
