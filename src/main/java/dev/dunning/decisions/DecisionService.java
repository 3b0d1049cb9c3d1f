package dev.dunning.decisions;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.decision.Decision;
import dev.dunning.decision.Facts;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.rules.DecisionEngine;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Decides for a stored customer: load the facts, evaluate with the active rule set, keep the decision. */
@Service
public class DecisionService {

    private final CustomerFacts customerFacts;
    private final DecisionEngine engine;
    private final Decisions decisions;
    private final JsonMapper json;
    private final Clock clock;

    public DecisionService(CustomerFacts customerFacts, DecisionEngine engine, Decisions decisions, JsonMapper json,
            Clock clock) {
        this.customerFacts = customerFacts;
        this.engine = engine;
        this.decisions = decisions;
        this.json = json;
        this.clock = clock;
    }

    /** One page of decisions, newest first, and how many there are in all. */
    public record History(String customerId, int page, int size, long total, List<StoredDecision> decisions) {}

    /**
     * Decides for the customer as of {@code asOf} (now if null) and stores the decision; the returned response carries
     * its time-ordered id.
     *
     * @throws UnknownFactException if there is no such customer
     */
    @Transactional
    public DecisionResponse decide(String customerId, Instant asOf) {
        Instant decidedAt = clock.instant();
        Instant at = asOf == null ? decidedAt : asOf;
        Facts facts = customerFacts.load(customerId, at)
                .orElseThrow(() -> new UnknownFactException("customer", customerId));
        DecisionEngine.Evaluation evaluation = engine.evaluate(facts);
        Decision decision = evaluation.decision();
        String id = UuidCreator.getTimeOrderedEpoch().toString();
        DecisionResponse response = DecisionResponse.of(id, decision, evaluation.ruleSetVersion());
        decisions.add(new StoredDecision(id, customerId, decidedAt, at, evaluation.ruleSetVersion(),
                response.action(), response.channel(), response.tone(), response.stage(),
                json.writeValueAsString(response)));
        return response;
    }

    @Transactional(readOnly = true)
    public History history(String customerId, int page, int size) {
        if (!customerFacts.exists(customerId)) {
            throw new UnknownFactException("customer", customerId);
        }
        return new History(customerId, page, size, decisions.countOfCustomer(customerId),
                decisions.ofCustomer(customerId, page, size));
    }
}
