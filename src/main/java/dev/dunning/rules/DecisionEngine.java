package dev.dunning.rules;

import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.DunningCase;
import dev.dunning.decision.Facts;
import io.micrometer.core.instrument.Metrics;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.kie.api.definition.rule.Rule;
import org.kie.api.event.rule.AfterMatchFiredEvent;
import org.kie.api.event.rule.BeforeMatchFiredEvent;
import org.kie.api.event.rule.DefaultAgendaEventListener;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.ConsequenceException;
import org.kie.api.runtime.rule.FactHandle;

/**
 * Evaluates facts with a rule set: derive the {@link DunningCase}, then fire the agenda groups one after the other in
 * the fixed order of {@link #GROUPS}, then let the {@link Decision} settle channel, timing and defaults. No I/O here:
 * the same code serves the API, batch runs and simulations.
 */
public final class DecisionEngine {

    /** The pipeline, in firing order. Every rule belongs to exactly one of these agenda groups. */
    public static final List<String> GROUPS =
            List.of("holds", "escalation", "tone", "channel", "constraints", "fallback");

    /**
     * Firings one agenda group may take for one decision. Far above what a customer with thousands of invoices needs;
     * reaching it means a rule re-activates itself (it changes a fact it matches, with no guard), which would
     * otherwise hold the thread, and the decision's trace, forever.
     */
    public static final int MAX_FIRINGS_PER_GROUP = 50_000;

    /** The time an evaluation may take when no setting says otherwise. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(2);

    /** A decision together with the rule-set version that made it. */
    public record Evaluation(Decision decision, String ruleSetVersion) {}

    private final Supplier<RuleSet> active;
    private final Clock clock;
    private final DeclineCodes declineCodes;
    private final long budgetNanos;

    public DecisionEngine(Supplier<RuleSet> active, Clock clock, DeclineCodes declineCodes) {
        this(active, clock, declineCodes, DEFAULT_BUDGET);
    }

    /** @param budget the time one evaluation may take; past it, it is stopped between two firings */
    public DecisionEngine(Supplier<RuleSet> active, Clock clock, DeclineCodes declineCodes, Duration budget) {
        this.active = active;
        this.clock = clock;
        this.declineCodes = declineCodes;
        this.budgetNanos = budget.toNanos();
    }

    /** Evaluates with the rule set active at the moment of the call, which the result names. */
    public Evaluation evaluate(Facts facts) {
        RuleSet ruleSet = active.get();
        return new Evaluation(evaluate(DunningCase.derive(facts, clock, declineCodes), ruleSet), ruleSet.version());
    }

    /** Evaluates with a given rule set, e.g. a candidate being checked against its scenarios. */
    public Decision evaluate(Facts facts, RuleSet ruleSet) {
        return evaluate(DunningCase.derive(facts, clock, declineCodes), ruleSet);
    }

    public Decision evaluate(DunningCase dunningCase, RuleSet ruleSet) {
        return evaluate(dunningCase, ruleSet, null);
    }

    /**
     * Evaluates for one customer as routing chose: outside a test or in the champion arm with the chosen set; in the
     * challenger arm with the challenger, after which the champion's guardrails on the same case still apply
     * ({@link Decision#keepGuardrailsOf}).
     */
    public Decision evaluate(Facts facts, ActiveRuleSet.Choice choice) {
        DunningCase dunningCase = DunningCase.derive(facts, clock, declineCodes);
        Decision guardrails = choice.guardrails() == null ? null : evaluate(dunningCase, choice.guardrails(), null);
        return evaluate(dunningCase, choice.ruleSet(), guardrails);
    }

    private Decision evaluate(DunningCase dunningCase, RuleSet ruleSet, Decision guardrails) {
        Decision decision = new Decision(dunningCase);
        KieSession session = ruleSet.kieBase().newKieSession();
        TraceListener trace = new TraceListener(decision, ruleSet, System.nanoTime() + budgetNanos);
        try {
            session.setGlobal("decision", decision);
            session.addEventListener(trace);
            session.insert(dunningCase);
            dunningCase.getExposures().forEach(session::insert);
            dunningCase.getInvoiceCases().forEach(session::insert);
            FactHandle decisionHandle = session.insert(decision);
            for (String group : GROUPS) {
                trace.group = group;
                session.getAgenda().getAgendaGroup(group).setFocus();
                int fired = session.fireAllRules(MAX_FIRINGS_PER_GROUP + 1);
                if (trace.overran) {
                    Rule last = trace.last;
                    Metrics.counter("dunning.rules.evaluation.timeouts", "group", group).increment();
                    throw new RuleTimeoutException(last.getName(), ruleSet.origin(last.getPackageName(), last.getName()),
                            Duration.ofNanos(budgetNanos));
                }
                if (fired > MAX_FIRINGS_PER_GROUP) {
                    Rule last = trace.last;
                    throw new RuleEvaluationException(last.getName(),
                            ruleSet.origin(last.getPackageName(), last.getName()), new IllegalStateException(String.format(
                                    Locale.ROOT, "the rules of group \"%s\" fired %,d times for one customer without "
                                    + "settling: a rule that changes a fact it matches activates itself again; guard "
                                    + "it with no-loop or a condition that its change makes false", group,
                                    MAX_FIRINGS_PER_GROUP)));
                }
                if (decision.isClosed()) {
                    break;
                }
                // Later groups match on what earlier ones decided (stage, action), so re-present the decision; only
                // rules change it, so a group where none fired leaves nothing to re-present.
                if (fired > 0) {
                    session.update(decisionHandle, decision);
                }
            }
        } catch (ConsequenceException e) {
            Rule rule = e.getMatch().getRule();
            RuleOrigin origin = ruleSet.origin(rule.getPackageName(), rule.getName());
            throw new RuleEvaluationException(rule.getName(), origin, e.getCause() != null ? e.getCause() : e);
        } catch (StackOverflowError e) {
            // Rule code that nests without bound (a structure holding itself): the rule's fault, not the service's.
            Rule rule = trace.last;
            throw new RuleEvaluationException(rule == null ? "(none)" : rule.getName(),
                    rule == null ? null : ruleSet.origin(rule.getPackageName(), rule.getName()), e);
        } finally {
            session.dispose();
        }
        if (guardrails != null) {
            decision.keepGuardrailsOf(guardrails);
        }
        decision.finish();
        return decision;
    }

    private static final class TraceListener extends DefaultAgendaEventListener {
        private final Decision decision;
        private final RuleSet ruleSet;
        String group;
        /** The rule that fired last: the one to name if a group never settles. */
        Rule last;
        private final long deadline;
        /** Set when the evaluation ran past its budget and the engine was halted after the last firing. */
        boolean overran;

        TraceListener(Decision decision, RuleSet ruleSet, long deadline) {
            this.decision = decision;
            this.ruleSet = ruleSet;
            this.deadline = deadline;
        }

        @Override
        public void beforeMatchFired(BeforeMatchFiredEvent event) {
            Rule rule = event.getMatch().getRule();
            last = rule;
            RuleOrigin origin = ruleSet.origin(rule.getPackageName(), rule.getName());
            List<Object> objects = event.getMatch().getObjects();
            decision.beginMatch(
                    rule.getName(),
                    origin == null ? null : origin.source(),
                    origin == null ? null : origin.sheet(),
                    origin == null ? null : origin.row(),
                    origin == null ? null : origin.line(),
                    group,
                    metadata(rule.getMetaData()),
                    objects.isEmpty() ? null : objects.get(0));
        }

        /** Metadata as authors wrote it: @policy("DUN-02") reads as DUN-02, not as a quoted literal. */
        private static Map<String, Object> metadata(Map<String, Object> raw) {
            if (raw.isEmpty()) {
                return Map.of();
            }
            Map<String, Object> clean = new LinkedHashMap<>();
            raw.forEach((key, value) -> {
                if (value instanceof String s && s.length() >= 2 && s.startsWith("\"") && s.endsWith("\"")) {
                    value = s.substring(1, s.length() - 1);
                }
                clean.put(key, value);
            });
            return clean;
        }

        @Override
        public void afterMatchFired(AfterMatchFiredEvent event) {
            decision.endMatch();
            if (System.nanoTime() - deadline > 0) {
                overran = true;
                event.getKieRuntime().halt(); // between firings: the engine stops before the next one
            }
        }
    }
}
