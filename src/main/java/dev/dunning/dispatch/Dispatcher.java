package dev.dunning.dispatch;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Outcome;
import dev.dunning.facts.Contacts;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Takes due entries from the outbox and sends them. Claims are short transactions with {@code FOR UPDATE SKIP LOCKED},
 * so several instances share the work without waiting for each other; the send itself holds no database lock. Each
 * outcome is written together with its contact attempt. Stopping the application lets the send in progress finish and
 * be recorded, and gives the rest of the claimed batch back.
 *
 * <p>A dispatcher that dies between a send and its record leaves the entry claimed; once the lease has run out another
 * dispatcher sends it again, with the same idempotency key (the decision id), which a provider that honours it uses
 * to drop the duplicate.
 */
@Service
public class Dispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final Outbox outbox;
    private final MessageFacts.Loader messageFacts;
    private final EmailChannel email;
    private final WebhookChannel webhooks;
    private final Contacts contacts;
    private final TransactionTemplate transactions;
    private final TransactionTemplate claims;
    private final DispatchProperties properties;
    private final DispatchMetrics metrics;
    private final Clock clock;
    private final String instanceId;
    private final Backoff backoff;
    private final SmtpRelay relay;
    private ExecutorService webhookPool;
    /** Held for a whole pass: stop() takes it to wait for the pass in progress. */
    private final ReentrantLock pass = new ReentrantLock();
    private volatile boolean stopping;
    private volatile boolean running;
    private ScheduledExecutorService scheduler;

    Dispatcher(Outbox outbox, MessageFacts.Loader messageFacts, EmailChannel email, SmtpRelay relay,
            WebhookChannel webhooks, Contacts contacts, TransactionTemplate transactions, DispatchProperties properties,
            DispatchMetrics metrics, Clock clock) {
        this.outbox = outbox;
        this.messageFacts = messageFacts;
        this.email = email;
        this.relay = relay;
        this.webhooks = webhooks;
        this.contacts = contacts;
        this.transactions = transactions;
        // Claims read committed: under repeatable read the locking scan of the due index also takes gap locks, and two
        // dispatchers claiming at once deadlock on them.
        this.claims = new TransactionTemplate(transactions.getTransactionManager());
        this.claims.setIsolationLevel(TransactionDefinition.ISOLATION_READ_COMMITTED);
        this.properties = properties;
        this.metrics = metrics;
        this.clock = clock;
        this.instanceId = properties.instanceId() != null ? properties.instanceId()
                : ManagementFactory.getRuntimeMXBean().getName();
        this.backoff = new Backoff(properties.backoff(), properties.maxBackoff(), properties.jitter());
    }

    /** Sends everything due now, batch after batch; returns how many entries it handled. */
    public int drain() {
        int total = 0;
        int handled;
        do {
            handled = runOnce();
            total += handled;
        } while (handled > 0 && !stopping);
        return total;
    }

    /** One pass: claims one batch of entries due now and sends them. Returns how many it handled. */
    public int runOnce() {
        return runOnce(clock.instant());
    }

    /** One pass as of {@code now} (the moment entries must be due by). */
    int runOnce(Instant now) {
        if (stopping) {
            return 0;
        }
        pass.lock();
        try {
            List<Outbox.Claim> claimed = claim(now);
            if (claimed.isEmpty()) {
                return 0;
            }
            // The batch's later entries and message facts, read set-based: four queries for the batch, not per entry.
            List<OutboxEntry> entries = claimed.stream().map(Outbox.Claim::entry).toList();
            Map<String, String> newer = outbox.newerEntries(entries);
            Function<OutboxEntry, MessageFacts> facts = facts(entries);
            List<Pending> emails = new ArrayList<>();
            List<Pending> posts = new ArrayList<>();
            int handled = 0;
            for (Outbox.Claim claim : claimed) {
                if (stopping) {
                    outbox.release(claim.entry().decisionId(), claim.token(), clock.instant());
                    continue;
                }
                handled++;
                Pending pending = prepare(claim, newer.get(claim.entry().decisionId()), facts);
                if (pending != null) {
                    (pending.email() != null ? emails : posts).add(pending);
                }
            }
            List<Sent> outcomes = new ArrayList<>(emails.size() + posts.size());
            outcomes.addAll(sendEmails(emails));
            outcomes.addAll(post(posts));
            return handled - record(outcomes);
        } finally {
            pass.unlock();
        }
    }

    private List<Outbox.Claim> claim(Instant now) {
        for (int attempt = 1; ; attempt++) {
            try {
                return claims.execute(status -> outbox.claim(instanceId, now, properties.batchSize(),
                        now.plus(properties.lease())));
            } catch (PessimisticLockingFailureException e) {
                // Another dispatcher's claim crossed this one; the database rolled this one back, nothing was taken.
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /** A claimed entry ready to go: its e-mail, or the facts its webhook body is made of. */
    private record Pending(Outbox.Claim claim, MessageFacts facts, EmailChannel.Built email) {}

    /** What came of sending one: the recipient, or the failure, or neither (not begun: the dispatcher stopped). */
    private record Sent(Outbox.Claim claim, String recipient, SendFailure failure) {}

    /**
     * The batch's message facts, read together; if reading them fails, every entry of the batch fails as it would
     * have failed reading its own.
     */
    private Function<OutboxEntry, MessageFacts> facts(List<OutboxEntry> entries) {
        try {
            return messageFacts.loadAll(entries)::of;
        } catch (RuntimeException unexpected) {
            return entry -> {
                throw unexpected;
            };
        }
    }

    /**
     * Builds the entry's message from its facts; null when the entry was settled here (superseded by {@code newer}, a
     * later entry of the customer, or failed).
     */
    private Pending prepare(Outbox.Claim claim, String newer, Function<OutboxEntry, MessageFacts> factsOf) {
        OutboxEntry entry = claim.entry();
        if (claim.lapsedClaimant() != null) {
            log.warn("Outbox entry {} was claimed by {} whose lease ran out; sending it again with idempotency key {}",
                    entry.decisionId(), claim.lapsedClaimant(), entry.decisionId());
        }
        String route = entry.route();
        if (newer != null) {
            supersede(claim, newer, "a newer decision " + newer + " was dispatched for the customer");
            return null;
        }
        try {
            MessageFacts facts = factsOf.apply(entry);
            if (Route.reachesCustomer(route) && !entry.invoiceIds().isEmpty() && facts.openInvoices().isEmpty()) {
                supersede(claim, null, "every invoice concerned was paid or closed before sending");
                return null;
            }
            if (Route.EMAIL.equals(route)) {
                return new Pending(claim, facts, email.build(facts));
            }
            WebhookChannel.recipient(facts, route); // refuses before sending what no retry can fix
            return new Pending(claim, facts, null);
        } catch (SendFailure failure) {
            failed(claim, failure);
        } catch (RuntimeException unexpected) {
            log.error("Preparing outbox entry {} failed unexpectedly", entry.decisionId(), unexpected);
            failed(claim, new SendFailure("unexpected: " + unexpected, unexpected));
        }
        return null;
    }

    /** The batch's e-mails over the relay's open connections. */
    private List<Sent> sendEmails(List<Pending> emails) {
        if (emails.isEmpty()) {
            return List.of();
        }
        List<SmtpRelay.Result> results = relay.sendAll(emails.stream().map(p -> p.email().message()).toList(),
                () -> stopping);
        List<Sent> sent = new ArrayList<>(emails.size());
        for (int i = 0; i < emails.size(); i++) {
            Pending p = emails.get(i);
            SmtpRelay.Result r = results.get(i);
            sent.add(new Sent(p.claim(), r.sent() ? p.email().to() : null, r.failure()));
        }
        return sent;
    }

    /** The batch's webhooks, {@code webhook-concurrency} at a time. */
    private List<Sent> post(List<Pending> posts) {
        if (posts.isEmpty()) {
            return List.of();
        }
        if (posts.size() == 1 || properties.webhookConcurrency() == 1) {
            return posts.stream().map(this::post).toList();
        }
        List<Future<Sent>> running = posts.stream().map(p -> webhookPool().submit(() -> post(p))).toList();
        List<Sent> sent = new ArrayList<>(posts.size());
        for (int i = 0; i < posts.size(); i++) {
            try {
                sent.add(running.get(i).get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                sent.add(new Sent(posts.get(i).claim(), null, new SendFailure("interrupted while posting", e)));
            } catch (ExecutionException e) {
                sent.add(new Sent(posts.get(i).claim(), null,
                        new SendFailure("unexpected: " + e.getCause(), e.getCause())));
            }
        }
        return sent;
    }

    private Sent post(Pending p) {
        if (stopping) {
            return new Sent(p.claim(), null, null);
        }
        try {
            return new Sent(p.claim(), webhooks.send(p.facts(), p.claim().entry().route()), null);
        } catch (SendFailure failure) {
            return new Sent(p.claim(), null, failure);
        } catch (RuntimeException unexpected) {
            log.error("Sending outbox entry {} failed unexpectedly", p.claim().entry().decisionId(), unexpected);
            return new Sent(p.claim(), null, new SendFailure("unexpected: " + unexpected, unexpected));
        }
    }

    private synchronized ExecutorService webhookPool() {
        if (webhookPool == null) {
            AtomicInteger n = new AtomicInteger();
            webhookPool = Executors.newFixedThreadPool(properties.webhookConcurrency(), r -> {
                Thread t = new Thread(r, "outbox-webhook-" + n.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
        }
        return webhookPool;
    }

    /**
     * Records the batch's outcomes: every send with its contact attempt in one transaction (one durable commit for the
     * batch, a savepoint per entry so that an entry whose claim was taken over is left out alone), failures as before,
     * and entries not begun given back. Returns how many were given back.
     */
    private int record(List<Sent> outcomes) {
        List<Sent> sent = new ArrayList<>();
        int givenBack = 0;
        for (Sent s : outcomes) {
            if (s.recipient() != null) {
                sent.add(s);
            } else if (s.failure() != null) {
                failed(s.claim(), s.failure());
            } else {
                outbox.release(s.claim().entry().decisionId(), s.claim().token(), clock.instant());
                givenBack++;
            }
        }
        if (!sent.isEmpty()) {
            recordSent(sent);
        }
        return givenBack;
    }

    private void recordSent(List<Sent> sent) {
        for (int attempt = 1; ; attempt++) {
            List<Sent> takenOver = new ArrayList<>();
            try {
                Instant now = clock.instant();
                transactions.executeWithoutResult(status -> {
                    takenOver.clear();
                    // Set-based, whatever the batch's size: lock the entries still claimed by this dispatcher, write
                    // their contact attempts in one statement and mark them sent in another. An entry whose claim was
                    // taken over (its lease ran out during the send) is left out, its contact attempt too.
                    Map<String, String> tokens = new LinkedHashMap<>();
                    sent.forEach(s -> tokens.put(s.claim().entry().decisionId(), s.claim().token()));
                    Set<String> ours = outbox.lockStillClaimed(tokens);
                    List<Sent> kept = new ArrayList<>();
                    for (Sent s : sent) {
                        (ours.contains(s.claim().entry().decisionId()) ? kept : takenOver).add(s);
                    }
                    List<Long> contactIds = contacts.recordSends(kept.stream().map(s -> new Contacts.Send(
                            s.claim().entry().customerId(), attempt(s.claim().entry(), now, Outcome.SENT),
                            reference(s.claim().entry()))).toList(), now);
                    List<Outbox.SentEntry> marks = new ArrayList<>(kept.size());
                    for (int i = 0; i < kept.size(); i++) {
                        Sent s = kept.get(i);
                        marks.add(new Outbox.SentEntry(s.claim().entry().decisionId(), s.claim().token(),
                                s.recipient(), contactIds.get(i)));
                    }
                    int marked = outbox.markAllSent(marks, now);
                    if (marked != marks.size()) {
                        // The rows were locked above: nothing can have moved them. Keep nothing rather than a half.
                        throw new IllegalStateException("marked " + marked + " of " + marks.size()
                                + " locked outbox entries sent");
                    }
                });
            } catch (PessimisticLockingFailureException e) {
                // A deadlock or lock wait rolled the whole batch's record back; nothing of it was kept, so write it
                // again. Entries whose record never lands are sent again after their lease (same keys).
                if (attempt == 3) {
                    throw e;
                }
                continue;
            }
            for (Sent s : sent) {
                if (takenOver.contains(s)) {
                    log.error("Outbox entry {} was sent but its claim had been taken over (the lease of {} is too "
                            + "short for this send); the other dispatcher sends it with the same idempotency key",
                            s.claim().entry().decisionId(), properties.lease());
                } else {
                    metrics.sent(s.claim().entry().route());
                }
            }
            return;
        }
    }

    private void failed(Outbox.Claim claim, SendFailure failure) {
        OutboxEntry entry = claim.entry();
        Instant now = clock.instant();
        int failures = entry.attempts() + 1;
        if (!failure.permanent() && failures < properties.maxAttempts()) {
            Duration delay = backoff.delay(failures, () -> ThreadLocalRandom.current().nextDouble());
            if (outbox.markRetry(entry.decisionId(), claim.token(), failure.getMessage(), now.plus(delay), now)) {
                metrics.retried(entry.route());
                log.info("Outbox entry {} failed (attempt {} of {}), next try in {}: {}", entry.decisionId(),
                        failures, properties.maxAttempts(), delay, failure.getMessage());
            }
            return;
        }
        String why = failure.permanent() ? failure.getMessage()
                : "gave up after " + failures + " attempts; last: " + failure.getMessage();
        boolean marked = Boolean.TRUE.equals(transactions.execute(status -> {
            long contactId = contacts.recordSend(entry.customerId(), attempt(entry, now, Outcome.FAILED),
                    reference(entry), now).id();
            if (!outbox.markDead(entry.decisionId(), claim.token(), why, contactId, now)) {
                status.setRollbackOnly();
                return false;
            }
            return true;
        }));
        if (marked) {
            metrics.dead(entry.route());
            log.warn("Outbox entry {} is a dead letter: {}", entry.decisionId(), why);
        }
    }

    private void supersede(Outbox.Claim claim, String by, String why) {
        if (outbox.markSuperseded(claim.entry().decisionId(), claim.token(), by, why, clock.instant())) {
            metrics.superseded(claim.entry().route());
        }
    }

    /** One contact attempt per entry: the outbox's reference keeps a re-queued entry to the same row. */
    static String reference(OutboxEntry entry) {
        return "outbox:" + entry.decisionId();
    }

    private static ContactAttempt attempt(OutboxEntry entry, Instant at, Outcome outcome) {
        Channel channel = Route.reachesCustomer(entry.route()) ? Channel.valueOf(entry.route()) : Channel.NONE;
        return new ContactAttempt(at, channel, Action.valueOf(entry.action()), entry.stage(), outcome);
    }

    // --- schedule and lifecycle ---------------------------------------------------------------------------------

    @Override
    public void start() {
        stopping = false;
        running = true;
        if (properties.scheduled()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "outbox-dispatcher");
                t.setDaemon(true);
                return t;
            });
            long millis = properties.interval().toMillis();
            scheduler.scheduleWithFixedDelay(this::scheduledPass, millis, millis, TimeUnit.MILLISECONDS);
            log.info("Outbox dispatcher {} runs every {}", instanceId, properties.interval());
        }
    }

    private void scheduledPass() {
        try {
            drain();
        } catch (RuntimeException e) {
            // The next pass tries again; a database outage must not end the schedule.
            log.error("Outbox dispatcher pass failed", e);
        }
    }

    /** Lets the send in progress finish and be recorded; the rest of its batch goes back to the outbox. */
    @Override
    public void stop() {
        stopping = true;
        if (scheduler != null) {
            scheduler.shutdown();
        }
        try {
            if (pass.tryLock(properties.webhookTimeout().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
                pass.unlock();
            } else {
                log.warn("Outbox dispatcher stopped while a send was still running; its entry is sent again after "
                        + "the lease of {}", properties.lease());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (webhookPool != null) {
                webhookPool.shutdown();
                webhookPool = null;
            }
        }
        running = false;
    }

    /** Whether passes run on their own schedule ({@code dunning.dispatch.scheduled}); else only when called. */
    public boolean sendsOnItsOwn() {
        ScheduledExecutorService s = scheduler;
        return running && s != null && !s.isShutdown();
    }

    /** Whether stop() has begun (a pass in progress finishes its current send and then ends). */
    public boolean isStopping() {
        return stopping;
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    public String instanceId() {
        return instanceId;
    }
}
