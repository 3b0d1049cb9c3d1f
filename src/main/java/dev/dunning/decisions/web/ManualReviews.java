package dev.dunning.decisions.web;

import dev.dunning.audit.AuditFilter;
import dev.dunning.audit.AuditRecord;
import dev.dunning.audit.AuditRecords;
import dev.dunning.decision.Action;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Customers a decision sent to a person: the audit log's MANUAL_REVIEW decisions (a vulnerable customer past a
 * reminder, a do-not-contact customer, a public body at the last step), newest first, with the reasons the rules
 * gave. Read for the API ({@link ManualReviewController}) and the console's queue alike, in keyset pages of the log.
 */
@Component
class ManualReviews {

    private final AuditRecords records;
    private final JsonMapper json;

    ManualReviews(AuditRecords records, JsonMapper json) {
        this.records = records;
        this.json = json;
    }

    /** One customer sent to a person, with the rules' reasons in the order they were given. */
    record Review(String decisionId, String customerId, Instant recordedAt, Instant asOf, List<String> reasons) {}

    /** A page, newest first; {@code before} of the next page is the seq to pass on, null on the last page. */
    record Page(List<Review> reviews, Long before) {}

    Page page(String customerId, Long before, int limit) {
        List<FieldProblem> problems = new ArrayList<>();
        if (customerId != null && customerId.length() > 64) {
            problems.add(new FieldProblem("customerId", "a customer id has at most 64 characters"));
        }
        if (before != null && before < 1) {
            problems.add(new FieldProblem("before", "\"" + before + "\" is not a place in the log; pass the "
                    + "\"before\" of the previous page unchanged, or leave it out for the first page"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        AuditFilter filter = new AuditFilter(customerId == null || customerId.isBlank() ? null : customerId.strip(),
                null, null, Action.MANUAL_REVIEW.name(), null, null, null, null);
        // One more than asked for tells whether there is a next page.
        List<AuditRecord> found = records.find(filter, before, limit + 1);
        List<AuditRecord> page = found.size() > limit ? found.subList(0, limit) : found;
        return new Page(page.stream().map(this::review).toList(),
                found.size() > limit ? page.get(page.size() - 1).seq() : null);
    }

    private Review review(AuditRecord r) {
        JsonNode decision = json.readTree(r.content()).path("decision");
        List<String> reasons = new ArrayList<>();
        decision.path("reasons").forEach(reason -> reasons.add(reason.asString()));
        return new Review(r.decisionId(), r.customerId(), r.recordedAt(), r.asOf(), List.copyOf(reasons));
    }
}
