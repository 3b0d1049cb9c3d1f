package dev.dunning.decisions.web;

import dev.dunning.audit.AuditRecord;
import dev.dunning.audit.AuditRecords;
import dev.dunning.decision.Action;
import dev.dunning.facts.FactRejectedException;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The manual-review queue: customers a decision sent to a person (the audit log's MANUAL_REVIEW decisions: a
 * vulnerable customer past a reminder, a do-not-contact customer, a public body at the last step), and a credit
 * controller recording that one is dealt with. Open entries are one per customer, their latest MANUAL_REVIEW decision
 * that nobody has dealt with; a newer one reopens the customer's entry. The one service of the API
 * ({@link ManualReviewController}) and the console's queue ({@link WorkQueuePages}): both read and write through here,
 * with the same checks and the same sentences.
 */
@Component
class ManualReviews {

    /** The longest note; as a rule-set comment, room for what was done without becoming a case file. */
    static final int NOTE_LENGTH = 2000;

    private static final DateTimeFormatter MINUTE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final ManualReviewQueue queue;
    private final AuditRecords records;
    private final JsonMapper json;
    private final Clock clock;

    ManualReviews(ManualReviewQueue queue, AuditRecords records, JsonMapper json, Clock clock) {
        this.queue = queue;
        this.records = records;
        this.json = json;
        this.clock = clock;
    }

    /** Which entries a page lists: the open ones (the default) or the dealt-with records. */
    enum State { OPEN, DEALT_WITH }

    /**
     * Who recorded the review as dealt with, when, and what was done; {@code reopened} when the customer has a newer
     * MANUAL_REVIEW decision since, which is an open entry of its own.
     */
    record DealtWith(String by, Instant at, String note, boolean reopened) {}

    /**
     * One customer sent to a person, with the rules' reasons in the order they were given; {@code dealtWith} is null
     * while the entry is open.
     */
    record Review(String decisionId, String customerId, Instant recordedAt, Instant asOf, List<String> reasons,
            DealtWith dealtWith) {}

    /**
     * A page, newest first; {@code before} of the next page is the value to pass on (a seq of the log for open
     * entries, a dealt-with record's id for the dealt-with ones), null on the last page.
     */
    record Page(State state, List<Review> reviews, Long before) {}

    Page page(State state, String customerId, Long before, int limit) {
        List<FieldProblem> problems = new ArrayList<>();
        if (customerId != null && customerId.length() > 64) {
            problems.add(new FieldProblem("customerId", "a customer id has at most 64 characters"));
        }
        if (before != null && before < 1) {
            problems.add(new FieldProblem("before", "\"" + before + "\" is not a place in the queue; pass the "
                    + "\"before\" of the previous page unchanged, or leave it out for the first page"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        String customer = customerId == null || customerId.isBlank() ? null : customerId.strip();
        State which = state == null ? State.OPEN : state;
        // One more than asked for tells whether there is a next page.
        if (which == State.OPEN) {
            List<ManualReviewQueue.Decision> found = queue.open(customer, before, limit + 1);
            List<ManualReviewQueue.Decision> page = found.size() > limit ? found.subList(0, limit) : found;
            return new Page(which, page.stream().map(d -> review(d, null)).toList(),
                    found.size() > limit ? page.get(page.size() - 1).seq() : null);
        }
        List<ManualReviewQueue.Dealt> found = queue.dealtWith(customer, before, limit + 1);
        List<ManualReviewQueue.Dealt> page = found.size() > limit ? found.subList(0, limit) : found;
        return new Page(which, page.stream().map(this::review).toList(),
                found.size() > limit ? page.get(page.size() - 1).id() : null);
    }

    /**
     * Records that a person dealt with the manual review of a decision, with a note of what was done. Refused with
     * nothing written: a blank or over-long note (400), an unknown decision (404), a decision that did not send the
     * customer to a person, one the customer has a newer MANUAL_REVIEW decision after (deal with that one), and one
     * dealt with already (409, naming who did and when).
     */
    Review dealWith(String decisionId, String by, String note) {
        String text = note == null ? "" : note.strip();
        if (text.isEmpty()) {
            throw new InvalidRequestException(List.of(new FieldProblem("note", "say what was done, e.g. \"spoke to "
                    + "the customer's carer; payment plan agreed\"; a review is dealt with only with a note")));
        }
        if (text.length() > NOTE_LENGTH) {
            throw new InvalidRequestException(List.of(new FieldProblem("note", "has " + text.length()
                    + " characters; at most " + NOTE_LENGTH + " are allowed")));
        }
        AuditRecord record = records.byDecisionId(decisionId)
                .orElseThrow(() -> new UnknownFactException("decision", decisionId));
        if (!Action.MANUAL_REVIEW.name().equals(record.action())) {
            throw FactRejectedException.conflict("decisionId", "decision " + decisionId + " is " + record.action()
                    + ", not MANUAL_REVIEW; only decisions that sent a customer to a person are dealt with here");
        }
        var decision = new ManualReviewQueue.Decision(record.seq(), record.decisionId(), record.customerId(),
                record.recordedAt(), record.asOf(), record.content());
        queue.dealtWith(decision).ifPresent(dealt -> {
            throw alreadyDealtWith(dealt);
        });
        queue.newerThan(decision.customerId(), decision.seq()).ifPresent(newer -> {
            throw FactRejectedException.conflict("decisionId", "customer " + decision.customerId() + " has a newer "
                    + "manual review, decision " + newer.decisionId() + " of " + MINUTE.format(newer.recordedAt())
                    + "; deal with that one, whose reasons may differ");
        });
        try {
            return review(queue.insert(decision, by, clock.instant(), text));
        } catch (DuplicateKeyException raced) {
            // Someone else recorded it between the check and the insert.
            throw alreadyDealtWith(queue.dealtWith(decision).orElseThrow(() -> raced));
        }
    }

    private static FactRejectedException alreadyDealtWith(ManualReviewQueue.Dealt dealt) {
        return FactRejectedException.conflict("decisionId", "the manual review of decision "
                + dealt.decision().decisionId() + " was dealt with already, by " + dealt.by() + " at "
                + MINUTE.format(dealt.at()) + "; a review is dealt with once, and a newer MANUAL_REVIEW decision for "
                + "the customer opens it again");
    }

    private Review review(ManualReviewQueue.Dealt dealt) {
        return review(dealt.decision(), new DealtWith(dealt.by(), dealt.at(), dealt.note(), dealt.reopened()));
    }

    private Review review(ManualReviewQueue.Decision d, DealtWith dealtWith) {
        JsonNode decision = json.readTree(d.content()).path("decision");
        List<String> reasons = new ArrayList<>();
        decision.path("reasons").forEach(reason -> reasons.add(reason.asString()));
        return new Review(d.decisionId(), d.customerId(), d.recordedAt(), d.asOf(), List.copyOf(reasons), dealtWith);
    }
}
