package dev.dunning.rulesets;

import dev.dunning.decision.Decision;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Segment;
import dev.dunning.decision.TraceEntry;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleEvaluationException;
import dev.dunning.rules.RuleSet;
import dev.dunning.validation.CountryCode;
import dev.dunning.validation.Identifier;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import jakarta.annotation.PreDestroy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.json.JsonMapper;

/**
 * What-if: decides for stored customers with a candidate and with the active version, side by side, and reports what
 * would change. Evaluation only: nothing is written, not to the audit log and not anywhere else, so a simulation can
 * be run as often as a reviewer likes.
 */
@Service
public class RuleSetSimulation {

    /** The most customers one simulation request evaluates; a filter narrows larger populations. */
    public static final int MAX_CUSTOMERS = 100_000;

    /** The most customer ids one request may name; MariaDB takes at most 65,535 parameters in a statement. */
    public static final int MAX_CUSTOMER_IDS = 10_000;

    /**
     * Which customers: all, or those named, or those of a segment or country (filters combine). Checked by the caller
     * (RuleSetController) before a simulation starts: an unknown segment or a negative page is a mistake to show, not
     * a filter that quietly matches nobody.
     *
     * @param asOf the instant to decide as of; now when null
     * @param page 0-based page of the changed customers
     * @param size changed customers per page (at most 500)
     */
    public record Request(
            Instant asOf,
            @Size(max = MAX_CUSTOMER_IDS) List<@NotBlank @Size(max = 64) @Identifier(key = true) String> customerIds,
            Segment segment,
            @CountryCode String country,
            @Min(0) @Max(100_000) Integer page,
            @Min(1) @Max(500) Integer size) {

        /** The page asked for, the first when none was. */
        public int pageNumber() {
            return page == null ? 0 : page;
        }

        /** Changed customers per page, 50 when not said. */
        public int pageSize() {
            return size == null ? 50 : size;
        }
    }

    /** How often one value became another, e.g. REMINDER -> FINAL_NOTICE: 12. */
    public record Transition(String from, String to, long count, List<String> examples) {}

    /** One side of a changed customer: what was decided and the rules that decided it. */
    public record Outcome(String action, String channel, String tone, int stage, List<String> rules) {

        static Outcome of(Decision d) {
            return new Outcome(d.getAction(), d.getChannel(), d.getTone(), d.getStage(),
                    d.getTrace().stream().filter(t -> !t.overridden()).map(Outcome::where).toList());
        }

        static String where(TraceEntry t) {
            return where(t.rule(), t.source(), t.sheet(), t.row(), t.line());
        }

        static String where(String rule, String source, String sheet, Integer row, Integer line) {
            String place = sheet != null ? source + "!" + sheet + " row " + row
                    : source + (line != null ? ":" + line : "");
            return rule + " (" + place + ")";
        }
    }

    public record Change(String customerId, Outcome active, Outcome candidate) {}

    /**
     * The summary and one page of changed customers.
     *
     * @param actions every action transition, unchanged ones included (the diagonal of the matrix)
     * @param channels channel changes only
     * @param tones tone changes only
     * @param failedCount customers one of the versions could not decide for
     * @param failed the first {@value #KEPT_FAILURES} of them, with the reason
     */
    public record Result(String candidate, String active, Instant asOf, long customers, long changed,
            List<Transition> actions, List<Transition> channels, List<Transition> tones, long failedCount,
            Map<String, String> failed, Coverage coverage, int page, int size, List<Change> changes) {}

    /** How often a rule (a DRL rule or a table row) fired over the simulation, under one version. */
    public record RuleCount(String rule, long firings) {}

    /**
     * Which rules of each version fired over the simulated customers, and which never did: a row that never fires
     * over the real population is dead or shadowed by an earlier row.
     */
    public record Coverage(List<RuleCount> candidateFired, List<String> candidateNeverFired,
            List<RuleCount> activeFired, List<String> activeNeverFired) {}

    /**
     * A simulation in the background: QUEUED (behind another one on the instance that took it), RUNNING with its
     * progress, then DONE with the result or FAILED with the reason. Stored in the database, so any instance answers.
     */
    public record Job(String id, String candidate, String requestedBy, String status, long total, long done,
            Instant startedAt, Instant finishedAt, String error, Result result) {}

    private static final int EXAMPLES = 5;
    /** Customers whose facts are loaded together. */
    static final int CHUNK = 500;
    /** Changed customers a background job keeps for paging; beyond this only the counts grow. */
    public static final int KEPT_CHANGES = 10_000;
    /**
     * A job whose instance has been silent this long has died with it. Well above the connection pool's 30 s wait,
     * so a heartbeat held up by a busy pool does not declare live jobs dead.
     */
    static final Duration SILENCE = Duration.ofMinutes(2);
    /** Progress is written this often at most. */
    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);
    /** Finished results parsed and kept for paging through them. */
    private static final int CACHED_RESULTS = 4;
    /** Failed customers listed with their reason; beyond this only {@code failedCount} grows. */
    static final int KEPT_FAILURES = 1_000;
    /** Background jobs one instance holds (running and queued); a further one is refused until one finishes. */
    public static final int MAX_QUEUED = 5;

    private static final Logger log = LoggerFactory.getLogger(RuleSetSimulation.class);

    /** Runs the jobs one at a time; replaced when a job is stuck in it (see {@link #stall}). */
    private volatile ExecutorService background = newBackground();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "rule-set-simulation-heartbeat"));
    private final Map<String, Full> results = Collections.synchronizedMap(new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Full> eldest) {
            return size() > CACHED_RESULTS;
        }
    });
    /**
     * The jobs this instance holds, queued or running (at most {@link #MAX_QUEUED}), each with when it last moved:
     * only these get its sign of life.
     */
    private final Map<String, AtomicLong> held = new ConcurrentHashMap<>();
    /** The job running now, if any. */
    private volatile String running;
    /** This instance, as its jobs name it: process and host, and which application context within the process. */
    private final String instanceId = ManagementFactory.getRuntimeMXBean().getName() + "/"
            + UUID.randomUUID().toString().substring(0, 8);

    private final RuleSetLifecycle lifecycle;
    private final CustomerFacts customerFacts;
    private final DecisionEngine engine;
    private final JdbcClient jdbc;
    private final SimulationJobs jobs;
    private final JsonMapper json;
    private final Duration retention;
    /** How often the instance running background jobs says it still is (dunning.rule-sets.simulation-heartbeat). */
    private final Duration heartbeatEvery;
    /**
     * A running job whose progress has not moved for this long is stuck (a rule that never returns: a loop inside one
     * consequence, which no firing limit sees); dunning.rule-sets.simulation-stall. A chunk takes well under a second.
     */
    private final Duration stall;
    private final Clock clock;

    public RuleSetSimulation(RuleSetLifecycle lifecycle, CustomerFacts customerFacts, DecisionEngine engine,
            JdbcClient jdbc, SimulationJobs jobs, JsonMapper json, RuleSetProperties properties, Clock clock) {
        this.lifecycle = lifecycle;
        this.customerFacts = customerFacts;
        this.engine = engine;
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.json = json;
        this.retention = properties.simulationRetention();
        this.heartbeatEvery = properties.simulationHeartbeat();
        this.stall = properties.simulationStall();
        this.clock = clock;
        log.info("Background simulations started here are recorded as run by {}", instanceId);
        heartbeat.scheduleWithFixedDelay(this::beat, heartbeatEvery.toMillis(), heartbeatEvery.toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /** Runs within the call and answers with the summary and one page of changed customers. */
    public Result simulate(String candidateVersion, Request request) {
        RuleSet candidate = lifecycle.compiled(candidateVersion);
        List<String> ids = customerIds(request);
        int size = request.pageSize();
        int kept = (int) Math.min(KEPT_CHANGES, (long) request.pageNumber() * size + size);
        return run(candidate, request, ids, kept, done -> { }).page(request.pageNumber(), size);
    }

    /**
     * Starts a simulation in the background (one at a time per instance, in order) and returns its job at once;
     * poll {@link #job} on any instance for progress and, when done, the result paged as asked.
     */
    public Job start(String candidateVersion, Request request, String requestedBy) {
        String id = UUID.randomUUID().toString();
        synchronized (held) { // the place is taken before the work, so that concurrent requests cannot all pass
            if (held.size() >= MAX_QUEUED) {
                throw new SimulationsBusyException(held.size());
            }
            held.put(id, new AtomicLong(System.nanoTime()));
        }
        try {
            RuleSet candidate = lifecycle.compiled(candidateVersion);
            List<String> ids = customerIds(request);
            Instant now = clock.instant();
            int forgotten = jobs.forget(now.minus(retention), now, SILENCE);
            if (forgotten > 0) {
                log.info("Forgot {} background simulation(s) finished before {}", forgotten, now.minus(retention));
            }
            jobs.insert(id, candidate.version(), requestedBy, instanceId, ids.size(), now, request);
            try {
                background.submit(() -> runJob(id, candidate, request, ids));
            } catch (RejectedExecutionException e) {
                held.remove(id);
                jobs.failed(id, "the instance is shutting down; start it again", clock.instant());
            }
        } catch (RuntimeException e) {
            held.remove(id);
            throw e;
        }
        return job(id, 0, request.pageSize()).orElseThrow();
    }

    /** A background simulation by id, with the page of changed customers asked for. */
    public Optional<Job> job(String id, int page, int size) {
        return jobs.find(id, clock.instant(), SILENCE).map(row -> {
            Result result = null;
            if (row.status() == SimulationJobs.Status.DONE) {
                // Read and parsed outside the cache's lock: a large result must not hold up other polls.
                Full full = results.get(id);
                if (full == null) {
                    full = jobs.result(id).map(this::read).orElse(null);
                    if (full != null) {
                        results.putIfAbsent(id, full);
                    }
                }
                result = full == null ? null : full.page(page, size);
            }
            return new Job(row.id(), row.candidate(), row.requestedBy(), row.status().name(), row.total(),
                    row.done(), row.startedAt(), row.finishedAt(), row.error(), result);
        });
    }

    private void runJob(String id, RuleSet candidate, Request request, List<String> ids) {
        AtomicLong moved = held.get(id);
        if (moved == null) {
            return; // given up on while queued
        }
        moved.set(System.nanoTime());
        running = id;
        try {
            if (!jobs.progress(id, 0)) {
                log.warn("Background simulation {} was ended elsewhere before it started", id);
                return;
            }
            AtomicLong written = new AtomicLong(System.nanoTime());
            Full full = run(candidate, request, ids, KEPT_CHANGES, done -> {
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("the instance is stopping");
                }
                long now = System.nanoTime();
                moved.set(now);
                if (now - written.get() >= PROGRESS_EVERY.toNanos()) { // progress a few times a second at most
                    written.set(now);
                    if (!jobs.progress(id, done)) {
                        throw new CancellationException("the job was ended elsewhere");
                    }
                }
            });
            SimulationJobs.Counts counts = new SimulationJobs.Counts(full.active(), full.asOf(), full.customers(),
                    full.changed(), full.failedCount());
            if (!jobs.done(id, ids.size(), write(full), counts, clock.instant())) {
                log.warn("Background simulation {} finished, but had been marked failed meanwhile; its result is "
                        + "dropped", id);
            }
        } catch (Throwable e) {
            // Everything, Errors included (a StackOverflowError from a recursive rule function): a job must not stay
            // RUNNING with nobody running it.
            log.warn("Background simulation {} of {} failed: {}", id, candidate.version(), e.toString());
            try {
                jobs.failed(id, e instanceof CancellationException
                        ? "the instance running it stopped before it finished (" + e.getMessage() + "); start it again"
                        : e.getClass().getSimpleName() + ": " + e.getMessage(), clock.instant());
            } catch (RuntimeException recording) {
                // The database is away: the job's sign of life stops with it (below), so it fails after SILENCE.
                log.error("Could not record that background simulation {} failed: {}", id, recording.toString());
            }
        } finally {
            held.remove(id);
            if (id.equals(running)) {
                running = null;
            }
        }
    }

    private void beat() {
        try {
            giveUpOnAStuckJob();
            if (!held.isEmpty()) {
                jobs.heartbeat(Set.copyOf(held.keySet()));
            }
        } catch (RuntimeException e) {
            log.warn("Could not record that background simulations on {} are alive: {}", instanceId, e.toString());
        }
    }

    /**
     * A running job that has not moved for {@link #stall} is failed and its thread left behind: the thread cannot be
     * stopped (a loop in a rule does not look at interrupts), but the jobs queued behind it move to a new one.
     */
    private void giveUpOnAStuckJob() {
        String id = running;
        AtomicLong moved = id == null ? null : held.get(id);
        if (moved == null || System.nanoTime() - moved.get() < stall.toNanos()) {
            return;
        }
        log.error("Background simulation {} has made no progress for {}: a rule that never returns? Its thread is "
                + "abandoned and the jobs queued behind it go on in a new one", id, stall);
        held.remove(id);
        running = null;
        jobs.failed(id, "it made no progress for " + stall.toSeconds() + " s, so it was given up (a rule that "
                + "never returns, such as a loop inside a consequence, is the usual cause); check the candidate's "
                + "rules", clock.instant());
        ExecutorService stuck = background;
        background = newBackground();
        for (Runnable queued : stuck.shutdownNow()) {
            background.submit(queued);
        }
    }

    private static ExecutorService newBackground() {
        return Executors.newSingleThreadExecutor(r -> daemon(r, "rule-set-simulation"));
    }

    private byte[] write(Full full) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(bytes)) {
            json.writeValue(gzip, full);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private Full read(byte[] stored) {
        try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(stored))) {
            return json.readValue(gzip, Full.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        heartbeat.shutdownNow();
        background.shutdownNow();
        background.awaitTermination(10, TimeUnit.SECONDS);
        // What did not finish fails now rather than in SILENCE: asking for it shows why at once.
        try {
            jobs.failAll(instanceId, "the instance running it (" + instanceId + ") was shut down before it finished; "
                    + "start it again", clock.instant());
        } catch (RuntimeException e) {
            log.warn("Could not mark this instance's unfinished background simulations failed ({}); they are reported "
                    + "failed {} after their last sign of life", e.getMessage(), SILENCE);
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Everything a run found; {@code changes} holds the first {@code kept} changed customers. A background job's is
     * stored as JSON.
     */
    record Full(String candidate, String active, Instant asOf, long customers, long changed,
            List<Transition> actions, List<Transition> channels, List<Transition> tones, long failedCount,
            Map<String, String> failed, Coverage coverage, List<Change> changes) {

        Result page(int page, int size) {
            int from = (int) Math.min((long) page * size, changes.size());
            int to = (int) Math.min((long) from + size, changes.size());
            return new Result(candidate, active, asOf, customers, changed, actions, channels, tones, failedCount,
                    failed, coverage, page, size, changes.subList(from, to));
        }
    }

    private Full run(RuleSet candidate, Request request, List<String> ids, int kept, LongConsumer progress) {
        RuleSet active = lifecycle.serving();
        Instant asOf = request.asOf() == null ? clock.instant() : request.asOf();
        Map<String, Tally> actions = new TreeMap<>();
        Map<String, Tally> channels = new TreeMap<>();
        Map<String, Tally> tones = new TreeMap<>();
        Map<String, String> failed = new TreeMap<>();
        Map<String, Long> candidateFired = new TreeMap<>();
        Map<String, Long> activeFired = new TreeMap<>();
        List<Change> changes = new ArrayList<>();
        long changed = 0;
        long failedCount = 0;
        for (int from = 0; from < ids.size(); from += CHUNK) {
            // Facts for a chunk in a few set-based queries, both versions evaluated on all cores, tallied in order.
            List<String> chunk = ids.subList(from, Math.min(ids.size(), from + CHUNK));
            Map<String, Facts> facts = customerFacts.loadAll(chunk, asOf);
            List<Pair> pairs = chunk.parallelStream().map(id -> evaluate(id, facts.get(id), active, candidate))
                    .toList();
            for (Pair pair : pairs) {
                String id = pair.customerId();
                if (pair.failure() != null) {
                    failedCount++;
                    if (failed.size() < KEPT_FAILURES) {
                        failed.put(id, pair.failure());
                    }
                    continue;
                }
                Decision before = pair.before();
                Decision after = pair.after();
                before.getTrace().forEach(t -> activeFired.merge(Outcome.where(t), 1L, Long::sum));
                after.getTrace().forEach(t -> candidateFired.merge(Outcome.where(t), 1L, Long::sum));
                tally(actions, before.getAction(), after.getAction(), id);
                if (!Objects.equals(before.getChannel(), after.getChannel())) {
                    tally(channels, before.getChannel(), after.getChannel(), id);
                }
                if (!Objects.equals(before.getTone(), after.getTone())) {
                    tally(tones, String.valueOf(before.getTone()), String.valueOf(after.getTone()), id);
                }
                Outcome a = Outcome.of(before);
                Outcome b = Outcome.of(after);
                if (!a.action().equals(b.action()) || !Objects.equals(a.channel(), b.channel())
                        || !Objects.equals(a.tone(), b.tone()) || a.stage() != b.stage()) {
                    if (changes.size() < kept) {
                        changes.add(new Change(id, a, b));
                    }
                    changed++;
                }
            }
            progress.accept(from + chunk.size());
        }
        Coverage coverage = new Coverage(counts(candidateFired), neverFired(candidate, candidateFired),
                counts(activeFired), neverFired(active, activeFired));
        return new Full(candidate.version(), active.version(), asOf, ids.size() - failedCount, changed,
                transitions(actions), transitions(channels), transitions(tones), failedCount, failed, coverage,
                changes);
    }

    /** One customer decided by both versions, or why it could not be. */
    private record Pair(String customerId, Decision before, Decision after, String failure) {}

    private Pair evaluate(String customerId, Facts facts, RuleSet active, RuleSet candidate) {
        if (facts == null) {
            return new Pair(customerId, null, null, "no such customer");
        }
        try {
            return new Pair(customerId, engine.evaluate(facts, active), engine.evaluate(facts, candidate), null);
        } catch (RuntimeException e) {
            // Facts that break evaluation (a rule failing on them, an invariant violated) fail this customer only.
            return new Pair(customerId, null, null, e instanceof RuleEvaluationException ? e.getMessage()
                    : e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    private static List<RuleCount> counts(Map<String, Long> fired) {
        return fired.entrySet().stream().map(e -> new RuleCount(e.getKey(), e.getValue()))
                .sorted(Comparator.comparingLong((RuleCount c) -> -c.firings()).thenComparing(RuleCount::rule))
                .toList();
    }

    /** Every rule of a version (DRL rule or table row) that did not fire for any simulated customer. */
    private static List<String> neverFired(RuleSet ruleSet, Map<String, Long> fired) {
        List<String> never = new ArrayList<>();
        for (var pkg : ruleSet.kieBase().getKiePackages()) {
            for (var rule : pkg.getRules()) {
                var origin = ruleSet.origin(pkg.getName(), rule.getName());
                String where = Outcome.where(rule.getName(), origin == null ? null : origin.source(),
                        origin == null ? null : origin.sheet(), origin == null ? null : origin.row(),
                        origin == null ? null : origin.line());
                if (!fired.containsKey(where)) {
                    never.add(where);
                }
            }
        }
        return never.stream().sorted().toList();
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
            params.add(request.segment().name());
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
                .sorted(Comparator.comparingLong((Tally t) -> -t.count))
                .map(t -> new Transition(t.from, t.to, t.count, List.copyOf(t.examples)))
                .toList();
    }
}
