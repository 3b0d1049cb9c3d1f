package dev.dunning.facts.web;

import dev.dunning.decision.DeclineClass;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Invoice;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.FactsService.NewFailure;
import dev.dunning.facts.FactsService.NewPayment;
import dev.dunning.facts.Invoices;
import dev.dunning.facts.Payment;
import dev.dunning.facts.PaymentFailure;
import dev.dunning.facts.Payments;
import dev.dunning.facts.StoredInvoice;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.facts.Written;
import dev.dunning.validation.CurrencyCode;
import dev.dunning.validation.Identifier;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Invoices, their payments and their failed payment attempts, as billing systems report them. */
@RestController
@RequestMapping(path = "/api/v1/invoices", produces = MediaType.APPLICATION_JSON_VALUE)
class InvoiceController {

    /** Amounts are stored as DECIMAL(19,4): 15 digits before the point, 4 after. */
    static final String DECIMAL_19_4 = "must fit DECIMAL(19,4): at most 15 digits before the decimal point and 4 after";

    private final FactsService facts;
    private final Invoices invoices;
    private final Payments payments;
    private final DeclineCodes declineCodes;
    private final Validator validator;

    InvoiceController(FactsService facts, Invoices invoices, Payments payments, DeclineCodes declineCodes,
            Validator validator) {
        this.facts = facts;
        this.invoices = invoices;
        this.payments = payments;
        this.declineCodes = declineCodes;
        this.validator = validator;
    }

    /**
     * What the billing system owns of an invoice. The amount paid, failed attempts and last decline are the service's
     * own record of payments and failures, so they are not part of it. An absent status is OPEN; OPEN,
     * PARTIALLY_PAID and PAID are settled from the payments recorded, DISPUTED and WRITTEN_OFF are kept as given.
     */
    record InvoiceRequest(
            @Size(max = 64) @Identifier(key = true) String id,
            @NotBlank @Size(max = 64) @Identifier(key = true) String customerId,
            @Size(max = 64) @Identifier String number,
            @NotBlank @CurrencyCode String currency,
            @NotNull @PositiveOrZero @Digits(integer = 15, fraction = 4, message = DECIMAL_19_4) BigDecimal amount,
            @NotNull LocalDate issueDate,
            @NotNull LocalDate dueDate,
            InvoiceStatus status,
            @Size(max = 32) @Identifier String paymentMethod) {

        Invoice toInvoice(String id) {
            return new Invoice(id, number, currency, amount, BigDecimal.ZERO, issueDate, dueDate,
                    status == null ? InvoiceStatus.OPEN : status, paymentMethod, 0, null, null, null);
        }
    }

    /** An invoice as stored, with what payments and failures have made of it. */
    record InvoiceView(
            String id, String customerId, String number, String currency, BigDecimal amount, BigDecimal amountPaid,
            BigDecimal outstanding, LocalDate issueDate, LocalDate dueDate, InvoiceStatus status,
            String paymentMethod, int failedAttempts, String lastDeclineCode, DeclineClass lastDeclineClass,
            Instant lastFailureAt, Instant createdAt, Instant updatedAt) {

        static InvoiceView of(StoredInvoice stored) {
            Invoice i = stored.invoice();
            return new InvoiceView(i.id(), stored.customerId(), i.number(), i.currency(), i.amount(), i.amountPaid(),
                    i.outstanding(), i.issueDate(), i.dueDate(), i.status(), i.paymentMethod(), i.failedAttempts(),
                    i.lastDeclineCode(), i.lastDeclineClass(), i.lastFailureAt(), stored.createdAt(),
                    stored.updatedAt());
        }
    }

    /** A payment received; {@code reference} (the billing system's payment id) makes a retried request harmless. */
    record PaymentRequest(
            @NotNull @Positive @Digits(integer = 15, fraction = 4, message = DECIMAL_19_4) BigDecimal amount,
            @NotBlank @CurrencyCode String currency,
            Instant paidAt,
            @Size(max = 100) @Identifier(key = true) String reference) {}

    /** A failed attempt to collect; the decline code is classified SOFT or HARD from the decline-code list. */
    record FailureRequest(
            @NotBlank @Size(max = 64) @Identifier String declineCode,
            Instant failedAt,
            @PositiveOrZero @Digits(integer = 15, fraction = 4, message = DECIMAL_19_4) BigDecimal amount,
            @Size(max = 100) @Identifier(key = true) String reference) {}

    /** A failure as stored; {@code knownCode} is false when the code is not on the list and counted SOFT by default. */
    record FailureView(
            long id, String invoiceId, Instant failedAt, String declineCode, DeclineClass declineClass,
            boolean knownCode, BigDecimal amount, String reference, Instant recordedAt) {}

    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<InvoiceView> put(@PathVariable String id, @RequestBody InvoiceRequest request) {
        RequestChecks.of(validator, request)
                .pathId(id, request.id())
                .notBefore("dueDate", request.dueDate(), "due date", request.issueDate(), "issue date")
                .fitsCurrency("amount", request.amount(), request.currency())
                .throwIfAny();
        Written<StoredInvoice> written = TransientRetry.write(
                () -> facts.upsertInvoice(request.customerId(), request.toInvoice(id)));
        return Created.orOk(written, InvoiceView::of);
    }

    @GetMapping("/{id}")
    InvoiceView get(@PathVariable String id) {
        return InvoiceView.of(invoice(id));
    }

    /** 201 for a new payment; 200 with the earlier payment when its reference was seen before. */
    @PostMapping(path = "/{id}/payments", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Payment> pay(@PathVariable String id, @RequestBody PaymentRequest request) {
        // The currency must be the invoice's (checked with the invoice locked); its decimals are checked here.
        RequestChecks.of(validator, request).fitsCurrency("amount", request.amount(), request.currency())
                .throwIfAny();
        Written<Payment> written = TransientRetry.write(() -> facts.recordPayment(id, new NewPayment(request.amount(),
                request.currency(), request.paidAt(), request.reference())));
        return Created.orOkAt(written, Payment::id, p -> p);
    }

    /** Payments in the order they were made. */
    @GetMapping("/{id}/payments")
    List<Payment> payments(@PathVariable String id) {
        invoice(id);
        return payments.paymentsOf(id);
    }

    @GetMapping("/{id}/payments/{paymentId}")
    Payment payment(@PathVariable String id, @PathVariable long paymentId) {
        return payments.payment(paymentId).filter(p -> p.invoiceId().equals(id))
                .orElseThrow(() -> new UnknownFactException("payment of invoice " + id, paymentId));
    }

    /** 201 for a new failure; 200 with the earlier one when its reference was seen before. */
    @PostMapping(path = "/{id}/payment-failures", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<FailureView> fail(@PathVariable String id, @RequestBody FailureRequest request) {
        String currency = invoice(id).invoice().currency();
        RequestChecks.of(validator, request).fitsCurrency("amount", request.amount(), currency).throwIfAny();
        Written<PaymentFailure> written = TransientRetry.write(() -> facts.recordFailure(id, new NewFailure(
                request.failedAt(), request.declineCode(), request.amount(), request.reference())));
        return Created.orOkAt(written, PaymentFailure::id, this::view);
    }

    /** Failures in the order they happened. */
    @GetMapping("/{id}/payment-failures")
    List<FailureView> failures(@PathVariable String id) {
        invoice(id);
        return payments.failuresOf(id).stream().map(this::view).toList();
    }

    @GetMapping("/{id}/payment-failures/{failureId}")
    FailureView failure(@PathVariable String id, @PathVariable long failureId) {
        return payments.failure(failureId).filter(f -> f.invoiceId().equals(id)).map(this::view)
                .orElseThrow(() -> new UnknownFactException("payment failure of invoice " + id, failureId));
    }

    private FailureView view(PaymentFailure f) {
        return new FailureView(f.id(), f.invoiceId(), f.failedAt(), f.declineCode(), f.declineClass(),
                declineCodes.knows(f.declineCode()), f.amount(), f.reference(), f.recordedAt());
    }

    private StoredInvoice invoice(String id) {
        return invoices.find(id).orElseThrow(() -> new UnknownFactException("invoice", id));
    }
}
