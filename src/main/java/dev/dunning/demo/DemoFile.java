package dev.dunning.demo;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import dev.dunning.decision.Tone;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The demo customers as written in {@code src/main/resources/demo/customers.json}: every date is relative to the
 * customer's local date on the day of loading, so the stated decisions hold whenever the data is loaded.
 */
public record DemoFile(String about, List<DemoCustomer> customers) {

    public static final String RESOURCE = "/demo/customers.json";

    public DemoFile {
        customers = customers == null ? List.of() : List.copyOf(customers);
    }

    /** The shipped file. */
    public static DemoFile shipped() {
        try (InputStream in = DemoFile.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("The demo data " + RESOURCE + " is missing from the classpath");
            }
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the demo data " + RESOURCE, e);
        }
    }

    static DemoFile read(InputStream in) {
        JsonMapper json = JsonMapper.builder().disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES).build();
        DemoFile file = json.readValue(in, DemoFile.class);
        file.check();
        return file;
    }

    /** Catches slips in the file that would otherwise surface as a puzzling decision. */
    private void check() {
        Set<String> ids = new HashSet<>();
        List<String> problems = new ArrayList<>();
        for (DemoCustomer c : customers) {
            if (!ids.add(c.id())) {
                problems.add(c.id() + ": the customer id is used twice");
            }
            if (c.expect() == null || c.expect().action() == null || c.expect().shows() == null) {
                problems.add(c.id() + ": \"expect\" needs at least \"shows\" and \"action\"");
            }
            // A consented channel without its detail would make every dispatched message a dead letter.
            if (c.consents().contains(Channel.EMAIL) && c.email() == null) {
                problems.add(c.id() + ": e-mail is consented but \"email\" is missing");
            }
            if ((c.consents().contains(Channel.SMS) || c.consents().contains(Channel.PHONE)) && c.mobile() == null) {
                problems.add(c.id() + ": SMS or phone is consented but \"mobile\" is missing");
            }
            if (c.consents().contains(Channel.LETTER) && c.postalAddress() == null) {
                problems.add(c.id() + ": letters are consented but \"postalAddress\" is missing");
            }
            Set<String> invoiceIds = new HashSet<>();
            for (DemoInvoice i : c.invoices()) {
                if (!ids.add(i.id()) || !invoiceIds.add(i.id())) {
                    problems.add(c.id() + ": invoice id " + i.id() + " is used twice");
                }
            }
            for (DemoHold h : c.holds()) {
                if (h.invoiceId() != null && !invoiceIds.contains(h.invoiceId())) {
                    problems.add(c.id() + ": the hold names invoice " + h.invoiceId() + ", which the customer lacks");
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The demo data " + RESOURCE + " has mistakes: " + String.join("; ", problems));
        }
    }

    /**
     * A customer; consents null means all four channels, an empty list none. {@code email}, {@code mobile} and
     * {@code postalAddress} are where dispatched messages go (made up, like everything here).
     */
    public record DemoCustomer(String id, String name, Segment segment, String country, String language,
            String timeZone, String currency, int riskScore, int tenureMonths, String email, String mobile,
            String postalAddress, List<Channel> consents,
            boolean doNotContact, boolean vulnerable, boolean thirdPartyCollection, List<DemoInvoice> invoices,
            List<DemoContact> contacts, List<DemoHold> holds, Expected expect) {

        public DemoCustomer {
            consents = consents == null ? List.of(Channel.EMAIL, Channel.SMS, Channel.PHONE, Channel.LETTER)
                    : List.copyOf(consents);
            invoices = invoices == null ? List.of() : List.copyOf(invoices);
            contacts = contacts == null ? List.of() : List.copyOf(contacts);
            holds = holds == null ? List.of() : List.copyOf(holds);
        }
    }

    /**
     * An invoice in the customer's currency unless it names its own, issued {@code termDays} (default 30) before it
     * fell due; status OPEN unless given (payments settle it to PARTIALLY_PAID or PAID).
     */
    public record DemoInvoice(String id, String currency, BigDecimal amount, int dueDaysAgo, Integer termDays,
            InvoiceStatus status, String paymentMethod, List<DemoPayment> payments, List<DemoFailure> failures) {

        public DemoInvoice {
            termDays = termDays == null ? 30 : termDays;
            status = status == null ? InvoiceStatus.OPEN : status;
            payments = payments == null ? List.of() : List.copyOf(payments);
            failures = failures == null ? List.of() : List.copyOf(failures);
        }
    }

    public record DemoPayment(BigDecimal amount, int daysAgo) {}

    public record DemoFailure(String declineCode, int daysAgo) {}

    public record DemoContact(int daysAgo, Channel channel, Action action, Integer stage, Outcome outcome) {}

    /** A hold from {@code fromDaysAgo} days before the load day until {@code untilInDays} after it (null: open). */
    public record DemoHold(HoldKind kind, String invoiceId, int fromDaysAgo, Integer untilInDays, String reason) {}

    /**
     * The decision the customer is meant to show right after loading: action always; channel, tone, stage, the
     * policy reference that decides (a fired, not overridden rule) and a piece of a reason where given.
     * {@code askAtLocalTime} (HH:mm) asks as of that local time on the load day instead of now.
     */
    public record Expected(String shows, Action action, Channel channel, Tone tone, Integer stage, String policy,
            String reason, String askAtLocalTime) {}

    /** The table of docs/demo-data.md, generated from the file so that the two cannot drift apart. */
    public String markdownTable() {
        StringBuilder out = new StringBuilder();
        out.append("| customer | segment | country | currency | time zone | shows | action | channel | tone | policy |\n");
        out.append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (DemoCustomer c : customers) {
            Expected e = c.expect();
            out.append("| `").append(c.id()).append("` | ").append(c.segment()).append(" | ").append(c.country())
                    .append(" | ").append(c.currency()).append(" | ").append(c.timeZone()).append(" | ")
                    .append(e.shows().replace("|", "\\|")).append(" | ").append(e.action()).append(" | ")
                    .append(e.channel() == null ? "" : e.channel().name()).append(" | ")
                    .append(e.tone() == null ? "" : e.tone().name()).append(" | ")
                    .append(e.policy() == null ? "" : e.policy()).append(" |\n");
        }
        return out.toString();
    }
}
