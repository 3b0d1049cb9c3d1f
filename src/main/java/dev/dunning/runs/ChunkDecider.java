package dev.dunning.runs;

import com.github.f4b6a3.uuid.UuidCreator;
import dev.dunning.audit.AuditEntry;
import dev.dunning.audit.AuditLog;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Hold;
import dev.dunning.decision.TraceEntry;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.dispatch.DispatchRequest;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.OutboxEntry;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.springframework.batch.infrastructure.item.Chunk;
import org.springframework.batch.infrastructure.item.ItemWriter;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides for one chunk of customer ids: their facts in one set of queries, evaluation on all cores, the decisions
 * audited together (live) and counted in the run's report. Runs inside the chunk's transaction, which also saves the
 * reader's position: report and position commit together.
 *
 * <p>Exactly once: in a live run the audit log holds at most one record per customer and run (a unique key). Before
 * deciding, the chunk looks up which of its customers the run has already recorded (decisions made durable by a
 * chunk whose own transaction was then lost in a crash); those are counted from their record and not decided again.
 *
 * <p>A dispatching run gives each decision's outbox entry to the audit log as work that commits with its record, so
 * a recorded customer has its entry (if its decision sends something) and is never dispatched again either. A
 * decision whose entry cannot be written is refused whole by the audit log and recorded here as a failed customer.
 */
class ChunkDecider implements ItemWriter<String> {

    static final String ENTRY_POINT = "run";
    /** The report's dimension counting outbox entries per route. */
    static final String OUTBOX = "outbox";
    /** The report's dimension counting the decisions each rule shaped. */
    static final String RULE = "rule";

    private final long runId;
    private final String partition;
    private final RunRequest request;
    private final CustomerFacts customerFacts;
    private final DecisionEngine engine;
    private final ActiveRuleSet activeRuleSet;
    private final AuditLog auditLog;
    private final DecisionService decisions;
    private final DispatchService dispatch;
    private final RunReport report;
    private final PhaseTimes times;
    private final JsonMapper json;
    private final Clock clock;

    ChunkDecider(long runId, String partition, RunRequest request, CustomerFacts customerFacts, DecisionEngine engine,
            ActiveRuleSet activeRuleSet, AuditLog auditLog, DecisionService decisions, DispatchService dispatch,
            RunReport report, PhaseTimes times, JsonMapper json, Clock clock) {
        this.runId = runId;
        this.partition = partition;
        this.request = request;
        this.customerFacts = customerFacts;
        this.engine = engine;
        this.activeRuleSet = activeRuleSet;
        this.auditLog = auditLog;
        this.decisions = decisions;
        this.dispatch = dispatch;
        this.report = report;
        this.times = times;
        this.json = json;
        this.clock = clock;
    }

    /** One customer's outcome: a decision, or the reason it could not be made. */
    private record Outcome(String customerId, DecisionResponse decision, Facts facts, String failure,
            ActiveRuleSet.Choice choice) {}

    @Override
    public void write(Chunk<? extends String> chunk) {
        long start = System.nanoTime();
        List<String> ids = new ArrayList<>(chunk.getItems());
        Tally tally = new Tally();
        List<String> toDecide = ids;
        if (!request.dryRun()) {
            Map<String, RunReport.Recorded> recorded = report.recorded(runId, ids);
            if (!recorded.isEmpty()) {
                recorded.values().forEach(r -> {
                    tally.count(json.readTree(r.content()).path("decision"));
                    if (r.outboxRoute() != null) {
                        tally.add(OUTBOX, r.outboxRoute(), 1);
                    }
                });
                toDecide = ids.stream().filter(id -> !recorded.containsKey(id)).toList();
            }
        }
        Map<String, Facts> facts = customerFacts.loadAll(toDecide, request.asOf());
        long loaded = System.nanoTime();

        // One rule set for the whole chunk: a swap during the chunk does not mix versions within it. During a
        // champion/challenger test each customer's arm chooses between the two sets taken here.
        ActiveRuleSet.Routing routing = activeRuleSet.routing();
        List<Outcome> outcomes = toDecide.parallelStream()
                .map(id -> decide(id, facts.get(id), routing.choose(id))).toList();
        long evaluated = System.nanoTime();

        List<AuditEntry> entries = new ArrayList<>();
        List<DecisionResponse> decided = new ArrayList<>();
        List<RunStatus.FailedItem> failures = new ArrayList<>();
        for (Outcome o : outcomes) {
            if (o.failure != null) {
                failures.add(new RunStatus.FailedItem(o.customerId, o.failure));
                continue;
            }
            DecisionResponse d = o.decision;
            decided.add(d);
            RuleSet ruleSet = o.choice.ruleSet();
            entries.add(new AuditEntry(d.decisionId(), d.asOf(), d.customerId(), request.principal(), ENTRY_POINT,
                    ruleSet.version(), ruleSet.sources(), d.action(), d.channel(), d.tone(), d.trace(), d, o.facts,
                    runId, o.choice.testId(), o.choice.arm()));
        }
        if (request.dispatch()) {
            appendDispatching(entries, decided, tally, failures);
        } else {
            if (!request.dryRun() && !entries.isEmpty()) {
                auditLog.appendAll(entries);
            }
            decided.forEach(tally::count);
        }
        tally.add("failed", "customers", failures.size());
        report.failed(runId, failures, clock.instant());
        long written = System.nanoTime();
        long idNanos = times.takeRead();
        tally.add("ms", "read", millis(idNanos + loaded - start));
        tally.add("ms", "read.ids", millis(idNanos));
        tally.add("ms", "read.facts", millis(loaded - start));
        tally.add("ms", "evaluate", millis(evaluated - loaded));
        tally.add("ms", "write", millis(written - evaluated));
        report.add(runId, partition, tally.counts);
    }

    /**
     * Audits the decisions, each with its outbox entry in the same transaction (the entries the decisions would get
     * one by one as a single decision with {@code "dispatch": true} does, written for the chunk's decisions together
     * with set-based statements: {@link DispatchService#enqueueAll}); counts those recorded and the entries made. A
     * decision whose entry could not be written was refused with it (no record, no entry): it becomes a failed
     * customer with the reason, and the run goes on.
     */
    private void appendDispatching(List<AuditEntry> entries, List<DecisionResponse> decided, Tally tally,
            List<RunStatus.FailedItem> failures) {
        if (entries.isEmpty()) {
            return;
        }
        // Made here, on the partition's thread, so that the audit writer's one thread does not serialise decisions.
        List<DispatchRequest> requests = decided.stream().map(decisions::dispatchRequest).toList();
        // Set on the audit writer's thread; read after the receipts, whose futures order the two.
        AtomicReferenceArray<OutboxEntry> enqueued = new AtomicReferenceArray<>(decided.size());
        List<AuditLog.Appended> appended = auditLog.appendAll(entries, new AuditLog.GroupWork() {
            @Override
            public void run(List<Integer> positions) {
                List<Optional<OutboxEntry>> made = dispatch.enqueueAll(positions.stream().map(requests::get)
                        .toList());
                for (int k = 0; k < positions.size(); k++) {
                    enqueued.set(positions.get(k), made.get(k).orElse(null));
                }
            }

            @Override
            public void one(int position) {
                enqueued.set(position, dispatch.enqueue(requests.get(position)).orElse(null));
            }
        });
        for (int i = 0; i < decided.size(); i++) {
            DecisionResponse d = decided.get(i);
            if (appended.get(i).refused()) {
                failures.add(new RunStatus.FailedItem(d.customerId(), refusal(appended.get(i).refusedBy())));
                continue;
            }
            tally.count(d);
            OutboxEntry entry = enqueued.get(i);
            if (entry != null) {
                tally.add(OUTBOX, entry.route(), 1);
            }
        }
    }

    static String refusal(Throwable cause) {
        return "dispatch: the decision's outbox entry could not be written (" + cause.getClass().getSimpleName() + ": "
                + cause.getMessage() + "), so the decision was refused with it: no audit record, no outbox entry. "
                + "Once the cause is fixed, decide this customer again (a new dispatching run, or POST "
                + "/api/v1/decisions with \"dispatch\": true)";
    }

    private Outcome decide(String customerId, Facts facts, ActiveRuleSet.Choice choice) {
        if (facts == null) {
            return new Outcome(customerId, null, null, "the customer no longer exists", choice);
        }
        try {
            String id = request.dryRun() ? null : UuidCreator.getTimeOrderedEpoch().toString();
            return new Outcome(customerId, DecisionResponse.of(id, engine.evaluate(facts, choice), choice), facts,
                    null, choice);
        } catch (RuntimeException e) {
            // Facts that break evaluation (an invariant violated, a rule failing on them) fail this customer only.
            return new Outcome(customerId, null, null, e.getClass().getSimpleName() + ": " + e.getMessage(), choice);
        }
    }

    private static long millis(long nanos) {
        return nanos / 1_000_000;
    }

    /**
     * Counts per dimension (action, channel, tone, hold, and the rules that shaped the decision: fired and not
     * overridden, each counted once per decision) for the report.
     */
    private static final class Tally {
        final Map<String, Map<String, Long>> counts = new TreeMap<>();

        void add(String dimension, String value, long n) {
            counts.computeIfAbsent(dimension, k -> new TreeMap<>()).merge(value, n, Long::sum);
        }

        void count(DecisionResponse d) {
            add("action", d.action(), 1);
            add("channel", d.channel(), 1);
            add("tone", d.tone() == null ? "NONE" : d.tone(), 1);
            for (Hold hold : d.holdsApplied()) {
                add("hold", hold.kind().name(), 1);
            }
            d.trace().stream().filter(t -> !t.overridden()).map(TraceEntry::rule).distinct()
                    .forEach(rule -> add(RULE, RunReport.tallyValue(rule), 1));
        }

        /** The same counts from a decision as recorded in the audit log. */
        void count(JsonNode decision) {
            add("action", decision.path("action").asString(), 1);
            add("channel", decision.path("channel").asString(), 1);
            String tone = decision.path("tone").asString(null);
            add("tone", tone == null ? "NONE" : tone, 1);
            decision.path("holdsApplied").forEach(h -> add("hold", h.path("kind").asString(), 1));
            java.util.Set<String> rules = new java.util.LinkedHashSet<>();
            decision.path("trace").forEach(t -> {
                if (!t.path("overridden").asBoolean(false)) {
                    rules.add(t.path("rule").asString());
                }
            });
            rules.forEach(rule -> add(RULE, RunReport.tallyValue(rule), 1));
        }
    }
}
