package dev.dunning.decision;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The derived snapshot of one customer at one instant: what the rules see. Built by plain Java from the input facts
 * ({@link #derive}); pure apart from the injected clock, which is read only when the facts carry no {@code asOf}.
 *
 * <p>"Overdue" counts an open invoice with money outstanding from the day after its due date, in the customer's local
 * calendar. Invoices under an invoice-scoped hold (a dispute) or with status DISPUTED are left out of the overdue
 * figures and counted as disputed instead.
 */
public final class DunningCase {

    private final Customer customer;
    private final Instant asOf;
    private final ZonedDateTime localDateTime;
    private final List<InvoiceCase> invoiceCases;
    private final List<Exposure> exposures;
    private final List<String> overdueInvoiceIds;
    private final Map<String, BigDecimal> overdueAmountByCurrency;
    private final Map<String, Integer> maxDaysOverdueByCurrency;
    private final Map<String, Integer> overdueCountByCurrency;
    private final int maxDaysOverdue;
    private final List<String> disputedInvoiceNumbers;
    private final LocalDate nextDueDate;
    private final LocalDate episodeStart;
    private final int stageReached;
    private final Instant lastContactAt;
    private final int callsLast7Days;
    private final ContactAttempt lastConversation;
    private final int consecutiveBounces;
    private final int complaints;
    private final List<Hold> activeHolds;
    private final Hold customerHold;

    private DunningCase(Builder b) {
        this.customer = b.customer;
        this.asOf = b.asOf;
        this.localDateTime = b.localDateTime;
        this.invoiceCases = List.copyOf(b.invoiceCases);
        this.exposures = List.copyOf(b.exposures);
        this.overdueInvoiceIds = List.copyOf(b.overdueInvoiceIds);
        this.overdueAmountByCurrency = Collections.unmodifiableMap(b.overdueAmountByCurrency);
        this.maxDaysOverdueByCurrency = Collections.unmodifiableMap(b.maxDaysOverdueByCurrency);
        this.overdueCountByCurrency = Collections.unmodifiableMap(b.overdueCountByCurrency);
        this.maxDaysOverdue = b.maxDaysOverdue;
        this.disputedInvoiceNumbers = List.copyOf(b.disputedInvoiceNumbers);
        this.nextDueDate = b.nextDueDate;
        this.episodeStart = b.episodeStart;
        this.stageReached = b.stageReached;
        this.lastContactAt = b.lastContactAt;
        this.callsLast7Days = b.callsLast7Days;
        this.lastConversation = b.lastConversation;
        this.consecutiveBounces = b.consecutiveBounces;
        this.complaints = b.complaints;
        this.activeHolds = List.copyOf(b.activeHolds);
        this.customerHold = b.customerHold;
    }

    /** Derives the snapshot as of {@code facts.asOf()}, or the clock's instant when the facts carry none. */
    public static DunningCase derive(Facts facts, Clock clock, DeclineCodes declineCodes) {
        Builder b = new Builder();
        Customer customer = facts.customer();
        b.customer = customer;
        b.asOf = facts.asOf() != null ? facts.asOf() : clock.instant();
        b.localDateTime = b.asOf.atZone(ZoneId.of(customer.timeZone()));
        LocalDate today = b.localDateTime.toLocalDate();

        for (Hold hold : facts.holds()) {
            if (hold.activeOn(today)) {
                b.activeHolds.add(hold);
            }
        }
        Set<String> heldInvoices = new HashSet<>();
        for (Hold hold : b.activeHolds) {
            if (!hold.coversCustomer()) {
                heldInvoices.add(hold.invoiceId());
            }
        }
        // The hold that pauses the customer longest decides: an open-ended hold outlasts any dated one.
        b.customerHold = b.activeHolds.stream()
                .filter(Hold::coversCustomer)
                .max(Comparator.comparing(h -> h.until() == null ? LocalDate.MAX : h.until()))
                .orElse(null);

        LocalDate earliestOverdueDue = null;
        for (Invoice invoice : facts.invoices()) {
            if (!invoice.status().isOpen() || invoice.outstanding().signum() <= 0) {
                continue;
            }
            int daysOverdue = (int) Math.max(0, ChronoUnit.DAYS.between(invoice.dueDate(), today));
            boolean disputed = invoice.status() == InvoiceStatus.DISPUTED || heldInvoices.contains(invoice.id());
            if (daysOverdue > 0) {
                if (earliestOverdueDue == null || invoice.dueDate().isBefore(earliestOverdueDue)) {
                    earliestOverdueDue = invoice.dueDate();
                }
                if (disputed) {
                    b.disputedInvoiceNumbers.add(invoice.number());
                } else {
                    b.overdueInvoiceIds.add(invoice.id());
                    b.overdueAmountByCurrency.merge(invoice.currency(), invoice.outstanding(), BigDecimal::add);
                    b.maxDaysOverdueByCurrency.merge(invoice.currency(), daysOverdue, Math::max);
                    b.overdueCountByCurrency.merge(invoice.currency(), 1, Integer::sum);
                    b.maxDaysOverdue = Math.max(b.maxDaysOverdue, daysOverdue);
                }
            } else if (b.nextDueDate == null || invoice.dueDate().isBefore(b.nextDueDate)) {
                b.nextDueDate = invoice.dueDate();
            }
            if (daysOverdue > 0 || invoice.failedAttempts() > 0) {
                b.invoiceCases.add(invoiceCase(invoice, daysOverdue, disputed, customer, b.asOf, declineCodes));
            }
        }

        if (earliestOverdueDue != null) {
            b.episodeStart = earliestOverdueDue.plusDays(1);
        }
        Instant episodeBegan = b.episodeStart == null
                ? null
                : b.episodeStart.atStartOfDay(b.localDateTime.getZone()).toInstant();
        Instant weekAgo = b.asOf.minus(Duration.ofDays(7));
        for (ContactAttempt contact : facts.contacts()) {
            if (contact.at().isAfter(b.asOf)) {
                continue; // recorded for a later instant than the one we decide for
            }
            if (contact.outcome().reached()) {
                if (b.lastContactAt == null || contact.at().isAfter(b.lastContactAt)) {
                    b.lastContactAt = contact.at();
                }
                if (episodeBegan != null && !contact.at().isBefore(episodeBegan)) {
                    b.stageReached = Math.max(b.stageReached, contact.stageOrZero());
                }
            }
            if (contact.channel() == Channel.PHONE && contact.at().isAfter(weekAgo)) {
                b.callsLast7Days++;
            }
            if (contact.outcome() == Outcome.CONVERSATION
                    && (b.lastConversation == null || contact.at().isAfter(b.lastConversation.at()))) {
                b.lastConversation = contact;
            }
            if (contact.complained()) {
                b.complaints++;
            }
        }

        // The latest contacts, newest first, for as long as they bounced (inline facts may come in any order).
        List<ContactAttempt> newestFirst = facts.contacts().stream().filter(c -> !c.at().isAfter(b.asOf))
                .sorted(java.util.Comparator.comparing(ContactAttempt::at).reversed()).toList();
        for (ContactAttempt contact : newestFirst) {
            if (contact.outcome() != Outcome.BOUNCED) {
                break;
            }
            b.consecutiveBounces++;
        }

        String segment = customer.segment().name();
        b.overdueAmountByCurrency.forEach((currency, amount) -> b.exposures.add(new Exposure(
                customer.id(),
                currency,
                amount,
                b.overdueCountByCurrency.get(currency),
                b.maxDaysOverdueByCurrency.get(currency),
                segment,
                customer.country(),
                b.stageReached,
                customer.riskScore())));
        return new DunningCase(b);
    }

    private static InvoiceCase invoiceCase(
            Invoice invoice, int daysOverdue, boolean disputed, Customer customer, Instant asOf, DeclineCodes codes) {
        ZoneId zone = ZoneId.of(customer.timeZone());
        String declineClass = null;
        if (invoice.failedAttempts() > 0) {
            declineClass = (invoice.lastDeclineClass() != null
                            ? invoice.lastDeclineClass()
                            : codes.classify(invoice.lastDeclineCode()))
                    .name();
        }
        int daysSinceFailure = invoice.lastFailureAt() == null
                ? InvoiceCase.UNKNOWN_DAYS
                : (int) Math.max(0, ChronoUnit.DAYS.between(invoice.lastFailureAt().atZone(zone).toLocalDate(),
                        asOf.atZone(zone).toLocalDate()));
        return new InvoiceCase(
                invoice.id(),
                invoice.number(),
                invoice.currency(),
                invoice.outstanding(),
                daysOverdue,
                invoice.status().name(),
                invoice.paymentMethod(),
                invoice.failedAttempts(),
                invoice.lastDeclineCode(),
                declineClass,
                daysSinceFailure,
                disputed,
                customer.segment().name(),
                customer.segment().isBusiness(),
                customer.country());
    }

    // --- the customer, flattened -------------------------------------------------------------------------------

    public Customer getCustomer() {
        return customer;
    }

    public String getCustomerId() {
        return customer.id();
    }

    public String getSegment() {
        return customer.segment().name();
    }

    public boolean isBusiness() {
        return customer.segment().isBusiness();
    }

    public String getCountry() {
        return customer.country();
    }

    public String getLanguage() {
        return customer.language();
    }

    public String getCurrency() {
        return customer.currency();
    }

    public int getRiskScore() {
        return customer.riskScore();
    }

    public int getTenureMonths() {
        return customer.tenureMonths();
    }

    public boolean isEmailConsent() {
        return customer.consentsTo(Channel.EMAIL);
    }

    public boolean isSmsConsent() {
        return customer.consentsTo(Channel.SMS);
    }

    public boolean isPhoneConsent() {
        return customer.consentsTo(Channel.PHONE);
    }

    public boolean isLetterConsent() {
        return customer.consentsTo(Channel.LETTER);
    }

    public boolean isDoNotContact() {
        return customer.doNotContact();
    }

    public boolean isVulnerable() {
        return customer.vulnerable();
    }

    public boolean isThirdPartyCollection() {
        return customer.thirdPartyCollection();
    }

    // --- time -----------------------------------------------------------------------------------------------------

    public Instant getAsOf() {
        return asOf;
    }

    public ZonedDateTime getLocalDateTime() {
        return localDateTime;
    }

    /** The customer's local calendar day: the day all "days overdue" count from. */
    public LocalDate getToday() {
        return localDateTime.toLocalDate();
    }

    public LocalTime getLocalTime() {
        return localDateTime.toLocalTime();
    }

    public int getLocalHour() {
        return localDateTime.getHour();
    }

    // --- what is owed ---------------------------------------------------------------------------------------------

    public List<Exposure> getExposures() {
        return exposures;
    }

    public List<InvoiceCase> getInvoiceCases() {
        return invoiceCases;
    }

    public List<String> getOverdueInvoiceIds() {
        return overdueInvoiceIds;
    }

    public int getOverdueInvoiceCount() {
        return overdueInvoiceIds.size();
    }

    public boolean isOverdue() {
        return !overdueInvoiceIds.isEmpty();
    }

    public int getMaxDaysOverdue() {
        return maxDaysOverdue;
    }

    public Map<String, BigDecimal> getOverdueAmountByCurrency() {
        return overdueAmountByCurrency;
    }

    public Map<String, Integer> getMaxDaysOverdueByCurrency() {
        return maxDaysOverdueByCurrency;
    }

    public Map<String, Integer> getOverdueCountByCurrency() {
        return overdueCountByCurrency;
    }

    /**
     * True when something is overdue but every overdue invoice is disputed and no undisputed payment failed, so there
     * is nothing left to dun.
     */
    public boolean isOnlyDisputedOverdue() {
        return overdueInvoiceIds.isEmpty()
                && !disputedInvoiceNumbers.isEmpty()
                && invoiceCases.stream().allMatch(InvoiceCase::isDisputed);
    }

    public int getDisputedInvoiceCount() {
        return disputedInvoiceNumbers.size();
    }

    public List<String> getDisputedInvoiceNumbers() {
        return disputedInvoiceNumbers;
    }

    /** Earliest due date of an open invoice that is not yet overdue, or null. */
    public LocalDate getNextDueDate() {
        return nextDueDate;
    }

    // --- the overdue episode and the contact history -------------------------------------------------------------

    /** First day overdue of the oldest overdue invoice; null when nothing is overdue. */
    public LocalDate getEpisodeStart() {
        return episodeStart;
    }

    /** Highest stage of a contact that reached the customer since the episode began; 0 if none. */
    public int getStageReached() {
        return stageReached;
    }

    public Instant getLastContactAt() {
        return lastContactAt;
    }

    /**
     * Days since the last contact that reached the customer, counted on the customer's local calendar (a contact
     * yesterday evening is 1 day ago); null if never contacted.
     */
    public Integer getDaysSinceLastContact() {
        return lastContactAt == null ? null : localDaysSince(lastContactAt);
    }

    private int localDaysSince(Instant then) {
        return (int) ChronoUnit.DAYS.between(then.atZone(localDateTime.getZone()).toLocalDate(), getToday());
    }

    /** Call attempts (any outcome) in the 7 x 24 hours before asOf. */
    public int getCallsLast7Days() {
        return callsLast7Days;
    }

    public ContactAttempt getLastConversation() {
        return lastConversation;
    }

    /** Days since the last conversation with the customer, on the local calendar; null if there was none. */
    public Integer getDaysSinceLastConversation() {
        return lastConversation == null ? null : localDaysSince(lastConversation.at());
    }

    /**
     * How many of the customer's latest contacts bounced in a row, any channel (0 when the latest did not bounce): a
     * message that bounces again and again is better sent another way.
     */
    public int getConsecutiveBounces() {
        return consecutiveBounces;
    }

    /** True when at least the last two contacts bounced: the customer bounces repeatedly. */
    public boolean isBouncingRepeatedly() {
        return consecutiveBounces >= 2;
    }

    /**
     * How many of the customer's contacts in the history (up to {@code asOf}) drew a complaint: marked as spam, a STOP
     * reply, a complaint to a person. Whatever their outcome.
     */
    public int getComplaints() {
        return complaints;
    }

    /** True from two complaints: the customer complains repeatedly (a softer tone or another channel may be due). */
    public boolean isComplainingRepeatedly() {
        return complaints >= 2;
    }

    // --- holds ----------------------------------------------------------------------------------------------------

    public List<Hold> getActiveHolds() {
        return activeHolds;
    }

    public boolean isOnHold() {
        return customerHold != null;
    }

    /** Kind of the customer-wide hold in force (the one lasting longest), or null. */
    public String getHoldKind() {
        return customerHold == null ? null : customerHold.kind().name();
    }

    public LocalDate getHoldFrom() {
        return customerHold == null ? null : customerHold.from();
    }

    /** Last day of the customer-wide hold in force; null when it has no agreed end (or there is none). */
    public LocalDate getHoldUntil() {
        return customerHold == null ? null : customerHold.until();
    }

    public Optional<Hold> customerHold() {
        return Optional.ofNullable(customerHold);
    }

    /** The next instant at which the local wall clock shows {@code time}, correct across daylight-saving changes. */
    public Instant nextLocal(LocalTime time) {
        ZonedDateTime candidate = ZonedDateTime.of(LocalDateTime.of(getToday(), time), localDateTime.getZone());
        if (candidate.toInstant().isBefore(asOf)) {
            candidate = ZonedDateTime.of(LocalDateTime.of(getToday().plusDays(1), time), localDateTime.getZone());
        }
        return candidate.toInstant();
    }

    private static final class Builder {
        Customer customer;
        Instant asOf;
        ZonedDateTime localDateTime;
        final List<InvoiceCase> invoiceCases = new ArrayList<>();
        final List<Exposure> exposures = new ArrayList<>();
        final List<String> overdueInvoiceIds = new ArrayList<>();
        final Map<String, BigDecimal> overdueAmountByCurrency = new LinkedHashMap<>();
        final Map<String, Integer> maxDaysOverdueByCurrency = new LinkedHashMap<>();
        final Map<String, Integer> overdueCountByCurrency = new LinkedHashMap<>();
        int maxDaysOverdue;
        final List<String> disputedInvoiceNumbers = new ArrayList<>();
        LocalDate nextDueDate;
        LocalDate episodeStart;
        int stageReached;
        Instant lastContactAt;
        int callsLast7Days;
        ContactAttempt lastConversation;
        int consecutiveBounces;
        int complaints;
        final List<Hold> activeHolds = new ArrayList<>();
        Hold customerHold;
    }
}
