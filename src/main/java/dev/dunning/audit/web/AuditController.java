package dev.dunning.audit.web;

import dev.dunning.audit.AuditCheckpoints;
import dev.dunning.audit.AuditExport;
import dev.dunning.audit.AuditFilter;
import dev.dunning.audit.AuditRecord;
import dev.dunning.audit.AuditRecords;
import dev.dunning.audit.Checkpoint;
import dev.dunning.audit.RuleStatistics;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.springdoc.core.annotations.ParameterObject;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Reading the audit log for auditors: filtered pages of decisions, streamed exports and rule firing statistics. */
@RestController
@RequestMapping("/api/v1/audit")
class AuditController {

    private final AuditRecords records;
    private final AuditExport export;
    private final RuleStatistics statistics;
    private final JsonMapper json;
    private final AuditCheckpoints checkpoints;

    AuditController(AuditRecords records, AuditExport export, RuleStatistics statistics, JsonMapper json,
            AuditCheckpoints checkpoints) {
        this.checkpoints = checkpoints;
        this.records = records;
        this.export = export;
        this.statistics = statistics;
        this.json = json;
    }

    /** A decision of the log with its place in the chain and the decision exactly as it was answered. */
    record LoggedDecision(long seq, String decisionId, Instant recordedAt, Instant asOf, String customerId,
            String principal, String entryPoint, String ruleSetVersion, String action, String channel, String tone,
            String hash, JsonNode decision) {}

    /** One page, newest first; {@code next} is the cursor of the following page, null on the last one. */
    record DecisionPage(int limit, String next, List<LoggedDecision> decisions) {}

    @GetMapping(path = "/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
    DecisionPage decisions(
            @ParameterObject @ModelAttribute AuditQuery query,
            @RequestParam(required = false) String cursor,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int limit) {
        List<FieldProblem> problems = new ArrayList<>();
        AuditFilter filter = query.filter(problems);
        Long before = cursor == null ? null : Cursor.decode(cursor, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        // One more than asked for tells whether there is a next page without a second query.
        List<AuditRecord> found = records.find(filter, before, limit + 1);
        List<AuditRecord> page = found.size() > limit ? found.subList(0, limit) : found;
        String next = found.size() > limit ? Cursor.encode(page.get(page.size() - 1).seq()) : null;
        return new DecisionPage(limit, next, page.stream().map(this::logged).toList());
    }

    /** The filtered range as CSV or JSON Lines, oldest first, written while it is read ({@link AuditExport#write}). */
    @GetMapping(path = "/export")
    void export(
            @RequestParam(defaultValue = "jsonl") String format,
            @ParameterObject @ModelAttribute AuditQuery query,
            HttpServletResponse response) throws IOException {
        List<FieldProblem> problems = new ArrayList<>();
        AuditFilter filter = query.filter(problems);
        format(format, problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        export.write(format, filter, response);
    }

    /** Adds a problem when the export format is not one of {@link AuditExport#FORMATS}. */
    static void format(String format, List<FieldProblem> problems) {
        if (!AuditExport.FORMATS.contains(format)) {
            problems.add(new FieldProblem("format", "\"" + format + "\" is not a known export format; use csv or jsonl"));
        }
    }

    /** The key checkpoints are signed with, and the latest checkpoints the database holds (a convenience, not proof). */
    record Checkpoints(String keyId, String publicKey, List<Checkpoint> latest) {}

    @GetMapping(path = "/checkpoints", produces = MediaType.APPLICATION_JSON_VALUE)
    Checkpoints checkpoints(@RequestParam(defaultValue = "20") @Min(1) @Max(1000) int limit) {
        return new Checkpoints(checkpoints.keyId(), checkpoints.publicKeyText(), checkpoints.stored(limit));
    }

    /** Firings per rule and rule-set version over [from, to), with the rules that never fired at 0. */
    @GetMapping(path = "/rule-stats", produces = MediaType.APPLICATION_JSON_VALUE)
    RuleStatistics.Report ruleStats(
            @RequestParam(required = false) Instant from,
            @RequestParam(required = false) Instant to,
            @RequestParam(required = false) String ruleSetVersion) {
        List<FieldProblem> problems = new ArrayList<>();
        AuditQuery.range(from, to, ruleSetVersion).filter(problems);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return statistics.over(from, to, ruleSetVersion);
    }

    private LoggedDecision logged(AuditRecord r) {
        return new LoggedDecision(r.seq(), r.decisionId(), r.recordedAt(), r.asOf(), r.customerId(), r.principal(),
                r.entryPoint(), r.ruleSetVersion(), r.action(), r.channel(), r.tone(), r.hash(),
                json.readTree(r.content()).get("decision"));
    }

    /** The paging cursor: opaque to callers (base64url), the seq of the last decision of the page inside. */
    static final class Cursor {
        private static final String PREFIX = "before:";

        private Cursor() {}

        static String encode(long seq) {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + seq).getBytes(StandardCharsets.UTF_8));
        }

        static Long decode(String cursor, List<FieldProblem> problems) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                if (text.startsWith(PREFIX)) {
                    long seq = Long.parseLong(text.substring(PREFIX.length()));
                    if (seq > 0) {
                        return seq;
                    }
                }
            } catch (IllegalArgumentException malformed) {
                // reported below
            }
            problems.add(new FieldProblem("cursor", "\"" + cursor + "\" is not a cursor this service gave out; pass "
                    + "the \"next\" value of the previous page unchanged, or leave it out for the first page"));
            return null;
        }
    }
}
