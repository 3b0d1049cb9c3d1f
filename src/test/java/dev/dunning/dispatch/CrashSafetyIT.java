package dev.dunning.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.facts.FactsService;
import jakarta.mail.internet.MimeMessage;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.MailSendException;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.MimeMessagePreparator;

/**
 * The outbox survives its dispatcher: an application stopped in the middle of a send, or a dispatcher that died
 * holding a claim, loses no entry, and the mail server receives each message once.
 */
@ExtendWith(OutputCaptureExtension.class)
class CrashSafetyIT {

    static final int SMTP_PORT = EmailDispatchIT.freePort();

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());

    @Test
    void stoppingTheApplicationMidSendLosesNoEntryAndSendsNoneTwice() throws Exception {
        TestDatabase.Connection db = TestDatabase.freshDatabase("dispatch_crash");
        BlockingMail blocking = new BlockingMail(2);
        List<String> ids = new ArrayList<>();

        ConfigurableApplicationContext first = start(db, blocking);
        Dispatcher dispatcher = first.getBean(Dispatcher.class);
        Fixtures fixtures = new Fixtures(first.getBean(FactsService.class));
        for (int i = 0; i < 3; i++) {
            ids.add(first.getBean(DispatchService.class).enqueue(Fixtures.reminder(fixtures.englishCustomer(),
                    "FRIENDLY")).orElseThrow().decisionId());
        }
        CompletableFuture<Integer> pass = CompletableFuture.supplyAsync(dispatcher::runOnce);
        assertThat(blocking.inSend.await(30, TimeUnit.SECONDS)).as("the second send began").isTrue();

        CompletableFuture<Void> closing = CompletableFuture.runAsync(first::close);
        await().atMost(Duration.ofSeconds(30)).until(dispatcher::isStopping);
        blocking.release.countDown();
        assertThat(pass.get(60, TimeUnit.SECONDS)).as("entries handled before the stop").isEqualTo(2);
        closing.get(60, TimeUnit.SECONDS);
        assertThat(smtp.getReceivedMessages()).hasSize(2);

        ConfigurableApplicationContext second = start(db, null);
        try {
            JdbcClient jdbc = second.getBean(JdbcClient.class);
            assertThat(statuses(jdbc)).containsExactly("PENDING", "SENT", "SENT");
            assertThat(second.getBean(Dispatcher.class).runOnce()).isEqualTo(1);

            assertThat(EmailDispatchIT.ids(smtp.getReceivedMessages())).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(statuses(jdbc)).containsExactly("SENT", "SENT", "SENT");
            assertThat(jdbc.sql("SELECT COUNT(*) FROM contact_attempts WHERE outcome = 'SENT'").query(Long.class)
                    .single()).isEqualTo(3);
        } finally {
            second.close();
        }
    }

    /**
     * A service killed (SIGKILL) in the middle of a batch: its batch's sends are recorded together at the batch's end,
     * so every message it had sent is unrecorded. Another instance takes the batch over after the lease and sends it
     * whole: no message is lost, and the only repeats are the dead one's sends, each with its own Message-ID again.
     */
    @Test
    void killingTheServiceInTheMiddleOfABatchLosesNoMessageAndRepeatsOnlyWhatItHadSent() throws Exception {
        TestDatabase.Connection db = TestDatabase.freshDatabase("dispatch_kill");
        ConfigurableApplicationContext survivor = start(db, null);
        Process doomed = null;
        try {
            Fixtures fixtures = new Fixtures(survivor.getBean(FactsService.class));
            DispatchService dispatch = survivor.getBean(DispatchService.class);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                ids.add(dispatch.enqueue(Fixtures.reminder(fixtures.englishCustomer(), "FRIENDLY")).orElseThrow()
                        .decisionId());
            }
            java.nio.file.Path log = java.nio.file.Files.createTempFile("dispatch-kill-", ".log");
            // The service as a user runs it, sending on its own schedule, two messages a second: slow enough to be
            // killed with most of its batch still to send.
            doomed = new ProcessBuilder(dev.dunning.database.PackagedJar.java(
                    "--spring.datasource.url=" + db.url(), "--spring.datasource.username=" + db.user(),
                    "--spring.datasource.password=" + db.password(), "--server.port=0",
                    "--spring.mail.host=127.0.0.1", "--spring.mail.port=" + SMTP_PORT,
                    "--dunning.dispatch.scheduled=true", "--dunning.dispatch.interval=1s",
                    "--dunning.dispatch.lease=10s", "--dunning.dispatch.instance-id=doomed",
                    "--dunning.dispatch.smtp.messages-per-second=2", "--dunning.rule-sets.watch=false",
                    "--dunning.effectiveness.scheduled=false"))
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            Process service = doomed;
            // Up to 10 minutes for the packaged service to start and send: a CI run under a load of 300 on 2 cores
            // took more than 5 to compile its rules; on a quiet machine it starts in well under a minute.
            await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50)).until(() -> {
                if (!service.isAlive()) {
                    throw new AssertionError("the service ended:\n" + java.nio.file.Files.readString(log));
                }
                return smtp.getReceivedMessages().length >= 3;
            });
            doomed.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            List<String> sentByTheDead = EmailDispatchIT.ids(smtp.getReceivedMessages());
            assertThat(sentByTheDead).hasSizeLessThan(12).isSubsetOf(ids);
            JdbcClient jdbc = survivor.getBean(JdbcClient.class);
            assertThat(jdbc.sql("SELECT COUNT(*) FROM outbox WHERE status = 'SENDING' AND claimed_by = 'doomed'")
                    .query(Long.class).single()).as("the whole batch is left claimed, none recorded").isEqualTo(12);

            Dispatcher dispatcher = survivor.getBean(Dispatcher.class);
            assertThat(dispatcher.runOnce(Instant.now().plus(Duration.ofMinutes(1)))).isEqualTo(12);

            assertThat(statuses(jdbc)).containsOnly("SENT").hasSize(12);
            MimeMessage[] received = smtp.getReceivedMessages();
            List<String> keys = EmailDispatchIT.ids(received);
            assertThat(new java.util.HashSet<>(keys)).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(keys).hasSize(12 + sentByTheDead.size());
            java.util.Map<String, java.util.Set<String>> messageIds = new java.util.HashMap<>();
            for (MimeMessage m : received) {
                messageIds.computeIfAbsent(m.getHeader(EmailChannel.IDEMPOTENCY_HEADER)[0],
                        k -> new java.util.HashSet<>()).add(m.getMessageID());
            }
            assertThat(messageIds.values()).allSatisfy(set -> assertThat(set).hasSize(1));
        } finally {
            if (doomed != null && doomed.isAlive()) {
                doomed.destroyForcibly();
            }
            survivor.close();
        }
    }

    @Test
    void anEntryLeftClaimedByADeadDispatcherIsSentOnceItsLeaseHasRunOut(CapturedOutput output) throws Exception {
        TestDatabase.Connection db = TestDatabase.freshDatabase("dispatch_lease");
        ConfigurableApplicationContext context = start(db, null);
        try {
            Fixtures fixtures = new Fixtures(context.getBean(FactsService.class));
            DispatchService dispatch = context.getBean(DispatchService.class);
            String lapsed = dispatch.enqueue(Fixtures.reminder(fixtures.englishCustomer(), "FRIENDLY")).orElseThrow()
                    .decisionId();
            String held = dispatch.enqueue(Fixtures.reminder(fixtures.englishCustomer(), "FRIENDLY")).orElseThrow()
                    .decisionId();
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            Instant now = Instant.now();
            // What a dispatcher that died after claiming leaves behind: one lease over, one still running.
            claimByDeadInstance(jdbc, lapsed, now.minusSeconds(1));
            claimByDeadInstance(jdbc, held, now.plus(Duration.ofMinutes(5)));
            Dispatcher dispatcher = context.getBean(Dispatcher.class);

            assertThat(dispatcher.runOnce()).isEqualTo(1);
            assertThat(EmailDispatchIT.ids(smtp.getReceivedMessages())).as(() -> dispatch.find(lapsed).toString())
                    .containsExactly(lapsed);
            assertThat(dispatch.find(held).status()).isEqualTo(OutboxStatus.SENDING);
            // The take-over is logged naming the dead dispatcher (not this one, whose claim replaced it).
            assertThat(output.getOut()).contains("Outbox entry " + lapsed + " was claimed by dead-instance whose "
                    + "lease ran out");

            // An entry claimed from PENDING is an ordinary first send: no take-over warning for it.
            String fresh = dispatch.enqueue(Fixtures.reminder(fixtures.englishCustomer(), "FRIENDLY")).orElseThrow()
                    .decisionId();
            assertThat(dispatcher.runOnce()).isEqualTo(1);
            assertThat(EmailDispatchIT.ids(smtp.getReceivedMessages())).containsExactlyInAnyOrder(lapsed, fresh);
            assertThat(output.getOut()).doesNotContain("Outbox entry " + fresh + " was claimed by");

            assertThat(dispatcher.runOnce(now.plus(Duration.ofMinutes(6)))).isEqualTo(1);
            assertThat(EmailDispatchIT.ids(smtp.getReceivedMessages())).containsExactlyInAnyOrder(lapsed, fresh, held);
            assertThat(dispatch.find(lapsed).status()).isEqualTo(OutboxStatus.SENT);
            assertThat(dispatch.find(held).status()).isEqualTo(OutboxStatus.SENT);
            assertThat(dispatcher.runOnce(now.plus(Duration.ofHours(1)))).isZero();
        } finally {
            context.close();
        }
    }

    /**
     * A dispatcher that died after the mail server took the message but before recording it: once the lease is over
     * the message goes out again, and the receiver can tell it is the same one by its Message-ID.
     */
    @Test
    void aMessageSentAgainAfterADispatcherDiedKeepsItsMessageId() throws Exception {
        ConfigurableApplicationContext context = start(TestDatabase.freshDatabase("dispatch_msgid_crash"), null);
        try {
            DispatchService dispatch = context.getBean(DispatchService.class);
            String id = dispatch.enqueue(Fixtures.reminder(new Fixtures(context.getBean(FactsService.class))
                    .englishCustomer(), "FRIENDLY")).orElseThrow().decisionId();
            claimByDeadInstance(context.getBean(JdbcClient.class), id, Instant.now().minusSeconds(1));
            // What the dead dispatcher did before it died: the send, with nothing recorded.
            MessageFacts facts = context.getBean(MessageFacts.Loader.class).load(dispatch.find(id));
            context.getBean(EmailChannel.class).send(facts);

            assertThat(context.getBean(Dispatcher.class).runOnce()).isEqualTo(1);

            assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);
            assertThat(messageIds(smtp.getReceivedMessages())).containsExactly("<" + id + "@example.com>",
                    "<" + id + "@example.com>");
        } finally {
            context.close();
        }
    }

    /**
     * A send that outlasts its lease: another dispatcher took the entry over while it was being sent. The batch's record
     * leaves that entry to its new claimant (which sends it again with the same keys) and writes no contact attempt for
     * it; the rest of the batch is marked sent, each entry with its own contact attempt.
     */
    @Test
    void anEntryTakenOverDuringItsSendIsLeftToItsNewClaimantWhileTheRestOfTheBatchIsRecorded(CapturedOutput output)
            throws Exception {
        TakenOverDuringSend takeOver = new TakenOverDuringSend(2);
        ConfigurableApplicationContext context = start(TestDatabase.freshDatabase("dispatch_taken_over"), takeOver);
        try {
            JdbcClient jdbc = context.getBean(JdbcClient.class);
            takeOver.jdbc = jdbc;
            DispatchService dispatch = context.getBean(DispatchService.class);
            Fixtures fixtures = new Fixtures(context.getBean(FactsService.class));
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                ids.add(dispatch.enqueue(Fixtures.reminder(fixtures.englishCustomer(), "FRIENDLY")).orElseThrow()
                        .decisionId());
            }

            assertThat(context.getBean(Dispatcher.class).runOnce()).isEqualTo(3);

            String lost = takeOver.takenOver;
            assertThat(ids).contains(lost);
            for (String id : ids) {
                OutboxEntry entry = dispatch.find(id);
                List<Long> contacts = jdbc.sql("SELECT id FROM contact_attempts WHERE customer_id = ? AND reference = ?")
                        .params(entry.customerId(), "outbox:" + id).query(Long.class).list();
                if (id.equals(lost)) {
                    assertThat(entry.status()).isEqualTo(OutboxStatus.SENDING);
                    assertThat(entry.claimedBy()).isEqualTo("other-instance");
                    assertThat(contacts).isEmpty();
                } else {
                    assertThat(entry.status()).isEqualTo(OutboxStatus.SENT);
                    assertThat(entry.recipient()).endsWith("@customer.example");
                    assertThat(contacts).containsExactly(entry.contactId());
                }
            }
            assertThat(output).contains("Outbox entry " + lost + " was sent but its claim had been taken over");
        } finally {
            context.close();
        }
    }

    /**
     * The mail server took the message, but the answer was lost (the connection broke before its reply to DATA): the
     * attempt counts as failed and is retried, and the retry carries the same Message-ID.
     */
    @Test
    void aRetryOfAMessageTheServerHadTakenKeepsItsMessageId() throws Exception {
        ConfigurableApplicationContext context = start(TestDatabase.freshDatabase("dispatch_msgid_retry"),
                new AnswerLostOnce());
        try {
            DispatchService dispatch = context.getBean(DispatchService.class);
            String id = dispatch.enqueue(Fixtures.reminder(new Fixtures(context.getBean(FactsService.class))
                    .englishCustomer(), "FRIENDLY")).orElseThrow().decisionId();
            Dispatcher dispatcher = context.getBean(Dispatcher.class);

            dispatcher.runOnce();
            assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.PENDING);
            assertThat(dispatch.find(id).lastError()).contains("connection lost");
            assertThat(dispatcher.runOnce(Instant.now().plus(Duration.ofMinutes(1)))).isEqualTo(1);

            assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT);
            assertThat(messageIds(smtp.getReceivedMessages())).containsExactly("<" + id + "@example.com>",
                    "<" + id + "@example.com>");
        } finally {
            context.close();
        }
    }

    private static List<String> messageIds(MimeMessage[] messages) throws Exception {
        List<String> ids = new ArrayList<>();
        for (MimeMessage m : messages) {
            ids.add(m.getMessageID());
        }
        return ids;
    }

    private static void claimByDeadInstance(JdbcClient jdbc, String decisionId, Instant leaseUntil) {
        jdbc.sql("UPDATE outbox SET status = 'SENDING', claimed_by = 'dead-instance', claim_token = UUID(), "
                        + "due_at = ? WHERE decision_id = ?")
                .params(dev.dunning.database.Sql.utc(leaseUntil), decisionId).update();
    }

    private static List<String> statuses(JdbcClient jdbc) {
        return jdbc.sql("SELECT status FROM outbox ORDER BY status").query(String.class).list();
    }

    private static ConfigurableApplicationContext start(TestDatabase.Connection db, BeanPostProcessor mailWrapper) {
        SpringApplicationBuilder builder = new SpringApplicationBuilder(DunningApplication.class);
        // Command-line arguments, because they outrank application.properties (default properties do not).
        List<String> args = new ArrayList<>(List.of(
                "--dunning.test.own-database=true",
                "--spring.datasource.url=" + db.url(),
                "--spring.datasource.username=" + db.user(),
                "--spring.datasource.password=" + db.password(),
                "--spring.mail.host=127.0.0.1",
                "--spring.mail.port=" + SMTP_PORT,
                "--dunning.dispatch.scheduled=false",
                "--server.port=0"));
        if (mailWrapper != null) {
            // The health check of the mail server looks for the original sender type, which the wrapper hides.
            args.add("--management.health.mail.enabled=false");
            builder.initializers(context -> context.getBeanFactory().addBeanPostProcessor(mailWrapper));
        }
        return builder.run(args.toArray(String[]::new));
    }

    /**
     * Wraps the application's mail sender: {@link #send} decides what each send of MIME messages does around the real
     * one; everything else goes straight to the real sender.
     */
    abstract static class MailSenderWrapper implements BeanPostProcessor {

        /** A send of MIME messages, to pass on to {@code sender} (or not) with whatever the test needs around it. */
        abstract void send(JavaMailSender sender, MimeMessage... mimeMessages);

        @Override
        public Object postProcessAfterInitialization(Object bean, String name) {
            if (!(bean instanceof JavaMailSender sender)) {
                return bean;
            }
            return new JavaMailSender() {
                @Override
                public MimeMessage createMimeMessage() {
                    return sender.createMimeMessage();
                }

                @Override
                public MimeMessage createMimeMessage(InputStream contentStream) {
                    return sender.createMimeMessage(contentStream);
                }

                @Override
                public void send(MimeMessage... mimeMessages) {
                    MailSenderWrapper.this.send(sender, mimeMessages);
                }

                @Override
                public void send(MimeMessagePreparator... mimeMessagePreparators) {
                    sender.send(mimeMessagePreparators);
                }

                @Override
                public void send(SimpleMailMessage... simpleMessages) {
                    sender.send(simpleMessages);
                }
            };
        }
    }

    /** Wraps the mail sender so that its first send reaches the server and is then reported failed. */
    static final class AnswerLostOnce extends MailSenderWrapper {

        final AtomicInteger sends = new AtomicInteger();

        @Override
        void send(JavaMailSender sender, MimeMessage... mimeMessages) {
            sender.send(mimeMessages);
            if (sends.incrementAndGet() == 1) {
                throw new MailSendException("connection lost before the server's reply to DATA");
            }
        }
    }

    /**
     * Wraps the mail sender so that, just before the n-th send, another instance takes that message's entry over (as
     * after a lapsed lease); the send itself then goes through.
     */
    static final class TakenOverDuringSend extends MailSenderWrapper {

        final AtomicInteger sends = new AtomicInteger();
        final int takeOn;
        volatile JdbcClient jdbc;
        volatile String takenOver;

        TakenOverDuringSend(int takeOn) {
            this.takeOn = takeOn;
        }

        @Override
        void send(JavaMailSender sender, MimeMessage... mimeMessages) {
            if (sends.incrementAndGet() == takeOn) {
                try {
                    takenOver = mimeMessages[0].getHeader("X-Dunning-Decision-Id")[0];
                } catch (jakarta.mail.MessagingException e) {
                    throw new IllegalStateException(e);
                }
                jdbc.sql("UPDATE outbox SET claimed_by = 'other-instance', claim_token = UUID() "
                                + "WHERE decision_id = ? AND status = 'SENDING'")
                        .param(takenOver).update();
            }
            sender.send(mimeMessages);
        }
    }

    /** Wraps the mail sender so that the n-th send waits, in the middle of dispatching, until the test lets it go. */
    static final class BlockingMail extends MailSenderWrapper {

        final CountDownLatch inSend = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger sends = new AtomicInteger();
        final int blockOn;

        BlockingMail(int blockOn) {
            this.blockOn = blockOn;
        }

        @Override
        void send(JavaMailSender sender, MimeMessage... mimeMessages) {
            if (sends.incrementAndGet() == blockOn) {
                inSend.countDown();
                try {
                    release.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            sender.send(mimeMessages);
        }
    }
}
