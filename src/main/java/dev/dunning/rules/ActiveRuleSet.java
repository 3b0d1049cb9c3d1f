package dev.dunning.rules;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The rule set the service evaluates with. Swapped whole and atomically: an evaluation that has taken the current set
 * finishes on it even if another is activated meanwhile.
 *
 * <p>While a champion/challenger test runs, a share of customers is decided by the challenger instead
 * ({@link #routing()}). The test names the champion it was approved against: once another version is active (an
 * activation, a rollback, the challenger's promotion), the test no longer routes anyone, at once and on every
 * instance, whatever its recorded state says.
 */
public final class ActiveRuleSet implements Supplier<RuleSet> {

    /** Champion decides everyone outside a test. */
    public static final String CHAMPION = "CHAMPION";
    public static final String CHALLENGER = "CHALLENGER";

    /** A running test as this instance serves it: both versions compiled. */
    public record Challenge(long testId, String championVersion, RuleSet challenger, ArmAssigner arms) {}

    /**
     * The rule set for one customer: {@code guardrails} is the champion when the challenger decides (its holds, contact
     * hours and call limits still apply), else null; {@code testId} and {@code arm} are null outside a test.
     */
    public record Choice(RuleSet ruleSet, RuleSet guardrails, Long testId, String arm) {

        public boolean inTest() {
            return testId != null;
        }
    }

    /** The champion and the test, taken together once, so that a chunk of a run or one decision does not mix them. */
    public record Routing(RuleSet champion, Challenge challenge) {

        public Choice choose(String customerId) {
            if (challenge == null || !challenge.championVersion().equals(champion.version())) {
                return new Choice(champion, null, null, null);
            }
            if (customerId != null && challenge.arms().challenger(customerId)) {
                return new Choice(challenge.challenger(), champion, challenge.testId(), CHALLENGER);
            }
            return new Choice(champion, null, challenge.testId(), CHAMPION);
        }
    }

    private final AtomicReference<RuleSet> current;
    private final AtomicReference<Challenge> challenge = new AtomicReference<>();

    public ActiveRuleSet(RuleSet initial) {
        this.current = new AtomicReference<>(initial);
    }

    @Override
    public RuleSet get() {
        return current.get();
    }

    /** Replaces the active set and returns the one it replaced. */
    public RuleSet swap(RuleSet next) {
        return current.getAndSet(next);
    }

    /** The set and the running test, to choose per customer. */
    public Routing routing() {
        return new Routing(current.get(), challenge.get());
    }

    /** Starts serving a test (null: none). */
    public void challenge(Challenge next) {
        challenge.set(next);
    }

    public Challenge challenge() {
        return challenge.get();
    }
}
