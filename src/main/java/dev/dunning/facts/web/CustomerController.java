package dev.dunning.facts.web;

import dev.dunning.decision.Catalogue;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Customer;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.decision.Segment;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.CustomerContactDetails;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.Invoices;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.facts.Written;
import dev.dunning.validation.CountryCode;
import dev.dunning.validation.CurrencyCode;
import dev.dunning.validation.Identifier;
import dev.dunning.validation.TimeZoneId;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.PageView;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Customers as the billing system keeps them here: an idempotent upsert, a read, and the customer's invoices. */
@RestController
@RequestMapping(path = "/api/v1/customers", produces = MediaType.APPLICATION_JSON_VALUE)
class CustomerController {

    private final FactsService facts;
    private final Customers customers;
    private final Invoices invoices;
    private final CustomerContactDetails contactDetails;
    private final Validator validator;

    CustomerController(FactsService facts, Customers customers, Invoices invoices,
            CustomerContactDetails contactDetails, Validator validator) {
        this.facts = facts;
        this.contactDetails = contactDetails;
        this.customers = customers;
        this.invoices = invoices;
        this.validator = validator;
    }

    /**
     * Everything the service keeps about a customer; a PUT replaces all of it. Lengths are those of the columns.
     * Absent numbers count as 0, absent flags as false, absent consents as not given (consent is opt-in).
     */
    record CustomerRequest(
            @Size(max = 64) @Identifier(key = true) String id,
            @Size(max = 200) String name,
            @NotNull Segment segment,
            @NotBlank @CountryCode String country,
            @Pattern(regexp = "[a-z]{2,3}", message = "must be an ISO 639 language code such as en or de")
                    String language,
            @NotBlank @Size(max = 64) @TimeZoneId String timeZone,
            @CurrencyCode String currency,
            @Min(0) @Max(100) Integer riskScore,
            @Min(0) @Max(2400) Integer tenureMonths,
            Map<Channel, Boolean> consents,
            Boolean doNotContact,
            Boolean vulnerable,
            Boolean thirdPartyCollection,
            @Email @Size(max = ContactDetails.EMAIL_MAX) String email,
            @Pattern(regexp = ContactDetails.MOBILE, message = "must be an E.164 number such as +4915112345678")
                    String mobile,
            @Size(max = ContactDetails.POSTAL_ADDRESS_MAX) String postalAddress) {

        ContactDetails toContactDetails() {
            return new ContactDetails(email, mobile, postalAddress, null, null);
        }

        Customer toCustomer(String id) {
            return new Customer(id, name, segment, country, language, timeZone, currency, orZero(riskScore),
                    orZero(tenureMonths), consents, Boolean.TRUE.equals(doNotContact), Boolean.TRUE.equals(vulnerable),
                    Boolean.TRUE.equals(thirdPartyCollection));
        }

        private static int orZero(Integer value) {
            return value == null ? 0 : value;
        }
    }

    /**
     * The customer with its contact details; {@code emailWithdrawnAt} is set while the address is withdrawn (a hard
     * bounce), {@code smsWithdrawnAt} while the mobile number is withdrawn from texts (a STOP reply).
     */
    record CustomerView(
            String id, String name, Segment segment, String country, String language, String timeZone,
            String currency, int riskScore, int tenureMonths, Map<Channel, Boolean> consents, boolean doNotContact,
            boolean vulnerable, boolean thirdPartyCollection, String email, String mobile, String postalAddress,
            Instant emailWithdrawnAt, String emailWithdrawnReason, Instant smsWithdrawnAt, String smsWithdrawnReason) {

        static CustomerView of(Customer c, ContactDetails d) {
            return new CustomerView(c.id(), c.name(), c.segment(), c.country(), c.language(), c.timeZone(),
                    c.currency(), c.riskScore(), c.tenureMonths(), c.consents(), c.doNotContact(), c.vulnerable(),
                    c.thirdPartyCollection(), d.email(), d.mobile(), d.postalAddress(), d.emailWithdrawnAt(),
                    d.emailWithdrawnReason(), d.smsWithdrawnAt(), d.smsWithdrawnReason());
        }
    }

    /** Replaces the customer and its contact details (absent details are cleared). */
    @PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<CustomerView> put(@PathVariable String id, @RequestBody CustomerRequest request) {
        RequestChecks.of(validator, request).pathId(id, request.id()).throwIfAny();
        Written<Customer> written = TransientRetry.write(
                () -> facts.upsertCustomer(request.toCustomer(id), request.toContactDetails()));
        return Created.orOk(written, c -> CustomerView.of(c, contactDetails.of(id)));
    }

    @GetMapping("/{id}")
    CustomerView get(@PathVariable String id) {
        Customer customer = customers.find(id).orElseThrow(() -> new UnknownFactException("customer", id));
        return CustomerView.of(customer, contactDetails.of(id));
    }

    /** The customer's invoices, newest due date first; {@code status} (repeated or comma-separated) narrows them. */
    @GetMapping("/{id}/invoices")
    PageView<InvoiceController.InvoiceView> invoices(
            @PathVariable String id,
            @RequestParam(required = false) List<String> status,
            @RequestParam(defaultValue = "0") @Min(0) @Max(100_000) int page,
            @RequestParam(defaultValue = "20") @Min(1) @Max(200) int size) {
        Set<InvoiceStatus> statuses = statuses(status);
        if (!customers.exists(id)) {
            throw new UnknownFactException("customer", id);
        }
        var items = invoices.pageOfCustomer(id, statuses, page * size, size).stream()
                .map(InvoiceController.InvoiceView::of).toList();
        return new PageView<>(page, size, invoices.countOfCustomer(id, statuses), items);
    }

    /** Parsed here rather than by Spring so that an unknown status gets the list of the known ones. */
    private static Set<InvoiceStatus> statuses(List<String> codes) {
        Set<InvoiceStatus> statuses = EnumSet.noneOf(InvoiceStatus.class);
        List<String> unknown = new ArrayList<>();
        for (String code : codes == null ? List.<String>of() : codes) {
            Catalogue.lookup(InvoiceStatus.class, code).ifPresentOrElse(statuses::add, () -> unknown.add(code));
        }
        if (!unknown.isEmpty()) {
            throw new InvalidRequestException(List.of(new FieldProblem("status", "\"" + String.join("\", \"", unknown)
                    + "\" is not a known invoice status; use one of "
                    + String.join(", ", Catalogue.codes(InvoiceStatus.class)))));
        }
        return statuses;
    }
}
