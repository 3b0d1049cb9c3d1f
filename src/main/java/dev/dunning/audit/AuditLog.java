package dev.dunning.audit;

import dev.dunning.database.Sql;
import dev.dunning.database.Unreachable;
import dev.dunning.decision.TraceEntry;
import dev.dunning.rules.RuleSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.util.RawValue;

/**
 * Appends decisions to the hash-chained log. {@link #append} returns only once the record is committed: callers
 * never hand out a decision the log does not hold. Throughput comes from group commit: a writer thread takes every
 * record waiting and writes them in one transaction, under a lock on the chain's head row, so that several instances
 * of the service still append to one unbroken chain.
 *
 * <p>Two writer threads, each with its own connection, form a pipeline so that a group's commit is mostly its
 * {@code fsync}: while one group's commit waits for the disk, the other thread takes the records that queued meanwhile
 * and writes them. Two turns keep the chain's order and durability: the <em>write turn</em> passes to the other
 * thread only once a group's statements are all written and it is about to commit (so groups are written in the
 * queue's order, and a group that is written again after a passing conflict still comes before the next); the next
 * group's transaction then waits for the chain head's row lock, which InnoDB releases when it commits in memory, just
 * before it flushes the log, and so reads the head the previous group left. The <em>commit turn</em> lets a group
 * issue its COMMIT only after the previous group's COMMIT has returned, so groups become durable in the chain's order
 * and no caller is answered before every record before its own is durable.
 */
@Service
public class AuditLog {

    private static final Logger log = LoggerFactory.getLogger(AuditLog.class);

    /**
     * The receipt of a durable record: its place in the chain and its hash, and the decision as the record holds it
     * ({@code output}: its canonical JSON, the very bytes the chain's hash covers), which a caller can answer with
     * instead of mapping the decision to JSON again.
     */
    public record Receipt(long seq, String hash, Instant recordedAt, String output) {}

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate transactions;
    private final AuditProperties properties;
    private final Clock clock;
    private final JsonMapper canonical;
    private final BlockingQueue<Pending> queue;
    private final Set<String> storedVersions = ConcurrentHashMap.newKeySet();
    private final List<Thread> writers;
    /** Held by the writer that takes and writes a group, until that group is about to commit (see the class doc). */
    private final Semaphore writeTurn = new Semaphore(1);
    /** Held by the writer whose COMMIT is in flight: the next group's COMMIT waits for it to return. */
    private final Semaphore commitTurn = new Semaphore(1);
    private final Counter written;
    private final Counter failed;
    private final DistributionSummary batchSizes;
    private final Timer commits;
    private volatile boolean running = true;

    public AuditLog(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate transactions, AuditProperties properties, Clock clock,
            JsonMapper json, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        // Canonical JSON: properties and map keys in alphabetical order, no whitespace. The hash covers these bytes.
        this.canonical = CanonicalJson.of(json);
        this.queue = new ArrayBlockingQueue<>(properties.queueCapacity());
        this.written = Counter.builder("dunning.audit.records").description("Decisions made durable in the audit log")
                .register(meters);
        this.failed = Counter.builder("dunning.audit.failures")
                .description("Decisions refused because the audit log could not hold them").register(meters);
        this.batchSizes = DistributionSummary.builder("dunning.audit.batch.size")
                .description("Decisions per audit transaction (group commit)").register(meters);
        this.commits = Timer.builder("dunning.audit.batch.write")
                .description("Time to write and commit one audit batch").register(meters);
        Gauge.builder("dunning.audit.queue", queue, BlockingQueue::size)
                .description("Decisions waiting to be written to the audit log").register(meters);
        List<Thread> threads = new ArrayList<>(WRITERS);
        for (int i = 1; i <= WRITERS; i++) {
            Thread writer = new Thread(this::writeLoop, "audit-writer-" + i);
            writer.setDaemon(true);
            threads.add(writer);
        }
        this.writers = List.copyOf(threads);
        this.writers.forEach(Thread::start);
    }

    /** Writer threads: two make the pipeline (one group's statements while the other's commit reaches the disk). */
    static final int WRITERS = 2;

    /** A writer's hold on the write turn, given back once: when its group is about to commit, or when it is done. */
    private final class Turn {
        private boolean held;

        void take() throws InterruptedException {
            writeTurn.acquire();
            held = true;
        }

        boolean held() {
            return held;
        }

        void giveBack() {
            if (held) {
                held = false;
                writeTurn.release();
            }
        }
    }

    /**
     * A record serialised and waiting for its place in the chain. {@code state} settles who decides its fate when the caller stops waiting: the writer takes
     * it ({@link #WRITING}) before its first attempt to write it, or the caller gives it up ({@link #GIVEN_UP}) first;
     * a record given up is never written, and a caller whose record is being written waits for the outcome. So a
     * caller told that its decision was not recorded can rely on it.
     */
    private record Pending(AuditEntry entry, Instant recordedAt, String output, String content, String facts,
            String factsHash,
            Runnable inSameTransaction, GroupWork group, int position, CompletableFuture<Receipt> done,
            AtomicInteger state) {

        boolean take() {
            return state.compareAndSet(WAITING, WRITING) || state.get() == WRITING;
        }

        boolean giveUp() {
            return state.compareAndSet(WAITING, GIVEN_UP);
        }
    }

    private static final int WAITING = 0;
    private static final int WRITING = 1;
    private static final int GIVEN_UP = 2;

    /**
     * What a decision's record became: its receipt, or the failure of the work that had to commit with it, which
     * refused that decision alone (nothing of it was kept).
     */
    public record Appended(Receipt receipt, Throwable refusedBy) {

        public boolean refused() {
            return refusedBy != null;
        }
    }

    /** How a refused record's future completes: tells a refusal of this record apart from a failed group commit. */
    private static final class Refused extends RuntimeException {
        Refused(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }

    /**
     * Work that commits with the records of a batch as a group (a dispatching run's chunk: its outbox entries written
     * with set-based statements, not decision by decision). The writer calls {@link #run} once for each run of the
     * batch's records that one transaction writes one after the other, with their positions in the list given to
     * {@link #appendAll(List, GroupWork)}, in the chain's order; records of other callers may come before or after such
     * a run, never inside it. {@link #one} is the same work for one record alone: if {@link #run} fails for a reason
     * that does not pass, the writer cannot tell which record's work it could not do, so it writes the batch again
     * calling {@link #one} record by record, and a record whose work fails is refused alone, as with
     * {@link #appendAll(List, List)}. So {@link #run} for some positions must write what {@link #one} for each of them,
     * in order, would write.
     */
    public interface GroupWork {

        void run(List<Integer> positions);

        void one(int position);
    }

    /** Group work failed: which one, so that its records can be written one by one instead. */
    private static final class GroupFailed extends RuntimeException {
        final transient GroupWork group;

        GroupFailed(GroupWork group, RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.group = group;
        }
    }

    /** Group writes met with a passing conflict before the conflict counts as a failure. */
    public static final int TRANSIENT_RETRIES = 3;

    /** Work that had to commit with a record failed: only that record is refused, the rest of its batch is retried. */
    private static final class CompanionFailed extends RuntimeException {
        final transient Pending pending;

        CompanionFailed(Pending pending, RuntimeException cause) {
            super(cause.getMessage(), cause);
            this.pending = pending;
        }
    }

    /**
     * Records the decision and waits until it is committed.
     *
     * @throws AuditUnavailableException if it could not be made durable in time; the decision must then not be used
     */
    public Receipt append(AuditEntry entry) {
        return append(entry, null);
    }

    /**
     * Records the decision and, in the same transaction, {@code inSameTransaction} (e.g. the decision's outbox entry):
     * both are committed or neither. It runs on the audit writer's thread after the record is written, with the
     * writer's transaction bound (JdbcClient and {@code @Transactional} code join it), and must be short: it delays
     * the group it commits with. If it throws, this decision is refused (and nothing of it kept) while the other
     * decisions of its group are written without it.
     *
     * @throws AuditUnavailableException if the record or the work could not be made durable in time
     */
    public Receipt append(AuditEntry entry, Runnable inSameTransaction) {
        Pending pending = pending(entry, inSameTransaction, null, -1);
        enqueue(pending);
        return await(pending);
    }

    /**
     * Records the decisions of a batch (a run's chunk) and waits until all are committed: queued together, they share
     * few group-commit transactions. Those already queued when one is refused are still written.
     *
     * @throws AuditUnavailableException if any could not be made durable in time
     */
    public List<Receipt> appendAll(List<AuditEntry> entries) {
        List<Pending> pendings = entries.stream().map(e -> pending(e, null, null, -1)).toList();
        pendings.forEach(this::enqueue);
        return pendings.stream().map(this::await).toList();
    }

    /**
     * Records the decisions of a batch, each with its own work to commit in the same transaction (a dispatching run's
     * outbox entries), and waits until all are settled. {@code inSameTransaction.get(i)} belongs to
     * {@code entries.get(i)} (null: none) and runs as in {@link #append(AuditEntry, Runnable)}: record and work commit
     * together or not at all. A decision whose work throws is refused alone: its result carries the failure and nothing
     * of it is kept, while the other decisions are written; the caller decides what a refusal means for it.
     *
     * @throws AuditUnavailableException if any could not be made durable for another reason (the log is down, slow, or
     *     refused the group)
     */
    public List<Appended> appendAll(List<AuditEntry> entries, List<Runnable> inSameTransaction) {
        if (entries.size() != inSameTransaction.size()) {
            throw new IllegalArgumentException("appendAll: " + entries.size() + " entries but "
                    + inSameTransaction.size() + " same-transaction works; give one (or null) per entry");
        }
        List<Pending> pendings = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            pendings.add(pending(entries.get(i), inSameTransaction.get(i), null, -1));
        }
        pendings.forEach(this::enqueue);
        return pendings.stream().map(this::settle).toList();
    }

    /**
     * Records the decisions of a batch with work that commits with them as a group ({@link GroupWork}: a dispatching
     * run's outbox entries, written set-based), and waits until all are settled. The guarantees are those of
     * {@link #appendAll(List, List)}: each record commits with its part of the work or not at all, and a decision whose
     * part of the work fails is refused alone, its result carrying the failure, while the others are written.
     *
     * @throws AuditUnavailableException if any could not be made durable for another reason (the log is down, slow, or
     *     refused the group)
     */
    public List<Appended> appendAll(List<AuditEntry> entries, GroupWork work) {
        List<Pending> pendings = new ArrayList<>(entries.size());
        for (int i = 0; i < entries.size(); i++) {
            pendings.add(pending(entries.get(i), null, work, i));
        }
        pendings.forEach(this::enqueue);
        return pendings.stream().map(this::settle).toList();
    }

    private Pending pending(AuditEntry entry, Runnable inSameTransaction, GroupWork group, int position) {
        Instant recordedAt = clock.instant();
        String facts = canonical.writeValueAsString(entry.facts());
        String factsHash = Hashes.sha256(facts);
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("asOf", entry.asOf());
        content.put("customerId", entry.customerId());
        // Mapped once: the record's content embeds these bytes as they are, and the receipt hands them back.
        String output = canonical.writeValueAsString(entry.output());
        content.put("decision", new RawValue(output));
        content.put("decisionId", entry.decisionId());
        content.put("entryPoint", entry.entryPoint());
        content.put("factsHash", factsHash);
        content.put("principal", entry.principal());
        content.put("recordedAt", recordedAt);
        content.put("ruleSetVersion", entry.ruleSetVersion());
        if (entry.runId() != null) {
            // Only run decisions carry it, so the content of every other record stays as it was.
            content.put("runId", entry.runId());
        }
        if (entry.testId() != null) {
            // Likewise only decisions of a champion/challenger test: the arm is chained, older records unchanged.
            content.put("testId", entry.testId());
            content.put("arm", entry.arm());
        }
        return new Pending(entry, recordedAt, output, canonical.writeValueAsString(content), facts, factsHash,
                inSameTransaction, group, position, new CompletableFuture<>(), new AtomicInteger(WAITING));
    }

    private void enqueue(Pending pending) {
        if (!running || !queue.offer(pending)) {
            throw new AuditUnavailableException("The audit log is not accepting records (shutting down or "
                    + properties.queueCapacity() + " records already waiting)", null);
        }
    }

    private Receipt await(Pending pending) {
        Appended appended = settle(pending);
        if (appended.refused()) {
            throw new AuditUnavailableException("The decision could not be written to the audit log: "
                    + appended.refusedBy().getMessage(), appended.refusedBy());
        }
        return appended.receipt();
    }

    /** The record's receipt or its refusal; any other failure throws. */
    private Appended settle(Pending pending) {
        try {
            try {
                return new Appended(pending.done.get(properties.writeTimeout().toMillis(), TimeUnit.MILLISECONDS),
                        null);
            } catch (TimeoutException e) {
                if (pending.giveUp()) {
                    throw e; // the writer had not taken it: it never will
                }
                // The writer is writing it (a slow or repeated group commit): its outcome decides, not the clock.
                return new Appended(pending.done.get(properties.writeTimeout().toMillis(), TimeUnit.MILLISECONDS),
                        null);
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Refused refused) {
                return new Appended(null, refused.getCause());
            }
            throw new AuditUnavailableException("The decision could not be written to the audit log: "
                    + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new AuditUnavailableException("The audit log did not confirm the decision within "
                    + properties.writeTimeout().toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AuditUnavailableException("Interrupted while waiting for the audit log", e);
        }
    }

    private void writeLoop() {
        // Each writer its own: the ids a transaction learns are remembered once it has committed (AuditRules).
        AuditRules rules = new AuditRules(jdbc, jdbcTemplate);
        List<Pending> batch = new ArrayList<>(properties.maxBatch());
        while (running || !queue.isEmpty()) {
            Turn turn = new Turn();
            try {
                turn.take();
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, properties.maxBatch() - 1);
                writeRefusingFailedCompanions(batch, rules, turn);
                if (!batch.isEmpty()) {
                    batchSizes.record(batch.size());
                    written.increment(batch.size());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                rules.rolledBack();
                if (Unreachable.causedBy(e)) {
                    // Records queued meanwhile would each wait another connection timeout behind this one: they fail
                    // now, the same way, so that every caller hears within about one timeout (503, Retry-After).
                    List<Pending> waiting = new ArrayList<>();
                    queue.drainTo(waiting);
                    waiting.removeIf(p -> !p.take());
                    batch.addAll(waiting);
                    log.error("Writing {} audit records failed, the database is unreachable ({}); their callers get "
                            + "503", batch.size(), e.getMessage());
                } else {
                    log.error("Writing {} audit records failed; their callers get 503", batch.size(), e);
                }
                failed.increment(batch.size());
                batch.forEach(p -> p.done.completeExceptionally(e));
            } finally {
                turn.giveBack();
                batch.clear();
            }
        }
    }

    /**
     * Writes the batch; a record whose same-transaction work fails is refused alone and the rest written again. A
     * passing conflict (a deadlock, a lock wait that timed out: MariaDB then rolls back the whole transaction) is
     * not a refusal: the whole group is written again, up to {@value #TRANSIENT_RETRIES} times.
     */
    private void writeRefusingFailedCompanions(List<Pending> batch, AuditRules rules, Turn turn) {
        int transientFailures = 0;
        // Group work that failed for a lasting reason: its records' work is done one by one from then on.
        Set<GroupWork> oneByOne = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        while (true) {
            // Records whose callers stopped waiting before the writer took them are not written (see Pending).
            batch.removeIf(p -> !p.take());
            if (batch.isEmpty()) {
                return;
            }
            try {
                commits.record(() -> write(batch, oneByOne, rules, turn));
                return;
            } catch (RuntimeException e) {
                if (!turn.held()) {
                    // The commit failed: the next group may be written already, so this one is not written again.
                    throw e;
                }
                Throwable cause = e instanceof CompanionFailed || e instanceof GroupFailed ? e.getCause() : e;
                if (passingConflict(cause) && transientFailures < TRANSIENT_RETRIES) {
                    transientFailures++;
                    rules.rolledBack();
                    log.info("Writing {} audit records met a passing conflict ({}); writing them again ({} of {})",
                            batch.size(), cause.getClass().getSimpleName(), transientFailures, TRANSIENT_RETRIES);
                    pauseBeforeRetry(transientFailures, e);
                } else if (e instanceof GroupFailed g) {
                    rules.rolledBack();
                    log.info("Work to commit with a group of audit records failed ({}); writing them again with each "
                            + "record's work done alone, to refuse only the records whose work fails", e.getMessage());
                    oneByOne.add(g.group);
                } else if (e instanceof CompanionFailed c) {
                    refuse(batch, c, rules); // the loop writes the others again, or ends if none is left
                } else {
                    throw e;
                }
            }
        }
    }

    /** Lets the other transaction of the conflict finish first. */
    private static void pauseBeforeRetry(int attempt, RuntimeException conflict) {
        try {
            Thread.sleep(20L * attempt);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw conflict;
        }
    }

    /**
     * A deadlock (1213) or a lock wait that ran out (1205): gone if tried again. Spring reports the first as a
     * TransientDataAccessException, but MariaDB gives the second the generic SQL state HY000, which Spring leaves
     * uncategorized, so the error code is looked at too.
     */
    static boolean passingConflict(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException
                    || t instanceof SQLException sql && (sql.getErrorCode() == 1205 || sql.getErrorCode() == 1213)) {
                return true;
            }
        }
        return false;
    }

    private void refuse(List<Pending> batch, CompanionFailed e, AuditRules rules) {
        rules.rolledBack();
        log.warn("Work to commit with decision {} failed; that decision is refused, {} others are written again",
                e.pending.entry.decisionId(), batch.size() - 1, e.getCause());
        failed.increment();
        e.pending.done.completeExceptionally(new Refused(e.getCause()));
        batch.remove(e.pending);
    }

    /**
     * Writes the group in one transaction and commits it in turn: the statements while holding the write turn, which
     * passes to the other writer just before the commit; the commit once the previous group's has returned.
     */
    private void write(List<Pending> batch, Set<GroupWork> oneByOne, AuditRules rules, Turn turn) {
        Set<String> newVersions = new java.util.HashSet<>();
        PlatformTransactionManager manager = transactions.getTransactionManager();
        TransactionStatus status = manager.getTransaction(transactions);
        List<Receipt> receipts;
        try {
            receipts = writeStatements(batch, oneByOne, rules, newVersions);
        } catch (RuntimeException | Error e) {
            try {
                manager.rollback(status);
            } catch (RuntimeException rollback) {
                e.addSuppressed(rollback);
            }
            throw e;
        }
        // From here this group is not written again: the next may be written while this one commits.
        turn.giveBack();
        commitTurn.acquireUninterruptibly();
        try {
            manager.commit(status);
        } finally {
            commitTurn.release();
        }
        storedVersions.addAll(newVersions);
        rules.committed();
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).done.complete(receipts.get(i));
        }
    }

    /** The group's statements in the current transaction, under the lock on the chain's head; its receipts. */
    private List<Receipt> writeStatements(List<Pending> batch, Set<GroupWork> oneByOne, AuditRules rules,
            Set<String> newVersions) {
        Head head = jdbc.sql("SELECT seq, hash FROM audit_chain_head WHERE id = 1 FOR UPDATE")
                .query((rs, n) -> new Head(rs.getLong("seq"), rs.getString("hash"))).single();
        storeRuleSetFiles(batch, newVersions);
        rules.prepare(batch.stream().map(Pending::entry).toList());
        List<Object[]> records = new ArrayList<>(batch.size());
        List<Object[]> facts = new ArrayList<>(batch.size());
        List<Object[]> fired = new ArrayList<>();
        List<Receipt> done = new ArrayList<>(batch.size());
        AuditMinutes minutes = new AuditMinutes();
        long seq = head.seq;
        String previous = head.hash;
        for (Pending p : batch) {
            seq++;
            String hash = Hashes.link(previous, p.content);
            AuditEntry e = p.entry;
            records.add(new Object[] {seq, e.decisionId(), Sql.utc(p.recordedAt), Sql.utc(e.asOf()),
                e.customerId(), e.principal(), e.entryPoint(), e.ruleSetVersion(), e.action(), e.channel(),
                e.tone(), p.factsHash, p.content, previous, hash, e.runId(), e.testId(), e.arm()});
            facts.add(new Object[] {seq, p.facts, p.factsHash});
            minutes.add(seq, p.recordedAt);
            int ordinal = 0;
            for (TraceEntry t : e.trace()) {
                AuditRules.Ids ids = rules.ids(e.ruleSetVersion(), t);
                fired.add(new Object[] {seq, ordinal++, ids.rule(), ids.name(), t.overridden()});
            }
            done.add(new Receipt(seq, hash, p.recordedAt, p.output));
            previous = hash;
        }
        batchInsert("INSERT INTO audit_records (seq, decision_id, recorded_at, as_of, customer_id, principal, "
                + "entry_point, rule_set_version, action, channel, tone, facts_hash, content, prev_hash, hash, "
                + "run_id, test_id, arm) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", records);
        minutes.write(jdbcTemplate);
        batchInsert("INSERT INTO audit_facts (seq, facts, facts_hash) VALUES (?, ?, ?)", facts);
        batchInsert("INSERT INTO audit_firings (seq, ordinal, rule_id, name_id, overridden) VALUES (?, ?, ?, ?, ?)", fired);
        runCompanions(batch, oneByOne);
        jdbc.sql("UPDATE audit_chain_head SET seq = ?, hash = ? WHERE id = 1").params(seq, previous).update();
        return done;
    }

    /**
     * The work that commits with the records, in the chain's order: a record's own work, or its group's work once for
     * each run of consecutive records of the group (record by record for a group in {@code oneByOne}).
     */
    private static void runCompanions(List<Pending> batch, Set<GroupWork> oneByOne) {
        int i = 0;
        while (i < batch.size()) {
            Pending p = batch.get(i);
            if (p.group != null && !oneByOne.contains(p.group)) {
                List<Integer> positions = new ArrayList<>();
                while (i < batch.size() && batch.get(i).group == p.group) {
                    positions.add(batch.get(i++).position);
                }
                try {
                    p.group.run(positions);
                } catch (RuntimeException e) {
                    throw new GroupFailed(p.group, e);
                }
                continue;
            }
            try {
                if (p.group != null) {
                    p.group.one(p.position);
                } else if (p.inSameTransaction != null) {
                    p.inSameTransaction.run();
                }
            } catch (RuntimeException e) {
                throw new CompanionFailed(p, e);
            }
            i++;
        }
    }

    private record Head(long seq, String hash) {}

    private void batchInsert(String sql, List<Object[]> rows) {
        if (!rows.isEmpty()) {
            jdbcTemplate.batchUpdate(sql, rows);
        }
    }

    /** The files of each version, once: an auditor can open exactly the spreadsheet that was in force. */
    private void storeRuleSetFiles(List<Pending> batch, Set<String> newVersions) {
        for (Pending p : batch) {
            AuditEntry e = p.entry;
            if (e.ruleSetSources() == null || storedVersions.contains(e.ruleSetVersion())
                    || !newVersions.add(e.ruleSetVersion())) {
                continue;
            }
            for (RuleSource source : e.ruleSetSources()) {
                String sha = Hashes.sha256(source.content());
                jdbc.sql("INSERT IGNORE INTO rule_set_files (sha256, content) VALUES (?, ?)")
                        .params(sha, source.content()).update();
                jdbc.sql("INSERT IGNORE INTO rule_set_version_files (version, name, sha256) VALUES (?, ?, ?)")
                        .params(e.ruleSetVersion(), source.name(), sha).update();
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        for (Thread writer : writers) {
            writer.join(properties.writeTimeout().toMillis());
        }
    }
}
