package dev.dunning.demo;

import dev.dunning.audit.AuditEntry;
import dev.dunning.audit.AuditLog;
import dev.dunning.audit.AuditProperties;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Outcome;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.dispatch.DispatchRequest;
import dev.dunning.dispatch.SentHistory;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.facts.FactsService;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Date;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Consumer;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Past dunning decisions for generated customers (the {@code generate} command's {@code --history-days}): day by day
 * over the weeks before the as-of date, a nightly run at {@link #RUN_TIME} UTC decides the customers whose oldest
 * overdue invoice reaches a step of the ladder that day, with the active rule-set version on their facts as of that
 * moment. Each decision is a real audit record, appended through the audit log's own chain, with its outbox entry
 * written in the same transaction as sent and its contact attempt carrying the outcome its events led to and the
 * complaint it drew, if any (a STOP reply withdrawing the number from texts, as a reported one does; {@link Outcomes});
 * some customers then pay, through {@link FactsService#recordPayment}, within days or weeks, in full or in part. The
 * same seed and as-of date give the same history.
 */
@Component
class History {

    /** When the made-up nightly run decides, UTC. */
    static final Duration RUN_TIME = Duration.ofHours(6);
    /** Decisions per audit call: well within the audit log's queue, and one fact query set each. */
    static final int BATCH = 500;
    static final String PRINCIPAL = "generator";
    static final String ENTRY_POINT = "generate";
    static final List<String> PHASES = List.of("plan", "facts", "evaluate", "audit and send", "payments");

    /**
     * What was written (decisions, messages sent, complaints about them, payments), and where the time went (facts
     * loaded, evaluated, recorded with their sends, paid).
     */
    record Result(long decisions, long sent, long complaints, long payments, Duration took,
            Map<String, Duration> phases) {}

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;
    private final AuditProperties auditProperties;
    private final JsonMapper json;
    private final CustomerFacts customerFacts;
    private final DecisionEngine engine;
    private final ActiveRuleSet activeRuleSet;
    private final DecisionService decisions;
    private final SentHistory sentHistory;
    private final FactsService facts;
    private final AutowireCapableBeanFactory beans;

    History(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate transactions,
            AuditProperties auditProperties, JsonMapper json, CustomerFacts customerFacts, DecisionEngine engine,
            ActiveRuleSet activeRuleSet, DecisionService decisions, SentHistory sentHistory, FactsService facts,
            AutowireCapableBeanFactory beans) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.transactions = transactions;
        this.auditProperties = auditProperties;
        this.json = json;
        this.customerFacts = customerFacts;
        this.engine = engine;
        this.activeRuleSet = activeRuleSet;
        this.decisions = decisions;
        this.sentHistory = sentHistory;
        this.facts = facts;
        this.beans = beans;
    }

    /** A payment a customer is going to make, and after which decision. */
    private record Planned(String customerId, String decisionId, boolean partial, double share, List<String> invoices,
            Instant paidAt) {}

    /** The audit log's clock, set to the moment of each made-up run, so that records carry the time they were made. */
    private static final class RunClock extends Clock {
        private volatile Instant now = Instant.EPOCH;

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /**
     * The latest decision in the audit log when it was recorded on or after the first day of the history (so past
     * decisions cannot be added behind it: the chain is in time order); empty when the history can be written.
     */
    Optional<Instant> laterDecision(Generator.Options options) {
        LocalDate first = options.asOf().minusDays(options.historyDays());
        Instant latest = jdbc.sql("SELECT MAX(recorded_at) AS latest FROM audit_records")
                .query((rs, n) -> Optional.ofNullable(dev.dunning.database.Sql.instant(rs, "latest")))
                .single().orElse(null);
        return latest != null && !latest.isBefore(first.atStartOfDay(ZoneOffset.UTC).toInstant())
                ? Optional.of(latest) : Optional.empty();
    }

    /**
     * Refuses a history that would put past decisions behind later ones in the chain (which is in time order): called
     * before anything is generated, so that a refusal leaves the database as it was.
     */
    void refuseIfTheLogHoldsLaterDecisions(Generator.Options options) {
        Optional<Instant> latest = laterDecision(options);
        if (latest.isPresent()) {
            throw new IllegalStateException(refusal(options, latest.get()));
        }
    }

    /** Why a history asked for cannot be written beside the decision recorded at {@code latest}. */
    static String refusal(Generator.Options options, Instant latest) {
        return "The audit log already holds a decision recorded at " + latest + ", on or after the first day of the "
                + "history (" + options.asOf().minusDays(options.historyDays()) + "); its chain is in time order, so "
                + "past decisions can only be added to an audit log without later ones: generate into an empty "
                + "database, or give --history-days=0 for customers without past decisions";
    }

    Result write(Generator.Options options, Consumer<String> progress) {
        long started = System.nanoTime();
        LocalDate asOf = options.asOf();
        LocalDate first = asOf.minusDays(options.historyDays());
        refuseIfTheLogHoldsLaterDecisions(options);
        RuleSet ruleSet = activeRuleSet.get();
        Map<LocalDate, List<String>> plan = plan(options, first);
        RunClock clock = new RunClock();
        AuditLog auditLog = new AuditLog(jdbc, jdbcTemplate, transactions, auditProperties, clock, json,
                new SimpleMeterRegistry());
        long decided = 0;
        long sent = 0;
        long complained = 0;
        long paid = 0;
        Set<String> settled = new HashSet<>();
        Map<String, LocalDate> paying = new HashMap<>();
        TreeMap<LocalDate, List<Planned>> payments = new TreeMap<>();
        long[] nanos = new long[PHASES.size()];
        nanos[0] = System.nanoTime() - started;
        try {
            for (LocalDate day = first; day.isBefore(asOf); day = day.plusDays(1)) {
                Instant run = day.atStartOfDay(ZoneOffset.UTC).plus(RUN_TIME).toInstant();
                List<String> due = plan.getOrDefault(day, List.of()).stream().filter(id -> !settled.contains(id))
                        .toList();
                for (int from = 0; from < due.size(); from += BATCH) {
                    List<String> ids = due.subList(from, Math.min(due.size(), from + BATCH));
                    long[] counts = decide(options, ruleSet, auditLog, clock, run, ids, paying, payments, nanos);
                    decided += counts[0];
                    sent += counts[1];
                    complained += counts[2];
                }
                List<Planned> today = payments.remove(day);
                if (today != null) {
                    long t = System.nanoTime();
                    paid += pay(today, settled, paying);
                    nanos[4] += System.nanoTime() - t;
                }
                if (day.getDayOfMonth() == 1 || day.plusDays(1).equals(asOf)) {
                    progress.accept(String.format("history: %s, %,d past decisions, %,d sent, %,d complaints, "
                            + "%,d payments", day, decided, sent, complained, paid));
                }
            }
        } finally {
            beans.destroyBean(auditLog);
        }
        Map<String, Duration> phases = new java.util.LinkedHashMap<>();
        for (int i = 0; i < nanos.length; i++) {
            phases.put(PHASES.get(i), Duration.ofNanos(nanos[i]));
        }
        return new Result(decided, sent, complained, paid, Duration.ofNanos(System.nanoTime() - started), phases);
    }

    /**
     * The customers to decide each day: those chosen for the history ({@link Generator#inHistory}) whose oldest overdue
     * invoice reaches a step of their segment's ladder in the period (a day or two late at times, as runs are).
     */
    private Map<LocalDate, List<String>> plan(Generator.Options options, LocalDate first) {
        Map<LocalDate, List<String>> plan = new TreeMap<>();
        String prefix = options.idPrefix();
        jdbc.sql("""
                SELECT c.id, c.segment, MIN(i.due_date) AS due FROM customers c JOIN invoices i ON i.customer_id = c.id
                WHERE c.id LIKE :prefix AND i.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') AND i.due_date < :asOf
                GROUP BY c.id, c.segment ORDER BY c.id""")
                .param("prefix", prefix.replace("%", "\\%").replace("_", "\\_") + "%")
                .param("asOf", Date.valueOf(options.asOf()))
                .query(rs -> {
                    String id = rs.getString(1);
                    int n;
                    try {
                        n = Integer.parseInt(id.substring(prefix.length()));
                    } catch (NumberFormatException e) {
                        return; // not one of the generator's ids
                    }
                    if (!Generator.inHistory(options.seed(), n)) {
                        return;
                    }
                    int segment = List.of(Generator.SEGMENTS).indexOf(rs.getString(2));
                    LocalDate due = rs.getDate(3).toLocalDate();
                    SplittableRandom rng = rng(options.seed(), n, 0);
                    for (int step : Generator.LADDER[Math.max(0, segment)]) {
                        LocalDate day = due.plusDays(step + rng.nextInt(3));
                        if (!day.isBefore(first) && day.isBefore(options.asOf())) {
                            plan.computeIfAbsent(day, d -> new ArrayList<>()).add(id);
                        }
                    }
                });
        return plan;
    }

    /** Decides, records and sends for one batch of customers; returns {decisions, sent, complaints}. */
    private long[] decide(Generator.Options options, RuleSet ruleSet, AuditLog auditLog, RunClock clock, Instant run,
            List<String> ids, Map<String, LocalDate> paying, TreeMap<LocalDate, List<Planned>> payments, long[] nanos) {
        long t0 = System.nanoTime();
        Map<String, Facts> loaded = customerFacts.loadAll(ids, run);
        long t1 = System.nanoTime();
        List<String> present = ids.stream().filter(loaded::containsKey).toList();
        long day = run.atOffset(ZoneOffset.UTC).toLocalDate().toEpochDay();
        List<DecisionResponse> responses = present.parallelStream().map(id -> {
            SplittableRandom rng = rng(options.seed(), number(options, id), day);
            return DecisionResponse.of(uuid7(run.toEpochMilli(), rng), engine.evaluate(loaded.get(id), ruleSet),
                    ruleSet.version());
        }).toList();
        long t2 = System.nanoTime();
        List<AuditEntry> entries = new ArrayList<>(responses.size());
        List<SentHistory.Sent> sends = new ArrayList<>(responses.size());
        long sent = 0;
        long complaints = 0;
        Instant end = options.asOf().atStartOfDay(ZoneOffset.UTC).toInstant();
        for (int i = 0; i < responses.size(); i++) {
            DecisionResponse r = responses.get(i);
            entries.add(new AuditEntry(r.decisionId(), r.asOf(), r.customerId(), PRINCIPAL, ENTRY_POINT,
                    ruleSet.version(), ruleSet.sources(), r.action(), r.channel(), r.tone(), r.trace(), r,
                    loaded.get(present.get(i))));
            DispatchRequest request = decisions.dispatchRequest(r);
            // A stream of its own per customer and day (after the one of its decision id), whatever the batch.
            SplittableRandom rng = rng(options.seed(), number(options, r.customerId()), day + 100_000);
            Outcome outcome = null;
            String route = sentHistory.route(request);
            if (route != null) {
                Instant at = run.plus(Duration.ofMinutes(5 + rng.nextInt(90)));
                if (r.notBefore() != null && r.notBefore().isAfter(at)) {
                    at = r.notBefore().plus(Duration.ofMinutes(rng.nextInt(30)));
                }
                outcome = Outcomes.outcome(r.channel(), r.tone(), r.stage(), rng);
                // A stream of its own, so that complaints leave every other draw as it was. By the route, which is
                // where the message went (an instruction to the billing system reaches no one to complain).
                Outcomes.Complained complaint = Outcomes.complaint(route, r.tone(), r.stage(), outcome,
                        rng(options.seed(), number(options, r.customerId()), day + 200_000));
                Instant complainedAt = complaint == null ? null : at.plus(complaint.after());
                if (complainedAt != null && complainedAt.isBefore(end)) {
                    sends.add(new SentHistory.Sent(request, at, outcome, complaint.kind(), complainedAt));
                    complaints++;
                } else {
                    sends.add(new SentHistory.Sent(request, at, outcome)); // none, or not reported by the as-of date
                }
                sent++;
            } else {
                sends.add(null);
            }
            planPayment(options, r, outcome, rng, paying, payments);
        }
        clock.now = run;
        List<AuditLog.Appended> appended = auditLog.appendAll(entries, new AuditLog.GroupWork() {
            @Override
            public void run(List<Integer> positions) {
                sentHistory.record(positions.stream().map(sends::get).filter(s -> s != null).toList());
            }

            @Override
            public void one(int position) {
                if (sends.get(position) != null) {
                    sentHistory.record(List.of(sends.get(position)));
                }
            }
        });
        for (AuditLog.Appended a : appended) {
            if (a.refused()) {
                throw new IllegalStateException("A generated decision was refused by the audit log: "
                        + a.refusedBy().getMessage(), a.refusedBy());
            }
        }
        nanos[1] += t1 - t0;
        nanos[2] += t2 - t1;
        nanos[3] += System.nanoTime() - t2;
        return new long[] {responses.size(), sent, complaints};
    }

    /** Whether, when and how much the customer pays after this decision (one payment in prospect at a time). */
    private void planPayment(Generator.Options options, DecisionResponse r, Outcome outcome, SplittableRandom rng,
            Map<String, LocalDate> paying, TreeMap<LocalDate, List<Planned>> payments) {
        double chance = Outcomes.payChance(outcome == null ? "NONE" : r.channel(), r.tone(), r.stage(), outcome);
        boolean pays = rng.nextDouble() < chance;
        boolean partial = rng.nextInt(100) < 20;
        double share = 0.3 + 0.4 * rng.nextDouble();
        int days = Outcomes.daysToPay(rng);
        int hour = 9 + rng.nextInt(10);
        if (!pays || r.invoiceIds().isEmpty() || paying.containsKey(r.customerId())) {
            return;
        }
        LocalDate day = r.asOf().atOffset(ZoneOffset.UTC).toLocalDate().plusDays(days);
        if (!day.isBefore(options.asOf())) {
            return; // not paid yet on the as-of date
        }
        paying.put(r.customerId(), day);
        payments.computeIfAbsent(day, d -> new ArrayList<>()).add(new Planned(r.customerId(), r.decisionId(), partial,
                share, List.copyOf(r.invoiceIds()), day.atStartOfDay(ZoneOffset.UTC).plusHours(hour).toInstant()));
    }

    /**
     * Records the day's payments through the service's own write (amount paid and status follow), in one transaction:
     * in full, every invoice the decision named; in part, a share of the first one.
     */
    private long pay(List<Planned> planned, Set<String> settled, Map<String, LocalDate> paying) {
        record Open(BigDecimal outstanding, String currency) {}
        Map<String, Open> open = new HashMap<>();
        List<String> invoiceIds = planned.stream().flatMap(p -> p.invoices().stream()).distinct().toList();
        jdbc.sql("SELECT id, amount - amount_paid, currency FROM invoices WHERE id IN (:ids) "
                        + "AND status IN ('OPEN', 'PARTIALLY_PAID')")
                .param("ids", invoiceIds)
                .query(rs -> {
                    open.put(rs.getString(1), new Open(rs.getBigDecimal(2), rs.getString(3)));
                });
        long[] count = new long[1];
        transactions.executeWithoutResult(status -> {
            for (Planned p : planned) {
                paying.remove(p.customerId());
                if (!p.partial()) {
                    settled.add(p.customerId());
                }
                int k = 0;
                for (String invoice : p.invoices()) {
                    Open o = open.get(invoice);
                    if (o == null || o.outstanding().signum() <= 0) {
                        continue;
                    }
                    BigDecimal amount = o.outstanding();
                    if (p.partial()) {
                        int digits = java.util.Currency.getInstance(o.currency()).getDefaultFractionDigits();
                        amount = amount.multiply(BigDecimal.valueOf(p.share())).setScale(Math.max(0, digits),
                                RoundingMode.HALF_UP);
                        if (amount.signum() <= 0 || amount.compareTo(o.outstanding()) >= 0) {
                            continue;
                        }
                    }
                    facts.recordPayment(invoice, new FactsService.NewPayment(amount, o.currency(), p.paidAt(),
                            "generated:" + p.decisionId() + ":" + ++k));
                    count[0]++;
                    if (p.partial()) {
                        break;
                    }
                }
            }
        });
        return count[0];
    }

    private static int number(Generator.Options options, String id) {
        return Integer.parseInt(id.substring(options.idPrefix().length()));
    }

    private static SplittableRandom rng(long seed, int n, long salt) {
        return new SplittableRandom((seed * 0x632BE59BD9B4E019L + n) * 0x9E3779B97F4A7C15L + salt);
    }

    /** A UUIDv7 of the run's millisecond with random bits from the generator's stream (time-ordered, repeatable). */
    static String uuid7(long millis, SplittableRandom rng) {
        long msb = (millis << 16) | 0x7000L | (rng.nextLong() & 0x0FFFL);
        long lsb = (rng.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb).toString();
    }
}
