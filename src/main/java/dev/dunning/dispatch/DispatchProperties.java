package dev.dunning.dispatch;

import java.time.Duration;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the outbox and its channels ({@code dunning.dispatch.*}, listed in docs/dispatch.md).
 *
 * @param scheduled whether this instance runs the dispatcher on a schedule (off: passes run only when called)
 * @param interval pause between two dispatcher passes
 * @param batchSize entries claimed per transaction
 * @param lease how long a claim lasts; an entry still claimed after it (its dispatcher died mid-send) is taken again
 * @param maxAttempts sends before an entry is parked as a dead letter
 * @param backoff delay before the first retry; doubled for each further one
 * @param maxBackoff the longest delay between two attempts
 * @param jitter fraction of each delay drawn at random (0 to 1), so that retries of many entries spread out
 * @param instanceId how this instance names itself in claims (default: host name and process id)
 * @param webhookTimeout how long a webhook receiver may take to connect and to answer
 * @param webhooks receivers by target: SMS, PHONE, LETTER, RETRY_PAYMENT, UPDATE_PAYMENT_METHOD, SUSPEND_SERVICE,
 *     COLLECTION_HANDOVER
 * @param company the sender shown in every message
 * @param optOutAlways an opt-out line in every e-mail, not only where the policy asks for one
 * @param smtp the relay's limits: connections, messages per connection and per second, idle time
 * @param webhookConcurrency webhook posts of one batch in flight at once (keep-alive connections are reused)
 * @param spamReportWithdrawsEmail whether a spam report of an e-mail withdraws the address as a hard bounce does (off:
 *     a collection notice is a legitimate message, and a spam report is counted, not obeyed; docs/dispatch.md)
 */
@ConfigurationProperties("dunning.dispatch")
public record DispatchProperties(
        @DefaultValue("true") boolean scheduled,
        @DefaultValue("10s") Duration interval,
        @DefaultValue("50") int batchSize,
        @DefaultValue("5m") Duration lease,
        @DefaultValue("6") int maxAttempts,
        @DefaultValue("30s") Duration backoff,
        @DefaultValue("1h") Duration maxBackoff,
        @DefaultValue("0.5") double jitter,
        String instanceId,
        @DefaultValue("10s") Duration webhookTimeout,
        Map<String, Webhook> webhooks,
        @DefaultValue Company company,
        @DefaultValue("false") boolean optOutAlways,
        @DefaultValue Smtp smtp,
        @DefaultValue("8") int webhookConcurrency,
        @DefaultValue("false") boolean spamReportWithdrawsEmail) {

    public DispatchProperties {
        webhooks = webhooks == null ? Map.of() : Map.copyOf(webhooks);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("dunning.dispatch.max-attempts is " + maxAttempts
                    + "; it must be at least 1");
        }
        if (jitter < 0 || jitter > 1) {
            throw new IllegalArgumentException("dunning.dispatch.jitter is " + jitter + "; use a fraction from 0 to 1");
        }
        if (webhookConcurrency < 1) {
            throw new IllegalArgumentException("dunning.dispatch.webhook-concurrency is " + webhookConcurrency
                    + "; it must be at least 1");
        }
    }

    /**
     * The SMTP relay's limits, so that an operator can keep within a provider's quota.
     *
     * @param connections SMTP connections this instance keeps open at most (a batch's e-mails share them)
     * @param messagesPerConnection messages sent over one connection before it is closed and a new one opened
     * @param messagesPerSecond messages this instance hands to the relay per second at most (0: no limit)
     * @param idleTimeout how long an unused connection stays open between batches
     */
    public record Smtp(
            @DefaultValue("2") int connections,
            @DefaultValue("100") int messagesPerConnection,
            @DefaultValue("0") int messagesPerSecond,
            @DefaultValue("30s") Duration idleTimeout) {

        public Smtp {
            if (connections < 1) {
                throw new IllegalArgumentException("dunning.dispatch.smtp.connections is " + connections
                        + "; it must be at least 1");
            }
            if (messagesPerConnection < 1) {
                throw new IllegalArgumentException("dunning.dispatch.smtp.messages-per-connection is "
                        + messagesPerConnection + "; it must be at least 1");
            }
            if (messagesPerSecond < 0) {
                throw new IllegalArgumentException("dunning.dispatch.smtp.messages-per-second is " + messagesPerSecond
                        + "; use 0 for no limit or a positive number");
            }
            if (idleTimeout == null || idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("dunning.dispatch.smtp.idle-timeout is " + idleTimeout
                        + "; it must be positive");
            }
        }
    }

    /** A webhook receiver: where to post and the shared secret the body is signed with. */
    public record Webhook(String url, String secret) {}

    /**
     * The company as customers see it: every message names it and gives real ways to reach it and to pay.
     * {@code paymentUrl}, {@code paymentMethodUrl} and {@code optOutUrl} may contain {customerId}.
     */
    public record Company(
            @DefaultValue("Example Ltd") String name,
            @DefaultValue("billing@example.com") String email,
            String replyTo,
            @DefaultValue("+1 555 0100") String phone,
            @DefaultValue("https://example.com") String website,
            @DefaultValue("Example Ltd, 1 Example Street, Springfield") String address,
            @DefaultValue("https://example.com/pay/{customerId}") String paymentUrl,
            @DefaultValue("https://example.com/payment-method/{customerId}") String paymentMethodUrl,
            @DefaultValue("https://example.com/preferences/{customerId}") String optOutUrl,
            @DefaultValue("#1f4e79") String brandColour) {}
}
