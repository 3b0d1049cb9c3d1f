package dev.dunning.rules;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * The rule set the service evaluates with. Swapped whole and atomically: an evaluation that has taken the current set
 * finishes on it even if another is activated meanwhile.
 */
public final class ActiveRuleSet implements Supplier<RuleSet> {

    private final AtomicReference<RuleSet> current;

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
}
