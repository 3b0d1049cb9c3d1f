package dev.dunning.rulesets;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Four eyes on what the service serves: a person asks for a version to be activated (a candidate) or rolled back to (a
 * version that was in force before) with a comment; a different credit controller approves, which activates it
 * through {@link RuleSetLifecycle} and its gates, or rejects it with a comment; the asker may withdraw. Every step is
 * an event in the version's history with the person's name. The API and the console call this same service. Other
 * changes that need the same gate are other kinds of request in the same queue (a champion/challenger test): the
 * feature that owns such a change says what approving, rejecting or withdrawing its request does ({@link Change}).
 */
@Service
public class RuleSetReviews {

    private static final Logger log = LoggerFactory.getLogger(RuleSetReviews.class);

    /** The length of rule_set_reviews.comment and review_comment. */
    public static final int MAX_COMMENT = 2000;

    /** What approving a request does. */
    public enum Kind {
        /** Puts a candidate in force. */
        ACTIVATE,
        /** Puts an earlier version in force again. */
        ROLLBACK,
        /**
         * Starts a champion/challenger test of the version against the one in force; the request's {@code detail} is
         * the test's id ({@link Change} of the challenger feature).
         */
        CHALLENGER_TEST;

        /** Whether approving puts the version in force here, or a {@link Change} of another feature does something. */
        boolean activates() {
            return this == ACTIVATE || this == ROLLBACK;
        }
    }

    /**
     * What a request of a kind that does not activate a version does when it is decided, said by the feature that owns
     * the change. Called in the transaction that decides the request, with its row locked, so that two people
     * deciding at once are served one after the other.
     */
    public interface Change {

        Kind kind();

        /**
         * The request was approved by {@code reviewer} (already checked not to be its asker): make the change, or
         * refuse with a {@link ReviewRefusedException} or {@link FourEyes.FourEyesException}; the request then stays
         * pending and nothing is changed.
         */
        void approved(Review request, String reviewer);

        /**
         * The request was {@code state} (rejected or withdrawn) by {@code who}, with an optional comment: drop the
         * change.
         */
        void closed(Review request, State state, String who, String comment);
    }

    public enum State {
        PENDING,
        APPROVED,
        REJECTED,
        WITHDRAWN
    }

    /**
     * A request as stored. {@code activeAtRequest} is the version in force when it was asked for (the reviewer's diff
     * is against it); {@code lastFailure} why the last approval did not activate (a gate failed), if it did not.
     */
    public record Review(long id, String version, Kind kind, String requestedBy, Instant requestedAt, String comment,
            String activeAtRequest, State state, String reviewer, String reviewComment, Instant reviewedAt,
            String lastFailure, String detail) {

        public boolean pending() {
            return state == State.PENDING;
        }
    }

    private final ReviewRequests requests;
    private final RuleSetVersions versions;
    private final RuleSetLifecycle lifecycle;
    private final FourEyes fourEyes;
    private final TransactionTemplate transactions;
    private final Clock clock;
    private final ObjectProvider<Change> changes;

    RuleSetReviews(ReviewRequests requests, RuleSetVersions versions, RuleSetLifecycle lifecycle, FourEyes fourEyes,
            TransactionTemplate transactions, Clock clock, ObjectProvider<Change> changes) {
        this.changes = changes;
        this.requests = requests;
        this.versions = versions;
        this.lifecycle = lifecycle;
        this.fourEyes = fourEyes;
        this.transactions = transactions;
        this.clock = clock;
    }

    /**
     * Asks for a version to be put in force: a candidate is activated, a version that was in force before is rolled
     * back to. Refused for the version in force, a rejected version, and when the same is already asked for.
     */
    public Review request(String versionOrPrefix, String requester, String comment) {
        String why = comment(comment, "say why this version should be in force, for the reviewer");
        RuleSetVersions.Stored stored = lifecycle.find(versionOrPrefix);
        String version = stored.version();
        String inForce = versions.activeVersion().orElse(null);
        Kind kind = switch (stored.status()) {
            case CANDIDATE -> Kind.ACTIVATE;
            case RETIRED -> Kind.ROLLBACK;
            case ACTIVE -> throw new ReviewRefusedException("rule-set version " + short12(version)
                    + " is the version in force already; there is nothing to activate");
            case REJECTED -> throw new ReviewRefusedException("rule-set version " + short12(version)
                    + " was rejected by the gates and can never be put in force; fix the files and upload them again");
        };
        if (version.equals(inForce)) {
            throw new ReviewRefusedException("rule-set version " + short12(version)
                    + " is the version in force already; there is nothing to activate");
        }
        Instant now = clock.instant();
        try {
            Long id = transactions.execute(tx -> {
                long created = requests.insert(version, kind, requester, now, why, inForce);
                versions.event(version, now, requester, "REVIEW_REQUESTED",
                        "request " + created + " (" + kind.name().toLowerCase() + "): " + why);
                return created;
            });
            log.info("Review request {} by {}: {} rule-set version {}", id, requester, kind, short12(version));
            return find(id);
        } catch (DuplicateKeyException e) {
            Review open = requests.pending(version, kind).orElseThrow(() -> e);
            throw new ReviewRefusedException("rule-set version " + short12(version) + " is already waiting for review "
                    + "(request " + open.id() + " by " + open.requestedBy() + " at " + open.requestedAt()
                    + "); approve, reject or withdraw that one");
        }
    }

    /**
     * Asks for a change of another kind than an activation (a champion/challenger test of {@code version}) to be
     * approved by a second person: a pending request in the same queue, judged against the version in force now.
     * Called by the feature that owns the change, in its transaction (if it has one), so that the change and its
     * request are stored together.
     *
     * @param detail what the change is beyond the version (a test's id), for the {@link Change} that carries it out
     */
    public Review requestChange(Kind kind, String version, String detail, String requester, String comment) {
        if (kind.activates()) {
            throw new IllegalArgumentException(kind + " is asked for with request(...)");
        }
        String why = comment(comment, "say why, for the reviewer");
        String inForce = versions.activeVersion().orElse(null);
        Instant now = clock.instant();
        try {
            long id = transactions.execute(tx -> {
                long created = requests.insert(version, kind, detail, requester, now, why, inForce);
                versions.event(version, now, requester, "REVIEW_REQUESTED",
                        "request " + created + " (" + label(kind) + "): " + why);
                return created;
            });
            log.info("Review request {} by {}: {} of rule-set version {}", id, requester, kind, short12(version));
            return find(id);
        } catch (DuplicateKeyException e) {
            Review open = requests.pending(version, kind).orElseThrow(() -> e);
            throw new ReviewRefusedException("a " + label(kind) + " of rule-set version " + short12(version)
                    + " is already waiting for review (request " + open.id() + " by " + open.requestedBy() + "); "
                    + "approve, reject or withdraw that one");
        }
    }

    /** The pending request of a change of another kind (a test's id as {@code detail}), if there is one. */
    public Optional<Review> pendingChange(Kind kind, String version, String detail) {
        return requests.pending(version, kind).filter(r -> detail.equals(r.detail()));
    }

    /** The latest request of a change of another kind (a test's id as {@code detail}), in whatever state. */
    public Optional<Review> latestChange(Kind kind, String detail) {
        return requests.latest(kind, detail);
    }

    /**
     * Closes the pending request of a change that its owner dropped on its own (a proposed test stopped): withdrawn
     * when its asker dropped it, rejected otherwise, with the reason; the owner is not called back. Nothing when no
     * request is pending.
     */
    public void closeChange(Kind kind, String version, String detail, String who, String reason) {
        String note = reason == null || reason.isBlank() ? null
                : reason.strip().substring(0, Math.min(reason.strip().length(), MAX_COMMENT));
        transactions.executeWithoutResult(tx -> pendingChange(kind, version, detail).ifPresent(found -> {
            Review review = requests.lock(found.id()).filter(Review::pending).orElse(null);
            if (review == null) {
                return;
            }
            State state = review.requestedBy().equals(who) ? State.WITHDRAWN : State.REJECTED;
            Instant now = clock.instant();
            requests.decide(review.id(), state, who, note, now);
            versions.event(review.version(), now, who, "REVIEW_" + state.name(), "request " + review.id() + " of "
                    + review.requestedBy() + " (" + label(kind) + " dropped)" + (note == null ? "" : ": " + note));
        }));
    }

    /**
     * Approves a pending request, which activates its version through the lifecycle and its gates, by someone other
     * than who asked (and, for a candidate, than who uploaded it). The request's row stays locked until the
     * activation is recorded, so two approvers at once activate once: the second finds it approved. A request made
     * while another version was in force is refused ({@link StaleRequestException}); a gate that fails leaves it
     * pending with the reason, the active rules untouched.
     *
     * @throws FourEyes.FourEyesException if the reviewer asked for it (or uploaded the candidate)
     * @throws CandidateRejectedException if a gate fails on activation
     */
    public Review approve(long id, String reviewer, String comment) {
        String note = optionalComment(comment);
        Review review = find(id);
        if (!review.pending()) {
            throw notPending(review, "approved");
        }
        fourEyes.checkReview("The " + what(review), review.requestedBy(), reviewer);
        if (!review.kind().activates()) {
            return approveChange(review, reviewer, note);
        }
        try {
            lifecycle.activate(review.version(), reviewer, review.activeAtRequest(), () -> {
                // under the lock of the active row, in the activation's transaction: the second of two approvers
                // finds the request approved, and nothing is activated twice
                Instant now = clock.instant();
                if (!requests.decide(id, State.APPROVED, reviewer, note, now)) {
                    throw notPending(find(id), "approved");
                }
                versions.event(review.version(), now, reviewer, "REVIEW_APPROVED",
                        "request " + id + " of " + review.requestedBy() + (note == null ? "" : ": " + note));
            });
        } catch (CandidateRejectedException | AlteredVersionException e) {
            // the request waits with the reason; the version in force is untouched
            transactions.executeWithoutResult(tx -> {
                requests.failed(id, e.getMessage());
                versions.event(review.version(), clock.instant(), reviewer, "REVIEW_FAILED",
                        "request " + id + ": " + e.getMessage());
            });
            throw e;
        }
        log.info("Review request {} approved by {}", id, reviewer);
        return find(id);
    }

    private Review approveChange(Review review, String reviewer, String note) {
        Change change = change(review.kind());
        long id = review.id();
        try {
            transactions.executeWithoutResult(tx -> {
                Review locked = lockPending(id, "approved");
                change.approved(locked, reviewer);
                Instant now = clock.instant();
                requests.decide(id, State.APPROVED, reviewer, note, now);
                versions.event(review.version(), now, reviewer, "REVIEW_APPROVED", "request " + id + " ("
                        + label(review.kind()) + ") of " + review.requestedBy() + (note == null ? "" : ": " + note));
            });
        } catch (ReviewRefusedException e) {
            if (e.field() == null && find(id).pending()) {
                // the request waits with the reason (a gate that fails now, a champion no longer in force)
                transactions.executeWithoutResult(tx -> {
                    requests.failed(id, e.getMessage());
                    versions.event(review.version(), clock.instant(), reviewer, "REVIEW_FAILED",
                            "request " + id + ": " + e.getMessage());
                });
            }
            throw e;
        }
        log.info("Review request {} ({}) approved by {}", id, review.kind(), reviewer);
        return find(id);
    }

    private Change change(Kind kind) {
        return changes.orderedStream().filter(c -> c.kind() == kind).findFirst().orElseThrow(
                () -> new IllegalStateException("nothing carries out review requests of kind " + kind));
    }

    /** Rejects a pending request with a comment that says why; nothing is activated. Not by who asked for it. */
    public Review reject(long id, String reviewer, String comment) {
        String why = comment(comment, "say why the request is rejected, for the person who asked");
        return decide(id, State.REJECTED, reviewer, why, review -> fourEyes.checkReview("The " + what(review),
                review.requestedBy(), reviewer));
    }

    /** Withdraws a pending request; only who asked for it may. */
    public Review withdraw(long id, String requester, String comment) {
        String note = optionalComment(comment);
        return decide(id, State.WITHDRAWN, requester, note, review -> {
            if (!review.requestedBy().equals(requester)) {
                throw new ReviewRefusedException("review request " + id + " was made by " + review.requestedBy()
                        + "; only they may withdraw it (a reviewer rejects it instead)");
            }
        });
    }

    /**
     * What {@code POST /rule-sets/{version}/activate} does with four eyes: approves the version's pending request if
     * there is one; a candidate without a request is activated by someone other than its author (the upload is its
     * request); a rollback needs a request a second person approves, unless four eyes are relaxed.
     */
    public RuleSetVersions.Stored activate(String versionOrPrefix, String principal) {
        RuleSetVersions.Stored stored = lifecycle.find(versionOrPrefix);
        if (stored.version().equals(lifecycle.serving().version())) {
            return stored;
        }
        Optional<Review> pending = stored.status() == RuleSetVersions.Status.CANDIDATE
                ? requests.pending(stored.version(), Kind.ACTIVATE)
                : stored.status() == RuleSetVersions.Status.RETIRED
                        ? requests.pending(stored.version(), Kind.ROLLBACK) : Optional.empty();
        if (pending.isPresent()) {
            approve(pending.get().id(), principal, null);
            return lifecycle.find(stored.version());
        }
        if (stored.status() == RuleSetVersions.Status.RETIRED && !fourEyes.relaxed()) {
            throw fourEyes.rollbackNeedsReview(stored.version());
        }
        return lifecycle.activate(stored.version(), principal);
    }

    public Review find(long id) {
        return requests.find(id).orElseThrow(() -> new UnknownVersionException("no review request " + id
                + "; GET /api/v1/rule-sets/reviews lists them"));
    }

    /** Requests in a state (null: every state), the pending ones oldest first; at most {@code limit}. */
    public List<Review> list(State state, int limit) {
        return requests.list(state, limit);
    }

    public List<Review> ofVersion(String versionOrPrefix) {
        return requests.ofVersion(lifecycle.find(versionOrPrefix).version());
    }

    /**
     * Why approving this request would be refused as stale (another version was put in force since it was asked
     * for), or empty; for showing it before anyone tries.
     */
    public Optional<String> staleness(Review review) {
        if (!review.pending() || review.activeAtRequest() == null) {
            return Optional.empty();
        }
        try {
            versions.requireActive(review.activeAtRequest(), review.version());
            return Optional.empty();
        } catch (StaleRequestException stale) {
            return Optional.of(stale.getMessage());
        }
    }

    private interface Check {
        void check(Review review);
    }

    private Review decide(long id, State state, String who, String comment, Check check) {
        transactions.executeWithoutResult(tx -> {
            Review review = lockPending(id, state.name().toLowerCase());
            check.check(review);
            if (!review.kind().activates()) {
                change(review.kind()).closed(review, state, who, comment);
            }
            Instant now = clock.instant();
            requests.decide(id, state, who, comment, now);
            versions.event(review.version(), now, who, "REVIEW_" + state.name(),
                    "request " + id + " of " + review.requestedBy() + (comment == null ? "" : ": " + comment));
        });
        log.info("Review request {} {} by {}", id, state.name().toLowerCase(), who);
        return find(id);
    }

    private Review lockPending(long id, String verb) {
        Review review = requests.lock(id).orElseThrow(() -> new UnknownVersionException("no review request " + id
                + "; GET /api/v1/rule-sets/reviews lists them"));
        if (!review.pending()) {
            throw notPending(review, verb);
        }
        return review;
    }

    private static ReviewRefusedException notPending(Review review, String verb) {
        return new ReviewRefusedException("review request " + review.id() + " cannot be " + verb + ": it was "
                + review.state().name().toLowerCase() + " by " + review.reviewer() + " at " + review.reviewedAt()
                + " already");
    }

    private static String what(Review review) {
        return switch (review.kind()) {
            case ROLLBACK -> "rollback to";
            case ACTIVATE -> "activation of";
            case CHALLENGER_TEST -> "champion/challenger test " + review.detail() + " of";
        } + " rule-set version " + short12(review.version()) + " (request " + review.id() + ")";
    }

    private static String label(Kind kind) {
        return kind == Kind.CHALLENGER_TEST ? "champion/challenger test" : kind.name().toLowerCase();
    }

    private static String comment(String comment, String hint) {
        String c = optionalComment(comment);
        if (c == null) {
            throw new ReviewRefusedException("a comment is needed: " + hint, "comment");
        }
        return c;
    }

    private static String optionalComment(String comment) {
        if (comment == null || comment.isBlank()) {
            return null;
        }
        String c = comment.strip();
        if (c.length() > MAX_COMMENT) {
            throw new ReviewRefusedException("the comment has " + c.length() + " characters; at most " + MAX_COMMENT
                    + " are allowed", "comment");
        }
        return c;
    }

    private static String short12(String version) {
        return version.substring(0, 12);
    }
}
