package dev.dunning.challenger;

import dev.dunning.facts.FactRejectedException;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.ArmAssigner;
import dev.dunning.rules.RuleSet;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.FourEyes;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.rulesets.UnknownVersionException;
import dev.dunning.web.NotFoundException;
import jakarta.annotation.PostConstruct;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The life of champion/challenger tests. A credit controller proposes one: the challenger is a stored version (a
 * candidate, or one active before) that passes the same gates as an activation, against the version active now (the
 * champion), for a share of customers, with a fresh salt. The proposal is a review request in the queue of
 * activations and rollbacks ({@link RuleSetReviews}, kind {@code CHALLENGER_TEST}): another person approves it there
 * (the four-eyes rule of activations, {@link FourEyes}: neither the proposer nor the challenger's author), and then
 * it runs; rejecting or withdrawing the request ends the proposal ({@link ChallengerReviews}). It ends by a stop
 * (the champion stays), a rollback (the same, recorded as the challenger abandoned) or a promotion (the challenger is
 * activated through {@link RuleSetLifecycle}). Any other change of the active version ends it too: the test routes
 * nobody from the moment its champion is no longer active ({@link ActiveRuleSet.Routing}), and is recorded ENDED.
 * At most one test is open (proposed or running) at a time.
 *
 * <p>Every instance serves the running test: it polls the database as it does for the active version, compiles the
 * challenger once and keeps it (and the champion, which is the active set) ready while the test runs.
 */
@Service
public class ChallengerTests {

    private static final Logger log = LoggerFactory.getLogger(ChallengerTests.class);

    /** The largest share a challenger may get: a test of a candidate, not an activation by other means. */
    public static final int MAX_SHARE_BP = 5_000;

    public enum Status {
        PROPOSED, RUNNING, STOPPED, ROLLED_BACK, PROMOTED, ENDED;

        boolean open() {
            return this == PROPOSED || this == RUNNING;
        }
    }

    /** A test as stored. {@code shareBasisPoints}: 1,000 is 10 %. */
    public record Test(long id, String championVersion, String challengerVersion, int shareBasisPoints, String salt,
            Status status, String comment, String proposedBy, Instant proposedAt, String approvedBy,
            Instant startedAt, String endedBy, Instant endedAt, String endReason) {}

    /** One recorded change of a test. */
    public record Event(Instant at, String principal, String event, String detail) {}

    private final TestRecords records;
    private final RuleSetLifecycle lifecycle;
    private final RuleSetVersions versions;
    private final ActiveRuleSet active;
    private final FourEyes fourEyes;
    private final RuleSetReviews reviews;
    private final TransactionTemplate transactions;
    private final Clock clock;
    /**
     * Guards what this instance serves and the moves of tests. Taken only after the database locks of a step (the row
     * of the review request), never before, so that an approval and a stop at once cannot wait on each other.
     */
    private final Object lock = new Object();

    public ChallengerTests(TestRecords records, RuleSetLifecycle lifecycle, RuleSetVersions versions,
            ActiveRuleSet active, FourEyes fourEyes, RuleSetReviews reviews, TransactionTemplate transactions,
            Clock clock) {
        this.reviews = reviews;
        this.transactions = transactions;
        this.records = records;
        this.lifecycle = lifecycle;
        this.versions = versions;
        this.active = active;
        this.fourEyes = fourEyes;
        this.clock = clock;
    }

    /** At start-up too, so that a one-off command (a run from the command line, no schedules) routes as well. */
    @PostConstruct
    void firstPoll() {
        pollQuietly();
    }

    /**
     * Proposes a test of {@code challengerVersion} (hash or unique prefix) against the active version for
     * {@code sharePercent} of customers (0.01 to 50, at most two decimals).
     *
     * @throws FactRejectedException (400) for a share out of range or a comment too long
     * @throws TestStateException (409) when the version may not be a challenger or another test is open
     */
    public Test propose(String challengerVersion, BigDecimal sharePercent, String comment, String principal) {
        int share = shareBasisPoints(sharePercent);
        String note = comment == null || comment.isBlank() ? null : comment.strip();
        if (note != null && note.length() > 1000) {
            throw FactRejectedException.invalid("comment", "the comment has " + note.length() + " characters; "
                    + "keep it to 1,000");
        }
        String version;
        try {
            version = lifecycle.resolve(challengerVersion);
        } catch (UnknownVersionException e) {
            throw new NotFoundException(e.getMessage());
        }
        synchronized (lock) {
            String champion = active.get().version();
            requireChallenger(version, champion);
            // the test and its review request are stored together, or neither
            Optional<Long> id = transactions.execute(tx -> {
                Optional<Long> stored = records.propose(champion, version, share, ArmAssigner.newSalt(), note,
                        principal, clock.instant());
                stored.ifPresent(created -> reviews.requestChange(RuleSetReviews.Kind.CHALLENGER_TEST, version,
                        Long.toString(created), principal, "Champion/challenger test " + created + ": "
                                + percent(share) + " of customers decided by " + version.substring(0, 12)
                                + " against the champion " + champion.substring(0, 12)
                                + (note == null ? "" : ": " + note)));
                return stored;
            });
            if (id.isEmpty()) {
                Test open = records.list().stream().filter(t -> t.status().open()).findFirst().orElse(null);
                throw new TestStateException("another champion/challenger test is open"
                        + (open == null ? "" : " (test " + open.id() + ", " + open.status() + ")")
                        + "; stop it before proposing a new one: at most one test runs at a time");
            }
            log.info("Champion/challenger test {} proposed by {}: {} against {} for {}", id.get(), principal,
                    version.substring(0, 12), champion.substring(0, 12), percent(share));
            return find(id.get());
        }
    }

    /**
     * Approves a proposed test, which starts it: approves its review request ({@link RuleSetReviews#approve}), as
     * {@code POST /api/v1/rule-sets/reviews/{id}/approve} does. By someone other than its proposer and than the
     * challenger's author (unless four-eyes is relaxed); the gates run again on the challenger, and the champion must
     * still be active.
     */
    public Test approve(long id, String principal) {
        Test test = inState(id, Status.PROPOSED, "approved");
        RuleSetReviews.Review request = reviewRequest(test).filter(RuleSetReviews.Review::pending)
                .orElseThrow(() -> new TestStateException("test " + id + " has no review request waiting; stop it "
                        + "and propose it again"));
        reviews.approve(request.id(), principal, null);
        return find(id);
    }

    /** The review request of a test (its approval), if it has one: the pending one, or the latest decided. */
    public Optional<RuleSetReviews.Review> reviewRequest(Test test) {
        return reviews.latestChange(RuleSetReviews.Kind.CHALLENGER_TEST, Long.toString(test.id()));
    }

    /**
     * Starts a proposed test whose review request {@code reviewer} approves: called by {@link ChallengerReviews} in the
     * transaction that approves the request. The test is served once that transaction commits.
     */
    void start(long id, String principal) {
        synchronized (lock) {
            Test test = inState(id, Status.PROPOSED, "approved");
            fourEyes.check("Champion/challenger test " + id, test.proposedBy(), principal);
            RuleSetVersions.Stored challenger = versions.find(test.challengerVersion()).orElseThrow();
            if (challenger.status() == RuleSetVersions.Status.CANDIDATE) {
                fourEyes.check("Rule-set version " + test.challengerVersion().substring(0, 12), challenger.author(),
                        principal);
            }
            if (!active.get().version().equals(test.championVersion())) {
                throw new TestStateException("test " + id + " was proposed against version "
                        + test.championVersion().substring(0, 12) + ", but " + active.get().version().substring(0, 12)
                        + " is active now; stop this test and propose it again against the active version");
            }
            RuleSet compiled = requireChallenger(test.challengerVersion(), test.championVersion());
            if (!records.move(id, Status.PROPOSED, Status.RUNNING, principal, clock.instant(),
                    "started: " + percent(test.shareBasisPoints()) + " of customers decided by "
                            + test.challengerVersion().substring(0, 12))) {
                throw new TestStateException("test " + id + " changed while it was being approved; look at it again");
            }
            Runnable serve = () -> {
                synchronized (lock) {
                    serve(find(id), compiled);
                }
            };
            if (TransactionSynchronizationManager.isSynchronizationActive()) {
                TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                    @Override
                    public void afterCommit() {
                        serve.run();
                    }
                });
            } else {
                serve.run();
            }
            log.info("Champion/challenger test {} approved by {} and running", id, principal);
        }
    }

    /** Ends a proposed test whose review request was rejected or withdrawn (by {@link ChallengerReviews}). */
    void dropProposal(long id, String principal, String detail) {
        synchronized (lock) {
            Test test = find(id);
            if (test.status() != Status.PROPOSED) {
                // nothing to drop (the test ended another way); the request is closed all the same
                log.info("Review request of champion/challenger test {} closed; the test was {} already", id,
                        test.status());
                return;
            }
            if (!records.move(id, Status.PROPOSED, Status.STOPPED, principal, clock.instant(), detail + "; the "
                    + "champion " + test.championVersion().substring(0, 12) + " stays")) {
                throw new TestStateException("test " + id + " changed meanwhile; look at it again");
            }
            log.info("Champion/challenger test {} not started: {}", id, detail);
        }
    }

    /** Ends a proposed or running test; the champion stays. */
    public Test stop(long id, String principal, String reason) {
        return end(id, Status.STOPPED, principal, reason);
    }

    /** Ends a test and records its challenger as abandoned; the champion stays. */
    public Test rollBack(long id, String principal, String reason) {
        return end(id, Status.ROLLED_BACK, principal, reason);
    }

    private Test end(long id, Status to, String principal, String reason) {
        Test before = find(id);
        transactions.executeWithoutResult(tx -> {
            // a proposal's review request closes with it (its row locked first: see lock)
            if (before.status() == Status.PROPOSED) {
                reviews.closeChange(RuleSetReviews.Kind.CHALLENGER_TEST, before.challengerVersion(),
                        Long.toString(id), principal, (to == Status.STOPPED ? "test stopped" : "test rolled back")
                                + (reason == null || reason.isBlank() ? "" : ": " + reason.strip()));
            }
            synchronized (lock) {
                Test test = find(id);
                if (!test.status().open()) {
                    throw new TestStateException("test " + id + " is " + test.status() + " already; only a PROPOSED "
                            + "or RUNNING test can be stopped or rolled back");
                }
                String detail = (to == Status.STOPPED ? "stopped" : "rolled back") + "; the champion "
                        + test.championVersion().substring(0, 12) + " stays"
                        + (reason == null || reason.isBlank() ? "" : ": " + reason.strip());
                if (!records.move(id, test.status(), to, principal, clock.instant(), detail)) {
                    throw new TestStateException("test " + id + " changed meanwhile; look at it again");
                }
                unserve(id);
            }
        });
        log.info("Champion/challenger test {} {} by {}", id, to, principal);
        return find(id);
    }

    /**
     * Promotes the challenger of a running test: it is activated through {@link RuleSetLifecycle#activate} (its gates
     * and four-eyes rule) and the test ends PROMOTED. If the activation is refused, the test runs on as before.
     */
    public Test promote(long id, String principal) {
        synchronized (lock) {
            Test test = inState(id, Status.RUNNING, "promoted");
            Instant at = clock.instant();
            // Recorded before the activation, so that no instance takes the swap for a foreign one and ends the test.
            if (!records.move(id, Status.RUNNING, Status.PROMOTED, principal, at, "promoted: the challenger "
                    + test.challengerVersion().substring(0, 12) + " is activated")) {
                throw new TestStateException("test " + id + " changed meanwhile; look at it again");
            }
            try {
                lifecycle.activate(test.challengerVersion(), principal);
            } catch (RuntimeException e) {
                records.revert(id, Status.PROMOTED, Status.RUNNING, principal, clock.instant(),
                        "the promotion was refused, the test runs on: " + e.getMessage());
                if (e instanceof CandidateRejectedException rejected) {
                    throw new TestStateException("the challenger " + test.challengerVersion().substring(0, 12)
                            + " fails the " + rejected.stoppedAt() + " gate now, so it was not activated; the test "
                            + "runs on: " + rejected.getMessage());
                }
                throw e;
            }
            unserve(id);
            log.info("Champion/challenger test {}: challenger {} promoted by {}", id,
                    test.challengerVersion().substring(0, 12), principal);
            return find(id);
        }
    }

    private Test inState(long id, Status wanted, String what) {
        Test test = find(id);
        if (test.status() != wanted) {
            throw new TestStateException("test " + id + " is " + test.status() + "; only a " + wanted + " test can be "
                    + what);
        }
        return test;
    }

    public Test find(long id) {
        return records.find(id).orElseThrow(() -> new NotFoundException("no champion/challenger test " + id
                + "; GET /api/v1/challenger-tests lists them"));
    }

    public List<Test> list() {
        return records.list();
    }

    public List<Event> events(long id) {
        find(id);
        return records.events(id);
    }

    /** The test this instance routes customers by, if any. */
    public Optional<ActiveRuleSet.Challenge> serving() {
        return Optional.ofNullable(active.challenge());
    }

    /**
     * Brings what this instance serves in line with the database: the running test (compiled once), none when it has
     * ended, and a running test whose champion is no longer the active version recorded ENDED.
     */
    void poll() {
        synchronized (lock) {
            Optional<Test> running = records.running();
            ActiveRuleSet.Challenge serving = active.challenge();
            if (running.isEmpty()) {
                if (serving != null) {
                    unserve(serving.testId());
                }
                return;
            }
            Test test = running.get();
            Optional<String> activeVersion = versions.activeVersion();
            if (activeVersion.isPresent() && !activeVersion.get().equals(test.championVersion())) {
                RuleSetVersions.Stored now = versions.find(activeVersion.get()).orElseThrow();
                if (records.move(test.id(), Status.RUNNING, Status.ENDED, now.activatedBy() == null ? "system"
                        : now.activatedBy(), clock.instant(), "ended: version " + now.version().substring(0, 12)
                        + " was activated" + (now.activatedBy() == null ? "" : " by " + now.activatedBy())
                        + ", replacing the champion " + test.championVersion().substring(0, 12))) {
                    log.info("Champion/challenger test {} ended: the champion was replaced by {}", test.id(),
                            now.version().substring(0, 12));
                }
                unserve(test.id());
                return;
            }
            if (serving == null || serving.testId() != test.id()) {
                serve(test, lifecycle.compiled(test.challengerVersion()));
            }
        }
    }

    @Scheduled(initialDelayString = "${dunning.rule-sets.poll-interval:2s}",
            fixedDelayString = "${dunning.rule-sets.poll-interval:2s}")
    void pollQuietly() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("Looking for the running champion/challenger test failed; trying again at the next poll: {}",
                    e.getMessage());
        }
    }

    private void serve(Test test, RuleSet challenger) {
        active.challenge(new ActiveRuleSet.Challenge(test.id(), test.championVersion(), challenger,
                new ArmAssigner(test.salt(), test.shareBasisPoints())));
    }

    private void unserve(long id) {
        ActiveRuleSet.Challenge serving = active.challenge();
        if (serving != null && serving.testId() == id) {
            active.challenge(null);
        }
    }

    /** The challenger compiled, once it is known to be a version that may be one and to pass every gate. */
    private RuleSet requireChallenger(String version, String champion) {
        RuleSetVersions.Stored stored = versions.find(version).orElseThrow();
        if (version.equals(champion)) {
            throw new TestStateException("version " + version.substring(0, 12) + " is the active version, the "
                    + "champion; a challenger is another version (a candidate, or one active before)");
        }
        if (stored.status() == RuleSetVersions.Status.REJECTED) {
            throw new TestStateException("version " + version.substring(0, 12) + " was rejected by the gates; only "
                    + "a version that passes them may challenge (GET /api/v1/rule-sets/" + version.substring(0, 12)
                    + " shows why)");
        }
        // The gates of an activation, on the version's exact files.
        try {
            return lifecycle.compiled(version);
        } catch (CandidateRejectedException e) {
            throw new TestStateException("version " + version.substring(0, 12) + " fails the " + e.stoppedAt()
                    + " gate now, so it may not challenge: " + e.getMessage());
        }
    }

    static int shareBasisPoints(BigDecimal percent) {
        if (percent == null) {
            throw FactRejectedException.invalid("sharePercent", "give the challenger's share of customers in "
                    + "percent, e.g. 10 for one customer in ten");
        }
        // Range first: a number such as 1e999999999 is compared, never written out or moved.
        if (percent.compareTo(new BigDecimal("0.01")) < 0 || percent.compareTo(BigDecimal.valueOf(MAX_SHARE_BP, 2)) > 0
                || percent.stripTrailingZeros().scale() > 2) {
            throw FactRejectedException.invalid("sharePercent", (percent.precision() > 40 ? "that number"
                    : percent.toString()) + " is not a share a challenger may get; give a percentage from 0.01 to "
                    + MAX_SHARE_BP / 100 + " with at most two decimals");
        }
        return percent.movePointRight(2).intValueExact();
    }

    static String percent(int basisPoints) {
        return BigDecimal.valueOf(basisPoints, 2).stripTrailingZeros().toPlainString() + " %";
    }
}
