package dev.dunning.demo;

import dev.dunning.database.DatabaseProperties;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Customer;
import dev.dunning.decision.Hold;
import dev.dunning.decision.Invoice;
import dev.dunning.demo.DemoFile.DemoContact;
import dev.dunning.demo.DemoFile.DemoCustomer;
import dev.dunning.demo.DemoFile.DemoFailure;
import dev.dunning.demo.DemoFile.DemoHold;
import dev.dunning.demo.DemoFile.DemoInvoice;
import dev.dunning.demo.DemoFile.DemoPayment;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.FactsService.NewFailure;
import dev.dunning.facts.FactsService.NewPayment;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.util.StringUtils;

/**
 * Loads the demo customers ({@link DemoFile}) at start into an empty database, so that the README's examples work
 * right after the run command. On for the embedded default unless {@code dunning.database.demo-data=false}; with the
 * operator's own server only when that setting is given as true, because a production database must never receive
 * made-up customers by default.
 */
@Component
class DemoData implements ApplicationRunner {

    /** Local time of day at which demo contacts, payments and failures happened. */
    static final LocalTime EVENT_TIME = LocalTime.of(10, 0);

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    private final FactsService facts;
    private final JdbcClient jdbc;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final boolean enabled;

    DemoData(FactsService facts, JdbcClient jdbc, TransactionTemplate transaction, Clock clock,
            DatabaseProperties properties, Environment environment) {
        this.facts = facts;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.clock = clock;
        boolean embedded = !StringUtils.hasText(environment.getProperty("spring.datasource.url"));
        boolean explicit = environment.containsProperty("dunning.database.demo-data");
        this.enabled = properties.demoData() && (embedded || explicit);
    }

    @Override
    public void run(ApplicationArguments args) {
        if (enabled) {
            loadIfEmpty();
        }
    }

    /**
     * Loads the demo customers in one transaction if the customers table is empty.
     *
     * @return true if it loaded them, false if there were customers already
     */
    boolean loadIfEmpty() {
        DemoFile file = DemoFile.shipped();
        Boolean loaded = transaction.execute(status -> {
            // Locks the table's first index gap too, so that two instances starting at once do not both load.
            if (jdbc.sql("SELECT id FROM customers LIMIT 1 FOR UPDATE").query(String.class).optional().isPresent()) {
                return false;
            }
            Instant now = clock.instant();
            file.customers().forEach(c -> load(c, now));
            return true;
        });
        if (Boolean.TRUE.equals(loaded)) {
            log.info("Loaded {} demo customers (setting dunning.database.demo-data; see docs/demo-data.md)",
                    file.customers().size());
        }
        return Boolean.TRUE.equals(loaded);
    }

    private void load(DemoCustomer c, Instant now) {
        ZoneId zone = ZoneId.of(c.timeZone());
        LocalDate today = now.atZone(zone).toLocalDate();
        Map<Channel, Boolean> consents = new EnumMap<>(Channel.class);
        c.consents().forEach(channel -> consents.put(channel, true));
        facts.upsertCustomer(new Customer(c.id(), c.name(), c.segment(), c.country(), c.language(), c.timeZone(),
                c.currency(), c.riskScore(), c.tenureMonths(), consents, c.doNotContact(), c.vulnerable(),
                c.thirdPartyCollection()), new ContactDetails(c.email(), c.mobile(), c.postalAddress(), null, null));
        for (DemoInvoice i : c.invoices()) {
            String currency = i.currency() == null ? c.currency() : i.currency();
            LocalDate due = today.minusDays(i.dueDaysAgo());
            facts.upsertInvoice(c.id(), new Invoice(i.id(), i.id().replace("DEMO-", "INV-"), currency, i.amount(),
                    null, due.minusDays(i.termDays()), due, i.status(), i.paymentMethod(), 0, null, null, null));
            int n = 0;
            for (DemoPayment p : i.payments()) {
                facts.recordPayment(i.id(), new NewPayment(p.amount(), currency, at(today, p.daysAgo(), zone),
                        "demo-" + ++n));
            }
            for (DemoFailure f : i.failures()) {
                facts.recordFailure(i.id(), new NewFailure(at(today, f.daysAgo(), zone), f.declineCode(), i.amount(),
                        "demo-" + ++n));
            }
        }
        int n = 0;
        for (DemoContact k : c.contacts()) {
            facts.recordContact(c.id(), new ContactAttempt(at(today, k.daysAgo(), zone), k.channel(), k.action(),
                    k.stage(), k.outcome()), "demo-" + ++n);
        }
        for (DemoHold h : c.holds()) {
            facts.addHold(c.id(), new Hold(h.kind(), h.invoiceId(), today.minusDays(h.fromDaysAgo()),
                    h.untilInDays() == null ? null : today.plusDays(h.untilInDays())), h.reason());
        }
    }

    /** 10:00 local time {@code daysAgo} days before the customer's local load day. */
    static Instant at(LocalDate today, int daysAgo, ZoneId zone) {
        return today.minusDays(daysAgo).atTime(EVENT_TIME).atZone(zone).toInstant();
    }
}
