package dev.dunning.rulesets;

import dev.dunning.decision.Decision;
import dev.dunning.decision.Facts;
import dev.dunning.decision.TraceEntry;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleEvaluationException;
import dev.dunning.rules.RuleSet;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * What-if: decides for stored customers with a candidate and with the active version, side by side, and reports what
 * would change. Evaluation only: nothing is written, not to the audit log and not anywhere else, so a simulation can
 * be run as often as a reviewer likes.
 */
@Service
public class RuleSetSimulation {

    /** The most customers one simulation request evaluates; a filter narrows larger populations. */
    public static final int MAX_CUSTOMERS = 100_000;

    /**
     * Which customers: all, or those named, or those of a segment or country (filters combine).
     *
     * @param asOf the instant to decide as of; now when null
     * @param page 0-based page of the changed customers
     * @param size changed customers per page (at most 500)
     */
    public record Request(Instant asOf, List<String> customerIds, String segment, String country, Integer page,
            Integer size) {}

    /** How often one value became another, e.g. REMINDER -> FINAL_NOTICE: 12. */
    public record Transition(String from, String to, long count, List<String> examples) {}

    /** One side of a changed customer: what was decided and the rules that decided it. */
    public record Outcome(String action, String channel, String tone, int stage, List<String> rules) {

        static Outcome of(Decision d) {
            return new Outcome(d.getAction(), d.getChannel(), d.getTone(), d.getStage(),
                    d.getTrace().stream().filter(t -> !t.overridden()).map(Outcome::where).toList());
        }

        private static String where(TraceEntry t) {
            String place = t.sheet() != null ? t.source() + "!" + t.sheet() + " row " + t.row()
                    : t.source() + (t.line() != null ? ":" + t.line() : "");
            return t.rule() + " (" + place + ")";
        }
    }

    public record Change(String customerId, Outcome active, Outcome candidate) {}

    /**
     * The summary and one page of changed customers.
     *
     * @param actions every action transition, unchanged ones included (the diagonal of the matrix)
     * @param channels channel changes only
     * @param tones tone changes only
     * @param failed customers whose facts one of the versions could not decide on, with the reason
     */
    public record Result(String candidate, String active, Instant asOf, long customers, long changed,
            List<Transition> actions, List<Transition> channels, List<Transition> tones, Map<String, String> failed,
            int page, int size, List<Change> changes) {}

    private static final int EXAMPLES = 5;

    private final RuleSetLifecycle lifecycle;
    private final CustomerFacts customerFacts;
    private final DecisionEngine engine;
    private final JdbcClient jdbc;
    private final Clock clock;

    public RuleSetSimulation(RuleSetLifecycle lifecycle, CustomerFacts customerFacts, DecisionEngine engine,
            JdbcClient jdbc, Clock clock) {
        this.lifecycle = lifecycle;
        this.customerFacts = customerFacts;
        this.engine = engine;
        this.jdbc = jdbc;
        this.clock = clock;
    }

    public Result simulate(String candidateVersion, Request request) {
        RuleSet candidate = lifecycle.compiled(candidateVersion);
        RuleSet active = lifecycle.serving();
        Instant asOf = request.asOf() == null ? clock.instant() : request.asOf();
        int page = request.page() == null ? 0 : Math.max(0, request.page());
        int size = request.size() == null ? 50 : Math.min(500, Math.max(1, request.size()));

        Map<String, Tally> actions = new TreeMap<>();
        Map<String, Tally> channels = new TreeMap<>();
        Map<String, Tally> tones = new TreeMap<>();
        Map<String, String> failed = new TreeMap<>();
        List<Change> changes = new ArrayList<>();
        long changed = 0;
        List<String> ids = customerIds(request);
        for (String id : ids) {
            Optional<Facts> facts = customerFacts.load(id, asOf);
            if (facts.isEmpty()) {
                failed.put(id, "no such customer");
                continue;
            }
            Decision before;
            Decision after;
            try {
                before = engine.evaluate(facts.get(), active);
                after = engine.evaluate(facts.get(), candidate);
            } catch (RuleEvaluationException e) {
                failed.put(id, e.getMessage());
                continue;
            }
            tally(actions, before.getAction(), after.getAction(), id);
            if (!java.util.Objects.equals(before.getChannel(), after.getChannel())) {
                tally(channels, before.getChannel(), after.getChannel(), id);
            }
            if (!java.util.Objects.equals(before.getTone(), after.getTone())) {
                tally(tones, String.valueOf(before.getTone()), String.valueOf(after.getTone()), id);
            }
            Outcome a = Outcome.of(before);
            Outcome b = Outcome.of(after);
            if (!a.action().equals(b.action()) || !java.util.Objects.equals(a.channel(), b.channel())
                    || !java.util.Objects.equals(a.tone(), b.tone()) || a.stage() != b.stage()) {
                if (changed >= (long) page * size && changes.size() < size) {
                    changes.add(new Change(id, a, b));
                }
                changed++;
            }
        }
        return new Result(candidate.version(), active.version(), asOf, ids.size() - failed.size(), changed,
                transitions(actions), transitions(channels), transitions(tones), failed, page, size, changes);
    }

    private List<String> customerIds(Request request) {
        StringBuilder sql = new StringBuilder("SELECT id FROM customers WHERE 1 = 1");
        List<Object> params = new ArrayList<>();
        if (request.customerIds() != null && !request.customerIds().isEmpty()) {
            sql.append(" AND id IN (").append(String.join(", ", request.customerIds().stream().map(x -> "?").toList()))
                    .append(')');
            params.addAll(request.customerIds());
        }
        if (request.segment() != null) {
            sql.append(" AND segment = ?");
            params.add(request.segment());
        }
        if (request.country() != null) {
            sql.append(" AND country = ?");
            params.add(request.country());
        }
        sql.append(" ORDER BY id LIMIT ").append(MAX_CUSTOMERS);
        return jdbc.sql(sql.toString()).params(params).query(String.class).list();
    }

    private static final class Tally {
        final String from;
        final String to;
        long count;
        final List<String> examples = new ArrayList<>();

        Tally(String from, String to) {
            this.from = from;
            this.to = to;
        }
    }

    private static void tally(Map<String, Tally> tallies, String from, String to, String customerId) {
        Tally t = tallies.computeIfAbsent(from + " -> " + to, k -> new Tally(from, to));
        t.count++;
        if (t.examples.size() < EXAMPLES) {
            t.examples.add(customerId);
        }
    }

    private static List<Transition> transitions(Map<String, Tally> tallies) {
        return tallies.values().stream()
                .sorted(java.util.Comparator.comparingLong((Tally t) -> -t.count))
                .map(t -> new Transition(t.from, t.to, t.count, List.copyOf(t.examples)))
                .toList();
    }
}
