package dev.dunning.dispatch.web;

import dev.dunning.decision.Catalogue;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.Outbox;
import dev.dunning.dispatch.OutboxEntry;
import dev.dunning.dispatch.OutboxStatus;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.PageView;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The outbox for operators: what is waiting, sent or dead, a message's preview, and re-queueing dead letters. */
@RestController
@RequestMapping(path = "/api/v1/outbox", produces = MediaType.APPLICATION_JSON_VALUE)
public class OutboxController {

    private final DispatchService dispatch;

    OutboxController(DispatchService dispatch) {
        this.dispatch = dispatch;
    }

    /** An outbox entry as the API shows it. */
    public record EntryView(
            String decisionId, String customerId, String action, String channel, String route, String tone, int stage,
            String template, List<String> invoiceIds, OutboxStatus status, Instant notBefore, Instant dueAt,
            int attempts, String claimedBy, String recipient, String lastError, String supersededBy,
            String reviewedBy, String reviewReason, Instant reviewedAt, Long contactId, Instant createdAt,
            Instant updatedAt, Instant sentAt) {

        public static EntryView of(OutboxEntry e) {
            return new EntryView(e.decisionId(), e.customerId(), e.action(), e.channel(), e.route(), e.tone(),
                    e.stage(), e.template(), e.invoiceIds(), e.status(), e.notBefore(), e.dueAt(), e.attempts(),
                    e.claimedBy(), e.recipient(), e.lastError(), e.supersededBy(), e.reviewedBy(), e.reviewReason(),
                    e.reviewedAt(), e.contactId(), e.createdAt(), e.updatedAt(), e.sentAt());
        }
    }

    /** Entries, newest first; {@code status}, {@code channel} (channel or route) and {@code customerId} narrow them. */
    @GetMapping
    PageView<EntryView> list(
            @RequestParam(required = false) String status,
            @RequestParam(required = false) String channel,
            @RequestParam(required = false) String customerId,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        return page(new Outbox.Filter(status(status), channel == null ? null : channel.toUpperCase(Locale.ROOT),
                customerId), page, size);
    }

    /** Dead letters: attempts used up or a failure no retry can fix; {@code POST .../requeue} sends one again. */
    @GetMapping("/dead-letters")
    PageView<EntryView> deadLetters(
            @RequestParam(required = false) String channel,
            @RequestParam(required = false) String customerId,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        return page(new Outbox.Filter(OutboxStatus.DEAD, channel == null ? null : channel.toUpperCase(Locale.ROOT),
                customerId), page, size);
    }

    @GetMapping("/{decisionId}")
    EntryView get(@PathVariable String decisionId) {
        return EntryView.of(dispatch.find(decisionId));
    }

    /** The message as it would be sent now (e-mail subject, text and HTML, or the webhook's JSON); nothing is sent. */
    @GetMapping("/{decisionId}/preview")
    DispatchService.Preview preview(@PathVariable String decisionId) {
        return dispatch.preview(decisionId);
    }

    /** Puts a dead letter back in the queue, due now; 409 for an entry that is not dead. */
    @PostMapping("/{decisionId}/requeue")
    EntryView requeue(@PathVariable String decisionId) {
        return EntryView.of(dispatch.requeue(decisionId));
    }

    private PageView<EntryView> page(Outbox.Filter filter, int page, int size) {
        return new PageView<>(page, size, dispatch.count(filter),
                dispatch.list(filter, page * size, size).stream().map(EntryView::of).toList());
    }

    private static OutboxStatus status(String code) {
        if (code == null) {
            return null;
        }
        return Catalogue.lookup(OutboxStatus.class, code).orElseThrow(() -> new InvalidRequestException(List.of(
                new FieldProblem("status", "\"" + code + "\" is not a known outbox status; use one of "
                        + Arrays.stream(OutboxStatus.values()).map(Enum::name).collect(Collectors.joining(", "))))));
    }
}
