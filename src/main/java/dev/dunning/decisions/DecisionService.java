package dev.dunning.decisions;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.audit.AuditEntry;
import dev.dunning.audit.AuditLog;
import dev.dunning.audit.AuditRecord;
import dev.dunning.audit.AuditRecords;
import dev.dunning.decision.Facts;
import dev.dunning.dispatch.DispatchRequest;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.OutboxEntry;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * Makes decisions for every entry point: evaluate on the active rule set, record in the audit log, and only then
 * answer. A decision the log does not hold is never returned (the audit log throws, the caller gets 503).
 */
@Service
public class DecisionService {

    /** Entry points as the audit log records them. */
    public static final String EVALUATE = "evaluate";
    public static final String DECIDE = "decide";

    private final CustomerFacts customerFacts;
    private final DecisionEngine engine;
    private final ActiveRuleSet activeRuleSet;
    private final AuditLog auditLog;
    private final AuditRecords auditRecords;
    private final DispatchService dispatch;
    private final JsonMapper json;
    private final Clock clock;

    public DecisionService(CustomerFacts customerFacts, DecisionEngine engine, ActiveRuleSet activeRuleSet,
            AuditLog auditLog, AuditRecords auditRecords, DispatchService dispatch, JsonMapper json, Clock clock) {
        this.dispatch = dispatch;
        this.json = json;
        this.customerFacts = customerFacts;
        this.engine = engine;
        this.activeRuleSet = activeRuleSet;
        this.auditLog = auditLog;
        this.auditRecords = auditRecords;
        this.clock = clock;
    }

    /** One page of decisions as answered, newest first, and how many there are in all. */
    public record History(String customerId, int page, int size, long total, List<AuditRecord> decisions) {}

    /**
     * A decision and its JSON as the audit log chained it (canonical JSON: record fields in their declared order, map
     * keys sorted), mapped once: the API answers with these bytes rather than mapping the decision again.
     */
    public record Recorded(DecisionResponse decision, String json) {}

    /** Decides on inline facts (nothing about the customer is stored apart from the audit record). */
    public DecisionResponse evaluate(Facts facts, String principal) {
        return evaluateRecorded(facts, principal).decision();
    }

    /** {@link #evaluate}, with the decision's JSON as recorded. */
    public Recorded evaluateRecorded(Facts facts, String principal) {
        Facts dated = facts.asOf() == null
                ? new Facts(clock.instant(), facts.customer(), facts.invoices(), facts.contacts(), facts.holds())
                : facts;
        return decideAndRecord(dated, principal, EVALUATE);
    }

    /**
     * Decides for a stored customer as of {@code asOf} (now if null).
     *
     * @throws UnknownFactException if there is no such customer
     */
    public DecisionResponse decide(String customerId, Instant asOf, String principal) {
        Instant at = asOf == null ? clock.instant() : asOf;
        Facts facts = customerFacts.load(customerId, at)
                .orElseThrow(() -> new UnknownFactException("customer", customerId));
        return decideAndRecord(facts, principal, DECIDE).decision();
    }

    /** A decision and, if it sends something, its outbox entry. */
    public record Dispatched(DecisionResponse decision, Optional<OutboxEntry> entry) {}

    /**
     * Decides for a stored customer and hands the decision to dispatch: the audit record and the outbox entry commit in
     * one transaction (older unsent entries of the customer are superseded there too), so there is never a dispatched
     * decision the log does not hold, nor an audited decision to dispatch without its entry. If the entry cannot be
     * written, the decision is refused whole (503) and nothing of it is kept.
     *
     * @throws UnknownFactException if there is no such customer
     */
    public Dispatched decideAndDispatch(String customerId, Instant asOf, String principal) {
        Instant at = asOf == null ? clock.instant() : asOf;
        Facts facts = customerFacts.load(customerId, at)
                .orElseThrow(() -> new UnknownFactException("customer", customerId));
        // Set on the audit writer's thread, read here after the commit has been confirmed (the receipt's future
        // orders the two).
        var entry = new java.util.concurrent.atomic.AtomicReference<Optional<OutboxEntry>>(Optional.empty());
        DecisionResponse response = decideAndRecord(facts, principal, DECIDE, r -> () -> entry.set(enqueue(r)))
                .decision();
        return new Dispatched(response, entry.get());
    }

    /**
     * Hands a decision to dispatch: its outbox entry if it sends something, and the customer's older unsent entries
     * superseded (also by a decision that sends nothing). The one way decisions reach the outbox, for single decisions
     * and dispatching runs alike; call it only as the work that commits with the decision's audit record
     * ({@link AuditLog#append(AuditEntry, Runnable)}), so that there is never an entry without its record.
     *
     * @return the new entry, or empty if the decision sends nothing
     */
    public Optional<OutboxEntry> enqueue(DecisionResponse r) {
        return dispatch.enqueue(dispatchRequest(r));
    }

    /**
     * The decision as dispatch takes it, with the decision as answered (JSON) kept for the entry: what
     * {@link #enqueue} hands over, for callers that enqueue many decisions at once
     * ({@link DispatchService#enqueueAll}).
     */
    public DispatchRequest dispatchRequest(DecisionResponse r) {
        return new DispatchRequest(r.decisionId(), r.customerId(), r.asOf(), r.action(), r.channel(), r.tone(),
                r.stage(), r.template(), r.invoiceIds(), r.notBefore(), r.requiresApproval(), r.ruleSetVersion(),
                json.writeValueAsString(r));
    }

    private Recorded decideAndRecord(Facts facts, String principal, String entryPoint) {
        return decideAndRecord(facts, principal, entryPoint, r -> null);
    }

    /** {@code inSameTransaction} gives, for the decision, work that commits with its audit record (or null). */
    private Recorded decideAndRecord(Facts facts, String principal, String entryPoint,
            java.util.function.Function<DecisionResponse, Runnable> inSameTransaction) {
        // One rule set for the whole decision: a swap during evaluation does not mix versions. During a
        // champion/challenger test the customer's arm chooses it (the same arm on every instance, every time).
        ActiveRuleSet.Choice choice = activeRuleSet.routing().choose(facts.customer().id());
        RuleSet ruleSet = choice.ruleSet();
        var decision = engine.evaluate(facts, choice);
        String id = UuidCreator.getTimeOrderedEpoch().toString();
        DecisionResponse response = DecisionResponse.of(id, decision, choice);
        AuditLog.Receipt receipt = auditLog.append(new AuditEntry(id, response.asOf(), response.customerId(), principal, entryPoint,
                ruleSet.version(), ruleSet.sources(), response.action(), response.channel(), response.tone(),
                response.trace(), response, facts, null, choice.testId(), choice.arm()),
                inSameTransaction.apply(response));
        return new Recorded(response, receipt.output());
    }

    public History history(String customerId, int page, int size) {
        if (!customerFacts.exists(customerId)) {
            throw new UnknownFactException("customer", customerId);
        }
        return new History(customerId, page, size, auditRecords.countDecisionsOf(customerId),
                auditRecords.decisionsOf(customerId, page, size));
    }
}
