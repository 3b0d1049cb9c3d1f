package dev.dunning.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import dev.dunning.database.TestDatabase;
import dev.dunning.facts.FactsService;
import jakarta.mail.internet.MimeMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * E-mail at relay speed without weakening delivery: a batch goes over the relay's kept-open connections (few
 * connections, reused between batches, renewed after {@code messages-per-connection}), and a connection that drops in
 * the middle of a batch loses no message and repeats none beyond the one whose fate the drop left unknown (sent again
 * with the same Message-ID). The SMTP server is GreenMail, reached through a TCP relay in this test that can cut the
 * line right after a message's data.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE, properties = {
    "dunning.dispatch.scheduled=false",
    "dunning.dispatch.backoff=0s",
    "dunning.dispatch.jitter=0",
    "dunning.dispatch.max-attempts=3",
    "dunning.dispatch.batch-size=40",
    "dunning.dispatch.smtp.connections=2",
    "dunning.dispatch.smtp.messages-per-connection=8",
    "dunning.dispatch.smtp.idle-timeout=5m"})
class SmtpBatchIT {

    static final int SMTP_PORT = EmailDispatchIT.freePort();
    static final CuttingRelay line = CuttingRelay.start(SMTP_PORT);

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(new ServerSetup(SMTP_PORT, "127.0.0.1", "smtp"))
            .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication())
            .withPerMethodLifecycle(false);

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        TestDatabase.Connection db = TestDatabase.freshDatabase("dispatch_smtp_batch");
        db.register(registry);
        registry.add("spring.mail.host", () -> "127.0.0.1");
        registry.add("spring.mail.port", line::port);
    }

    @AfterAll
    static void closeLine() throws IOException {
        line.close();
    }

    @Autowired
    FactsService facts;

    @Autowired
    DispatchService dispatch;

    @Autowired
    Dispatcher dispatcher;

    @Autowired
    SmtpRelay relay;

    Fixtures fixtures;

    @BeforeEach
    void setUp() throws Exception {
        fixtures = new Fixtures(facts);
        dispatcher.drain();
        smtp.purgeEmailFromAllMailboxes();
        line.cutAfterMessage(0);
        relay.closeIdle();
    }

    @Test
    void aBatchTravelsOverTheKeptConnectionsWhichAreRenewedAfterTheirQuota() throws Exception {
        List<String> first = queue(16);
        long openedBefore = relay.connectionsOpened();
        int linesBefore = line.accepted();

        assertThat(dispatcher.runOnce()).isEqualTo(16);

        assertThat(idempotencyKeys()).containsExactlyInAnyOrderElementsOf(first);
        // 16 messages over 2 connections, 8 each: never one connection (and greeting) per message.
        assertThat(relay.connectionsOpened() - openedBefore).isEqualTo(2);
        assertThat(line.accepted() - linesBefore).isEqualTo(2);
        assertThat(relay.openConnections()).as("both reached their quota and were closed").isZero();
        first.forEach(id -> assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT));

        // Each connection carried its 8 and was closed: the next batch opens new ones, and those stay open after it.
        smtp.purgeEmailFromAllMailboxes();
        List<String> second = queue(6);
        long openedAfterFirst = relay.connectionsOpened();
        assertThat(dispatcher.runOnce()).isEqualTo(6);
        assertThat(idempotencyKeys()).containsExactlyInAnyOrderElementsOf(second);
        assertThat(relay.connectionsOpened() - openedAfterFirst).isEqualTo(2);
        assertThat(relay.openConnections()).isEqualTo(2);

        // A third batch reuses them: no new connection, no new greeting.
        smtp.purgeEmailFromAllMailboxes();
        List<String> third = queue(4);
        long openedAfterSecond = relay.connectionsOpened();
        assertThat(dispatcher.runOnce()).isEqualTo(4);
        assertThat(idempotencyKeys()).containsExactlyInAnyOrderElementsOf(third);
        assertThat(relay.connectionsOpened()).isEqualTo(openedAfterSecond);
    }

    @Test
    void aLineCutInTheMiddleOfABatchLosesNothingAndRepeatsAtMostTheMessageItCutWithItsOwnMessageId()
            throws Exception {
        List<String> ids = queue(12);
        line.cutAfterMessage(5);

        assertThat(dispatcher.runOnce()).isEqualTo(12);

        // The message whose answer the cut swallowed waits for a retry; the rest of the batch went on over a new
        // connection in the same pass.
        List<String> waiting = ids.stream().filter(id -> dispatch.find(id).status() != OutboxStatus.SENT).toList();
        assertThat(waiting).hasSize(1);
        OutboxEntry cut = dispatch.find(waiting.get(0));
        assertThat(cut.status()).isEqualTo(OutboxStatus.PENDING);
        assertThat(cut.attempts()).isEqualTo(1);
        assertThat(cut.lastError()).contains("SMTP refused or failed");

        assertThat(dispatcher.runOnce()).isEqualTo(1);

        ids.forEach(id -> assertThat(dispatch.find(id).status()).isEqualTo(OutboxStatus.SENT));
        List<String> received = idempotencyKeys();
        assertThat(new HashSet<>(received)).containsExactlyInAnyOrderElementsOf(ids);
        // At least once: the cut message may have reached the server before the line went; if so it arrives twice,
        // both times with the same Message-ID, so that a mail client shows it once. Nothing else repeats.
        assertThat(received).hasSizeBetween(12, 13);
        List<String> repeated = new ArrayList<>(received);
        new HashSet<>(received).forEach(repeated::remove);
        assertThat(repeated).isSubsetOf(waiting);
        Set<String> messageIds = new HashSet<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            messageIds.add(m.getMessageID());
        }
        assertThat(messageIds).hasSize(12);
    }

    private List<String> queue(int n) {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(dispatch.enqueue(Fixtures.reminder(fixtures.englishCustomer(), "FRIENDLY")).orElseThrow()
                    .decisionId());
        }
        return ids;
    }

    private static List<String> idempotencyKeys() throws Exception {
        List<String> keys = new ArrayList<>();
        for (MimeMessage m : smtp.getReceivedMessages()) {
            keys.add(m.getHeader(EmailChannel.IDEMPOTENCY_HEADER)[0]);
        }
        return keys;
    }

    /**
     * A TCP relay in front of the SMTP server that forwards both ways and, when armed, cuts a line (both sides) right
     * after forwarding the end of the n-th message's data ({@code CRLF.CRLF}) and before the server's answer can
     * come back.
     */
    static final class CuttingRelay implements AutoCloseable {
        private final ServerSocket server;
        private final int target;
        private final AtomicInteger accepted = new AtomicInteger();
        private final AtomicInteger messagesUntilCut = new AtomicInteger();
        private final List<Socket> open = new CopyOnWriteArrayList<>();

        private CuttingRelay(ServerSocket server, int target) {
            this.server = server;
            this.target = target;
        }

        static CuttingRelay start(int target) {
            try {
                CuttingRelay relay = new CuttingRelay(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()),
                        target);
                Thread accept = new Thread(relay::acceptLoop, "cutting-relay");
                accept.setDaemon(true);
                accept.start();
                return relay;
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return accepted.get();
        }

        /** Cuts the line carrying the n-th message from now (0: never). */
        void cutAfterMessage(int n) {
            messagesUntilCut.set(n);
        }

        private void acceptLoop() {
            while (!server.isClosed()) {
                try {
                    Socket client = server.accept();
                    accepted.incrementAndGet();
                    Socket upstream = new Socket(InetAddress.getLoopbackAddress(), target);
                    open.add(client);
                    open.add(upstream);
                    pump(client, upstream, true);
                    pump(upstream, client, false);
                } catch (IOException e) {
                    // closed
                }
            }
        }

        private void pump(Socket from, Socket to, boolean watch) {
            Thread t = new Thread(() -> {
                byte[] tail = new byte[5];
                byte[] end = {'\r', '\n', '.', '\r', '\n'};
                byte[] buffer = new byte[8192];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        out.write(buffer, 0, n);
                        out.flush();
                        if (!watch) {
                            continue;
                        }
                        boolean cut = false;
                        for (int i = 0; i < n; i++) {
                            System.arraycopy(tail, 1, tail, 0, 4);
                            tail[4] = buffer[i];
                            if (Arrays.equals(tail, end) && messagesUntilCut.get() > 0
                                    && messagesUntilCut.decrementAndGet() == 0) {
                                cut = true;
                            }
                        }
                        if (cut) {
                            from.close();
                            to.close();
                            return;
                        }
                    }
                } catch (IOException e) {
                    // the other side went
                } finally {
                    closeQuietly(from);
                    closeQuietly(to);
                }
            }, "cutting-relay-pump");
            t.setDaemon(true);
            t.start();
        }

        private static void closeQuietly(Socket s) {
            try {
                s.close();
            } catch (IOException e) {
                // already
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : open) {
                closeQuietly(s);
            }
        }
    }
}
