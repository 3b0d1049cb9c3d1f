package dev.dunning.audit.web;

import dev.dunning.audit.AuditExport;
import dev.dunning.audit.AuditFilter;
import dev.dunning.audit.AuditRecord;
import dev.dunning.audit.AuditRecords;
import dev.dunning.audit.ChainVerifier;
import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.facts.Contacts;
import dev.dunning.facts.Payments;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * The auditor's decision pages of the console: the audit search with keyset paging, a decision with the rows that
 * made it, the chain's verification and the export of the current filter. Each calls the same services as the API
 * ({@link AuditController} and the decisions' history controller), with the same checks of the filter.
 */
@ConsolePage
class DecisionPages {

    static final int PAGE = 50;

    private final AuditRecords records;
    private final AuditExport export;
    private final ChainVerifier verifier;
    private final JsonMapper json;
    private final DispatchService dispatch;
    private final Contacts contacts;
    private final Payments payments;
    private final FiredRows firedRows;

    DecisionPages(AuditRecords records, AuditExport export, ChainVerifier verifier, JsonMapper json,
            DispatchService dispatch, Contacts contacts, Payments payments, FiredRows firedRows) {
        this.firedRows = firedRows;
        this.dispatch = dispatch;
        this.contacts = contacts;
        this.payments = payments;
        this.records = records;
        this.export = export;
        this.verifier = verifier;
        this.json = json;
    }

    /**
     * The search form's fields as typed. Times come from datetime-local inputs (read as UTC) or as ISO instants; an
     * empty field is no filter.
     */
    record Search(String customerId, String from, String to, String action, String channel, String ruleName,
            String ruleSetVersion, String entryPoint, String policy, String cursor) {

        /** The filter as query parameters (without the cursor), for the next page, export and verify links. */
        Map<String, String> parameters() {
            Map<String, String> p = new LinkedHashMap<>();
            put(p, "customerId", customerId);
            put(p, "from", from);
            put(p, "to", to);
            put(p, "action", action);
            put(p, "channel", channel);
            put(p, "ruleName", ruleName);
            put(p, "policy", policy);
            put(p, "ruleSetVersion", ruleSetVersion);
            put(p, "entryPoint", entryPoint);
            return p;
        }

        private static void put(Map<String, String> p, String name, String value) {
            if (value != null && !value.isBlank()) {
                p.put(name, value.strip());
            }
        }
    }

    @ModelAttribute("codes")
    Map<String, Object> codes() {
        return Map.of("actions", Action.values(), "channels", Channel.values(), "entryPoints",
                AuditQuery.ENTRY_POINTS);
    }

    @GetMapping("/console/decisions")
    String search(Search search, HtmxRequest htmx, Model model) {
        List<FieldProblem> problems = new ArrayList<>();
        AuditFilter filter = filter(search, problems);
        Long before = blank(search.cursor()) ? null : AuditController.Cursor.decode(search.cursor(), problems);
        model.addAttribute("search", search);
        model.addAttribute("query", search.parameters());
        model.addAttribute("problems", byField(problems));
        if (problems.isEmpty()) {
            // One more than shown tells whether there is a next page, as the API's search does.
            List<AuditRecord> found = records.find(filter, before, PAGE + 1);
            List<AuditRecord> page = found.size() > PAGE ? found.subList(0, PAGE) : found;
            model.addAttribute("decisions", page);
            String next = found.size() > PAGE ? AuditController.Cursor.encode(page.get(page.size() - 1).seq()) : null;
            model.addAttribute("next", next);
            model.addAttribute("links", Map.of(
                    "csv", link("/console/decisions/export", search, "format", "csv"),
                    "jsonl", link("/console/decisions/export", search, "format", "jsonl"),
                    "next", next == null ? "" : link("/console/decisions", search, "cursor", next)));
        }
        return htmx.isHtmxRequest() ? "audit/decisions :: results" : "audit/decisions";
    }

    @GetMapping("/console/decisions/{id}")
    String decision(@PathVariable String id, Model model) {
        AuditRecord record = records.byDecisionId(id).orElseThrow(() -> new NotFoundException(
                "No decision with id \"" + id + "\""));
        model.addAttribute("view", DecisionView.of(record, records, firedRows, json));
        model.addAttribute("dispatched", Dispatched.of(record, json.readTree(record.content()).path("decision"),
                dispatch, contacts, payments));
        return "audit/decision";
    }

    /** Walks the chain over the filter's time range, as the API's verify does, and shows the result. */
    @PostMapping("/console/decisions/verify")
    String verify(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            HtmxRequest htmx, Model model) {
        List<FieldProblem> problems = new ArrayList<>();
        Instant start = instant("from", from, problems);
        Instant end = instant("to", to, problems);
        if (start != null && end != null && !start.isBefore(end)) {
            problems.add(new FieldProblem("to", "the end of the range " + end + " is not after its start " + start
                    + " (from is inclusive, to exclusive)"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        model.addAttribute("result", verifier.verify(start, end));
        model.addAttribute("from", start);
        model.addAttribute("to", end);
        return htmx.isHtmxRequest() ? "audit/verified :: verified" : "audit/verified";
    }

    /** The current filter as CSV or JSON Lines: the API's export, with its limits and its neutralised cells. */
    @GetMapping("/console/decisions/export")
    void export(@RequestParam(defaultValue = "jsonl") String format, Search search, HttpServletResponse response)
            throws IOException {
        List<FieldProblem> problems = new ArrayList<>();
        AuditFilter filter = filter(search, problems);
        AuditController.format(format, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        export.write(format, filter, response);
    }

    private static AuditFilter filter(Search s, List<FieldProblem> problems) {
        Instant from = instant("from", s.from(), problems);
        Instant to = instant("to", s.to(), problems);
        return new AuditQuery(s.customerId(), from, to, orNull(s.action()), orNull(s.channel()), s.ruleName(),
                orNull(s.ruleSetVersion()), orNull(s.entryPoint()), s.policy()).filter(problems);
    }

    /** An ISO instant, or a datetime-local value read as UTC; null for an empty field. */
    static Instant instant(String field, String value, List<FieldProblem> problems) {
        if (blank(value)) {
            return null;
        }
        String v = value.strip();
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException notInstant) {
            try {
                return LocalDateTime.parse(v).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException notLocal) {
                problems.add(new FieldProblem(field, "\"" + v + "\" is not a time; give it as 2025-03-17T15:00 (UTC) "
                        + "or 2025-03-17T15:00:00Z"));
                return null;
            }
        }
    }

    /** A link that carries the current filter, with one more parameter. */
    private static String link(String path, Search search, String name, String value) {
        UriComponentsBuilder uri = UriComponentsBuilder.fromPath(path);
        search.parameters().forEach(uri::queryParam);
        return uri.queryParam(name, value).encode().build().toUriString();
    }

    private static Map<String, String> byField(List<FieldProblem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        problems.forEach(p -> out.merge(p.field(), p.message(), (a, b) -> a + "; " + b));
        return out;
    }

    private static String orNull(String s) {
        return blank(s) ? null : s.strip();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
