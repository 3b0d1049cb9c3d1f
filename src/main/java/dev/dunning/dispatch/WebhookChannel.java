package dev.dunning.dispatch;

import dev.dunning.decision.Channel;
import dev.dunning.decision.Invoice;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Posts an entry as signed JSON to the webhook of its route: SMS, PHONE (a call task), LETTER, and the billing
 * system's instructions. A 2xx answer is success; 408, 429, 5xx, timeouts and connection failures are retried; any
 * other 4xx means the receiver refuses this request, which no retry changes.
 */
@Component
class WebhookChannel {

    static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

    private final DispatchProperties properties;
    private final JsonMapper json;
    private final Clock clock;
    private final HttpClient http;

    WebhookChannel(DispatchProperties properties, JsonMapper json, Clock clock) {
        this.properties = properties;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(properties.webhookTimeout()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    /** The address the route needs from the customer, or why there is none. */
    static String recipient(MessageFacts facts, String route) {
        if (!Route.reachesCustomer(route)) {
            return null;
        }
        Channel channel = Channel.valueOf(route);
        String id = facts.customer().id();
        if (facts.customer().doNotContact()) {
            throw new SendFailure("customer " + id + " asked not to be contacted; nothing was sent", true);
        }
        if (!facts.customer().consentsTo(channel)) {
            throw new SendFailure("customer " + id + " has no " + route + " consent (any more); nothing was sent", true);
        }
        if (channel == Channel.SMS && facts.details().mobile() != null && facts.details().smsWithdrawnAt() != null) {
            throw new SendFailure("the mobile number of customer " + id + " was withdrawn from text messages after a "
                    + "STOP reply (" + facts.details().smsWithdrawnReason() + "); nothing was sent", true);
        }
        String detail = channel == Channel.LETTER ? facts.details().postalAddress() : facts.details().mobile();
        if (detail == null) {
            String field = channel == Channel.LETTER ? "postalAddress" : "mobile";
            throw new SendFailure("customer " + id + " has no " + field + " for " + route + "; PUT /api/v1/customers/"
                    + id + " with \"" + field + "\"", true);
        }
        return detail;
    }

    /** The JSON body receivers get; documented in docs/dispatch.md. */
    String body(MessageFacts facts, String route) {
        OutboxEntry e = facts.entry();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", route);
        body.put("decisionId", e.decisionId());
        body.put("idempotencyKey", e.decisionId());
        body.put("customerId", e.customerId());
        body.put("customerName", facts.customer().name());
        body.put("language", facts.customer().language());
        body.put("action", e.action());
        body.put("channel", e.channel());
        body.put("tone", e.tone());
        body.put("stage", e.stage());
        body.put("template", e.template());
        String recipient = recipient(facts, route);
        if (recipient != null) {
            body.put(Channel.valueOf(route) == Channel.LETTER ? "postalAddress" : "mobile", recipient);
        }
        List<Map<String, Object>> invoices = new ArrayList<>();
        for (Invoice i : facts.openInvoices()) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", i.id());
            row.put("number", i.number());
            row.put("currency", i.currency());
            row.put("outstanding", i.outstanding().toPlainString());
            row.put("dueDate", i.dueDate().toString());
            invoices.add(row);
        }
        body.put("invoices", invoices);
        Map<String, String> totals = new LinkedHashMap<>();
        facts.totals().forEach((currency, amount) -> totals.put(currency, amount.toPlainString()));
        body.put("totals", totals);
        body.put("notBefore", e.notBefore().toString());
        body.put("approvedBy", e.reviewedBy());
        body.put("attempt", e.attempts() + 1);
        return json.writeValueAsString(body);
    }

    /** @return the recipient's detail (mobile, postal address) or the target's URL for instructions */
    String send(MessageFacts facts, String route) {
        DispatchProperties.Webhook webhook = properties.webhooks().get(route);
        if (webhook == null || webhook.url() == null || webhook.url().isBlank()) {
            throw new SendFailure("no webhook is configured for " + route + "; set dunning.dispatch.webhooks." + route
                    + ".url (and .secret)", true);
        }
        if (webhook.secret() == null || webhook.secret().isBlank()) {
            throw new SendFailure("the webhook for " + route + " has no secret to sign with; set "
                    + "dunning.dispatch.webhooks." + route + ".secret", true);
        }
        String body = body(facts, route);
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(URI.create(webhook.url()))
                    .timeout(properties.webhookTimeout())
                    .header("Content-Type", "application/json")
                    .header(IDEMPOTENCY_HEADER, facts.entry().decisionId())
                    .header(Signatures.HEADER, Signatures.header(webhook.secret(), timestamp, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body))
                    .build();
        } catch (IllegalArgumentException e) {
            throw new SendFailure("dunning.dispatch.webhooks." + route + ".url \"" + webhook.url()
                    + "\" is not a usable URL: " + e.getMessage(), true);
        }
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new SendFailure("the " + route + " webhook " + webhook.url() + " did not answer within "
                    + properties.webhookTimeout().toMillis() + " ms", e);
        } catch (IOException e) {
            throw new SendFailure("the " + route + " webhook " + webhook.url() + " could not be reached: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailure("interrupted while posting to the " + route + " webhook", e);
        }
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            String recipient = recipient(facts, route);
            return recipient != null ? recipient : webhook.url();
        }
        String answer = response.body() == null ? "" : response.body();
        String message = "the " + route + " webhook " + webhook.url() + " answered " + status
                + (answer.isBlank() ? "" : ": " + (answer.length() > 300 ? answer.substring(0, 300) + "..." : answer));
        boolean retryable = status == 408 || status == 429 || status >= 500;
        throw retryable ? new SendFailure(message, (Throwable) null) : new SendFailure(message, true);
    }
}
