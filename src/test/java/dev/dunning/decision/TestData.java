package dev.dunning.decision;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Test-data builders, one per fact, with sensible defaults: a US consumer in Los Angeles who consented to every
 * channel, an invoice of USD 120.00, and a fixed clock.
 */
public final class TestData {

    public static final Instant NOW = Instant.parse("2025-03-12T18:00:00Z");
    public static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    private TestData() {}

    public static CustomerBuilder aCustomer() {
        return new CustomerBuilder();
    }

    public static InvoiceBuilder anInvoice() {
        return new InvoiceBuilder();
    }

    public static FactsBuilder facts() {
        return new FactsBuilder();
    }

    public static ContactAttempt contact(String at, Channel channel, Action action, int stage, Outcome outcome) {
        return new ContactAttempt(Instant.parse(at), channel, action, stage, outcome);
    }

    public static Hold hold(HoldKind kind, String from, String until) {
        return new Hold(kind, null, LocalDate.parse(from), until == null ? null : LocalDate.parse(until));
    }

    public static Hold dispute(String invoiceId, String from) {
        return new Hold(HoldKind.DISPUTE, invoiceId, LocalDate.parse(from), null);
    }

    /** A contact at an exact instant. */
    public static ContactAttempt contact(Instant at, Channel channel, Action action, int stage, Outcome outcome) {
        return new ContactAttempt(at, channel, action, stage, outcome);
    }

    /** The instant so many whole days (of 24 hours) before {@link #NOW}. */
    public static Instant daysBeforeNow(int days) {
        return NOW.minus(Duration.ofDays(days));
    }

    /** A hold of any kind on one invoice only; {@code until} may be null (open-ended). */
    public static Hold invoiceHold(HoldKind kind, String invoiceId, String from, String until) {
        return new Hold(kind, invoiceId, LocalDate.parse(from), until == null ? null : LocalDate.parse(until));
    }

    public static final class CustomerBuilder {
        private String id = "C-1";
        private String name = "Test Customer";
        private Segment segment = Segment.CONSUMER;
        private String country = "US";
        private String language = "en";
        private String timeZone = "America/Los_Angeles";
        private String currency = "USD";
        private int riskScore = 40;
        private int tenureMonths = 18;
        private final Map<Channel, Boolean> consents = new EnumMap<>(Map.of(
                Channel.EMAIL, true, Channel.SMS, true, Channel.PHONE, true, Channel.LETTER, true));
        private boolean doNotContact;
        private boolean vulnerable;
        private boolean thirdPartyCollection;

        public CustomerBuilder id(String id) {
            this.id = id;
            return this;
        }

        public CustomerBuilder name(String name) {
            this.name = name;
            return this;
        }

        public CustomerBuilder consumer() {
            return segment(Segment.CONSUMER);
        }

        public CustomerBuilder segment(Segment segment) {
            this.segment = segment;
            return this;
        }

        public CustomerBuilder in(String country, String timeZone, String currency) {
            this.country = country;
            this.timeZone = timeZone;
            this.currency = currency;
            return this;
        }

        public CustomerBuilder language(String language) {
            this.language = language;
            return this;
        }

        public CustomerBuilder inTimeZone(String timeZone) {
            this.timeZone = timeZone;
            return this;
        }

        public CustomerBuilder risk(int riskScore) {
            this.riskScore = riskScore;
            return this;
        }

        public CustomerBuilder tenureMonths(int months) {
            this.tenureMonths = months;
            return this;
        }

        public CustomerBuilder withoutConsent(Channel... channels) {
            for (Channel c : channels) {
                consents.put(c, false);
            }
            return this;
        }

        public CustomerBuilder doNotContact() {
            this.doNotContact = true;
            return this;
        }

        public CustomerBuilder vulnerable() {
            this.vulnerable = true;
            return this;
        }

        public CustomerBuilder thirdPartyCollection() {
            this.thirdPartyCollection = true;
            return this;
        }

        public Customer build() {
            return new Customer(id, name, segment, country, language, timeZone, currency, riskScore,
                    tenureMonths, consents, doNotContact, vulnerable, thirdPartyCollection);
        }
    }

    public static final class InvoiceBuilder {
        private String id = "I-1";
        private String number = "2025-0001";
        private String currency = "USD";
        private BigDecimal amount = new BigDecimal("120.00");
        private BigDecimal paid = BigDecimal.ZERO;
        private LocalDate issue = LocalDate.parse("2025-01-15");
        private LocalDate due = LocalDate.parse("2025-02-14");
        private InvoiceStatus status = InvoiceStatus.OPEN;
        private String method = "CARD";
        private int failed;
        private String decline;
        private Instant lastFailureAt;
        private DeclineClass declineClass;

        public InvoiceBuilder id(String id) {
            this.id = id;
            this.number = "N-" + id;
            return this;
        }

        public InvoiceBuilder amount(String currency, String amount) {
            this.currency = currency;
            this.amount = new BigDecimal(amount);
            return this;
        }

        public InvoiceBuilder paid(String amount) {
            this.paid = new BigDecimal(amount);
            this.status = InvoiceStatus.PARTIALLY_PAID;
            return this;
        }

        public InvoiceBuilder due(String date) {
            this.due = LocalDate.parse(date);
            this.issue = this.due.minusDays(30);
            return this;
        }

        /** Due so many days before the customer-local day of {@link #NOW} in Los Angeles (2025-03-12). */
        public InvoiceBuilder daysOverdue(int days) {
            return due(LocalDate.parse("2025-03-12").minusDays(days).toString());
        }

        public InvoiceBuilder status(InvoiceStatus status) {
            this.status = status;
            return this;
        }

        public InvoiceBuilder failed(int attempts, String declineCode) {
            this.failed = attempts;
            this.decline = declineCode;
            return this;
        }

        public InvoiceBuilder lastFailureAt(String instant) {
            this.lastFailureAt = Instant.parse(instant);
            return this;
        }

        /** The decline class as the billing system reported it, which then wins over the decline-code list. */
        public InvoiceBuilder declineClass(DeclineClass declineClass) {
            this.declineClass = declineClass;
            return this;
        }

        public Invoice build() {
            return new Invoice(id, number, currency, amount, paid, issue, due, status, method, failed, decline,
                    declineClass, lastFailureAt);
        }
    }

    public static final class FactsBuilder {
        private Instant asOf = NOW;
        private Customer customer = aCustomer().build();
        private final List<Invoice> invoices = new ArrayList<>();
        private final List<ContactAttempt> contacts = new ArrayList<>();
        private final List<Hold> holds = new ArrayList<>();

        public FactsBuilder asOf(String instant) {
            this.asOf = Instant.parse(instant);
            return this;
        }

        /** Facts without an asOf: the decision is taken as of the clock's instant. */
        public FactsBuilder withoutAsOf() {
            this.asOf = null;
            return this;
        }

        public FactsBuilder customer(CustomerBuilder customer) {
            this.customer = customer.build();
            return this;
        }

        public FactsBuilder invoice(InvoiceBuilder invoice) {
            invoices.add(invoice.build());
            return this;
        }

        public FactsBuilder contact(ContactAttempt contact) {
            contacts.add(contact);
            return this;
        }

        public FactsBuilder hold(Hold hold) {
            holds.add(hold);
            return this;
        }

        public Facts build() {
            return new Facts(asOf, customer, invoices, contacts, holds);
        }

        public DunningCase derive() {
            return derive(CLOCK);
        }

        public DunningCase derive(Clock clock) {
            return DunningCase.derive(build(), clock, DeclineCodes.shipped());
        }
    }
}
