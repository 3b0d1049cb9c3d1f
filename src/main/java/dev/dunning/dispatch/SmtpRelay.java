package dev.dunning.dispatch;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import jakarta.mail.MessagingException;
import jakarta.mail.Transport;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.apache.commons.pool2.BasePooledObjectFactory;
import org.apache.commons.pool2.PooledObject;
import org.apache.commons.pool2.impl.DefaultPooledObject;
import org.apache.commons.pool2.impl.GenericObjectPool;
import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.mail.MailException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.stereotype.Component;

/**
 * Sends e-mail over SMTP connections that stay open between messages and between batches: a bounded pool
 * ({@code dunning.dispatch.smtp.connections} per instance) of connected transports, each used for at most
 * {@code messages-per-connection} messages and closed after {@code idle-timeout} unused; the whole instance sends at
 * most {@code messages-per-second}. A message is handed to the relay with its own {@code MAIL FROM/RCPT TO/DATA}
 * exchange on a connection already greeted, instead of a new connection (and greeting) per message.
 *
 * <p>A failure is the message's own: the connection it happened on is closed (its state is unknown after a refused
 * recipient or a dropped line), the message gets the failure (retried by the outbox as before), and the rest of the
 * batch goes on over a new connection. Whether a message whose connection dropped during {@code DATA} was accepted
 * cannot be known; it is sent again with the same Message-ID and idempotency key (at least once, as documented).
 *
 * <p>Connection details are Spring Boot's ({@code spring.mail.*}, through its {@link JavaMailSenderImpl}); another
 * {@link JavaMailSender} is used one message at a time through its own {@code send}.
 */
@Component
class SmtpRelay implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SmtpRelay.class);

    /** What became of one message of a batch. */
    record Result(boolean sent, SendFailure failure) {
        static final Result SENT = new Result(true, null);
        /** Not attempted: the dispatcher is stopping; the entry goes back to the outbox. */
        static final Result NOT_SENT = new Result(false, null);

        static Result failed(SendFailure failure) {
            return new Result(false, failure);
        }
    }

    private final JavaMailSender mail;
    private final DispatchProperties.Smtp settings;
    private final GenericObjectPool<Connection> pool;
    private final RateLimiter quota;
    private final ExecutorService parallel;
    private final AtomicInteger open = new AtomicInteger();

    SmtpRelay(JavaMailSender mail, DispatchProperties properties) {
        this.mail = mail;
        this.settings = properties.smtp();
        GenericObjectPoolConfig<Connection> config = new GenericObjectPoolConfig<>();
        config.setMaxTotal(settings.connections());
        config.setMaxIdle(settings.connections());
        config.setMinIdle(0);
        config.setBlockWhenExhausted(true);
        config.setMaxWait(Duration.ofSeconds(30));
        config.setMinEvictableIdleDuration(settings.idleTimeout());
        config.setTimeBetweenEvictionRuns(settings.idleTimeout().dividedBy(2).isZero()
                ? Duration.ofSeconds(1) : settings.idleTimeout().dividedBy(2));
        config.setNumTestsPerEvictionRun(settings.connections());
        config.setJmxEnabled(false);
        config.setLifo(true);
        // A connection idle in the pool may have been closed by the relay (its own timeout): a NOOP on borrow finds
        // out before a message is lost to it.
        config.setTestOnBorrow(true);
        this.pool = mail instanceof JavaMailSenderImpl smtp ? new GenericObjectPool<>(new Factory(smtp, open), config) : null;
        this.quota = settings.messagesPerSecond() <= 0 ? null : RateLimiter.of("smtp-relay", RateLimiterConfig.custom()
                .limitForPeriod(settings.messagesPerSecond())
                .limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ofMinutes(5))
                .build());
        this.parallel = settings.connections() > 1 ? Executors.newFixedThreadPool(settings.connections(), r -> {
            Thread t = new Thread(r, "smtp-relay");
            t.setDaemon(true);
            return t;
        }) : null;
    }

    /**
     * Sends the messages, over up to {@code connections} connections at once; answers one result per message, in
     * order. Messages not yet begun when {@code stopping} turns true are {@link Result#NOT_SENT}.
     */
    List<Result> sendAll(List<MimeMessage> messages, BooleanSupplier stopping) {
        Result[] results = new Result[messages.size()];
        int lanes = Math.min(settings.connections(), messages.size());
        if (lanes <= 1 || parallel == null) {
            sendLane(messages, results, 0, 1, stopping);
        } else {
            List<Future<?>> running = new ArrayList<>();
            for (int lane = 0; lane < lanes; lane++) {
                int first = lane;
                running.add(parallel.submit(() -> sendLane(messages, results, first, lanes, stopping)));
            }
            for (Future<?> f : running) {
                try {
                    f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException e) {
                    log.error("An SMTP lane failed unexpectedly", e.getCause());
                }
            }
        }
        List<Result> answer = new ArrayList<>(results.length);
        for (Result r : results) {
            answer.add(r == null ? Result.failed(new SendFailure("unexpected: the message was not handed to the relay",
                    (Throwable) null)) : r);
        }
        return answer;
    }

    /** Messages first, first+step, ... over one borrowed connection at a time. */
    private void sendLane(List<MimeMessage> messages, Result[] results, int first, int step, BooleanSupplier stopping) {
        Connection connection = null;
        try {
            for (int i = first; i < messages.size(); i += step) {
                if (stopping.getAsBoolean()) {
                    results[i] = Result.NOT_SENT;
                    continue;
                }
                if (quota != null) {
                    RateLimiter.waitForPermission(quota);
                }
                MimeMessage message = messages.get(i);
                if (pool == null) {
                    results[i] = sendAlone(message);
                    continue;
                }
                if (connection == null) {
                    try {
                        connection = pool.borrowObject();
                    } catch (Exception e) {
                        // The relay cannot be reached: every message left in this lane waits for the next pass,
                        // rather than each waiting out its own connection timeout now.
                        SendFailure unreachable = new SendFailure("the SMTP relay " + relay() + " could not be "
                                + "reached: " + e.getMessage(), e);
                        for (int j = i; j < messages.size(); j += step) {
                            results[j] = Result.failed(unreachable);
                        }
                        return;
                    }
                }
                try {
                    connection.send(message);
                    results[i] = Result.SENT;
                    if (connection.sent >= settings.messagesPerConnection()) {
                        connection.retire();
                        pool.returnObject(connection);
                        connection = null;
                    }
                } catch (Exception e) {
                    results[i] = Result.failed(failure(message, e));
                    // After a refused recipient or a broken line the connection's state is unknown: a new one
                    // carries the rest of the batch. (A retired connection goes back to the pool closed and is
                    // dropped when next taken: invalidating it would make the pool open a replacement at once.)
                    connection.retire();
                    pool.returnObject(connection);
                    connection = null;
                }
            }
        } finally {
            if (connection != null) {
                pool.returnObject(connection);
            }
        }
    }

    private Result sendAlone(MimeMessage message) {
        try {
            mail.send(message);
            return Result.SENT;
        } catch (MailException e) {
            return Result.failed(failure(message, e));
        }
    }

    private String relay() {
        return mail instanceof JavaMailSenderImpl smtp ? smtp.getHost() + ":" + smtp.getPort() : "";
    }

    private static SendFailure failure(MimeMessage message, Exception e) {
        String to;
        try {
            to = message.getAllRecipients() == null ? "?" : java.util.Arrays.toString(message.getAllRecipients());
        } catch (MessagingException unreadable) {
            to = "?";
        }
        return new SendFailure("SMTP refused or failed the e-mail to " + to + ": " + e.getMessage(), e);
    }

    /** Connections open now (for tests and metrics). */
    int openConnections() {
        return open.get();
    }

    /** Connections opened since start (for tests: a batch is carried by few of them). */
    long connectionsOpened() {
        return pool == null ? 0 : pool.getCreatedCount();
    }

    /** Closes the connections waiting in the pool (tests start from none). */
    void closeIdle() {
        if (pool != null) {
            pool.clear();
        }
    }

    @Override
    public void destroy() {
        if (parallel != null) {
            parallel.shutdownNow();
        }
        if (pool != null) {
            pool.close();
        }
    }

    /** A connected transport and how many messages it has carried. */
    static final class Connection {
        private final Transport transport;
        private final AtomicInteger open;
        private int sent;
        private boolean retired;

        Connection(Transport transport, AtomicInteger open) {
            this.transport = transport;
            this.open = open;
            open.incrementAndGet();
        }

        void send(MimeMessage message) throws MessagingException {
            // As JavaMailSenderImpl does: keep a Message-ID set by the caller through saveChanges(), which draws one.
            String messageId = message.getMessageID();
            if (message.getSentDate() == null) {
                message.setSentDate(new Date());
            }
            message.saveChanges();
            if (messageId != null) {
                message.setHeader("Message-ID", messageId);
            }
            transport.sendMessage(message, message.getAllRecipients());
            sent++;
        }

        /** Closes the line (QUIT when it is still up); the pool drops the connection when it is next taken. */
        synchronized void retire() {
            if (retired) {
                return;
            }
            retired = true;
            open.decrementAndGet();
            try {
                transport.close();
            } catch (MessagingException e) {
                // QUIT on a line that is already gone
            }
        }

        synchronized boolean usable() {
            return !retired && transport.isConnected();
        }
    }

    /** Opens transports the way JavaMailSenderImpl does, from Spring Boot's spring.mail.* settings. */
    private static final class Factory extends BasePooledObjectFactory<Connection> {
        private final JavaMailSenderImpl smtp;
        private final AtomicInteger open;

        Factory(JavaMailSenderImpl smtp, AtomicInteger open) {
            this.smtp = smtp;
            this.open = open;
        }

        @Override
        public Connection create() throws MessagingException {
            String username = smtp.getUsername();
            String password = smtp.getPassword();
            if ("".equals(username)) {
                username = null;
                if ("".equals(password)) {
                    password = null;
                }
            }
            String protocol = smtp.getProtocol() == null ? "smtp" : smtp.getProtocol();
            Transport transport = smtp.getSession().getTransport(protocol);
            transport.connect(smtp.getHost(), smtp.getPort(), username, password);
            return new Connection(transport, open);
        }

        @Override
        public PooledObject<Connection> wrap(Connection connection) {
            return new DefaultPooledObject<>(connection);
        }

        @Override
        public boolean validateObject(PooledObject<Connection> p) {
            return p.getObject().usable();
        }

        @Override
        public void destroyObject(PooledObject<Connection> p) {
            p.getObject().retire();
        }
    }
}
