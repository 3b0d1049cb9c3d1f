package dev.dunning.facts;

import dev.dunning.database.Sql;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Customer;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Hold;
import dev.dunning.decision.Invoice;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.annotation.Transactional;

/**
 * Loads what a decision about one customer needs, as of an instant, in four indexed queries (customer, unsettled
 * invoices, recent contacts, holds), all in one read-only transaction so they see one state of the data.
 */
@Repository
public class CustomerFacts {

    /** The contact history a decision looks at: long enough for any overdue episode the policy knows. */
    static final int CONTACT_DAYS = 400;
    static final int CONTACT_LIMIT = 1000;

    /**
     * The customer as a decision sees it: an e-mail address withdrawn after a hard bounce counts as no e-mail consent,
     * a mobile number withdrawn after a STOP reply as no SMS consent, so the rules fall back to another consented
     * channel. Needs {@code customer_contact_details d} joined.
     */
    static final String CUSTOMER_COLUMNS = Customers.COLUMNS
            .replace("c.consent_email", "(c.consent_email AND d.email_withdrawn_at IS NULL) AS consent_email")
            .replace("c.consent_sms", "(c.consent_sms AND d.sms_withdrawn_at IS NULL) AS consent_sms");

    /*
     * A chunk's invoices, contacts and holds: IN lists of up to a chunk of customers, each read through its table's
     * customer index, whatever the index statistics say. MariaDB estimates a long IN list from the statistics InnoDB
     * last counted; right after a large import those can say that one customer holds every row, and each chunk then
     * scanned the whole table (docs/runs.md, "Reading after a large import"; RunSelectionPlanIT).
     */
    private static final String CHUNK_INVOICES = "SELECT " + Invoices.COLUMNS + " FROM invoices i "
            + "FORCE INDEX (invoices_customer) WHERE i.customer_id IN (:ids) "
            + "AND i.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') ORDER BY i.customer_id, i.due_date, i.id";
    private static final String CHUNK_CONTACTS = "SELECT * FROM contact_attempts "
            + "FORCE INDEX (contact_attempts_customer) WHERE customer_id IN (:ids) AND contacted_at <= :asOf "
            + "AND contacted_at > :since ORDER BY customer_id, contacted_at DESC, id DESC";
    private static final String CHUNK_HOLDS = "SELECT * FROM holds FORCE INDEX (holds_customer) "
            + "WHERE customer_id IN (:ids) AND (ended_at IS NULL OR ended_at > :asOf) "
            + "AND (until_date IS NULL OR until_date >= :day) ORDER BY customer_id, from_date, id";

    private final JdbcClient jdbc;

    public CustomerFacts(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The facts of the customer as of {@code asOf}: invoices not yet paid or written off, contacts up to asOf, and holds
     * not ended by asOf. Amounts paid are as stored now.
     */
    public boolean exists(String customerId) {
        return jdbc.sql("SELECT COUNT(*) FROM customers WHERE id = ?").param(customerId).query(Integer.class).single() > 0;
    }

    @Transactional(readOnly = true)
    public Optional<Facts> load(String customerId, Instant asOf) {
        Optional<Customer> customer = jdbc.sql("SELECT " + CUSTOMER_COLUMNS + " FROM customers c "
                        + "LEFT JOIN customer_contact_details d ON d.customer_id = c.id WHERE c.id = ?")
                .param(customerId).query((rs, n) -> Customers.map(rs)).optional();
        if (customer.isEmpty()) {
            return Optional.empty();
        }
        List<Invoice> invoices = jdbc.sql("SELECT " + Invoices.COLUMNS + " FROM invoices i WHERE i.customer_id = ? "
                        + "AND i.status IN ('OPEN', 'PARTIALLY_PAID', 'DISPUTED') ORDER BY i.due_date, i.id")
                .param(customerId).query((rs, n) -> Invoices.map(rs)).list();
        List<ContactAttempt> contacts = jdbc.sql("SELECT * FROM contact_attempts WHERE customer_id = ? "
                        + "AND contacted_at <= ? AND contacted_at > ? ORDER BY contacted_at DESC, id DESC LIMIT ?")
                .params(customerId, Sql.utc(asOf), Sql.utc(asOf.minus(java.time.Duration.ofDays(CONTACT_DAYS))),
                        CONTACT_LIMIT)
                .query((rs, n) -> Contacts.map(rs)).list();
        // A day either side of asOf's UTC date covers every time zone's "today".
        List<Hold> holds = jdbc.sql("SELECT * FROM holds WHERE customer_id = ? AND (ended_at IS NULL OR ended_at > ?) "
                        + "AND (until_date IS NULL OR until_date >= ?) ORDER BY from_date, id")
                .params(customerId, Sql.utc(asOf), asOf.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1))
                .query((rs, n) -> Holds.map(rs)).list();
        return Optional.of(new Facts(asOf, customer.get(), invoices, reversedCopy(contacts), holds));
    }

    /** The parameters of a chunk's three reads ({@link #chunkQueries}). */
    public static Map<String, Object> chunkParams(List<String> customerIds, Instant asOf) {
        return Map.of("ids", customerIds, "asOf", Sql.utc(asOf),
                "since", Sql.utc(asOf.minus(java.time.Duration.ofDays(CONTACT_DAYS))),
                "day", asOf.atOffset(ZoneOffset.UTC).toLocalDate().minusDays(1));
    }

    /** A chunk's reads of invoices, contacts and holds, in that order (for tests of their plans). */
    public static List<String> chunkQueries() {
        return List.of(CHUNK_INVOICES, CHUNK_CONTACTS, CHUNK_HOLDS);
    }

    /**
     * The facts of many customers as of {@code asOf}, as {@link #load} gives them one by one, in four set-based queries
     * (one per kind of fact, each an IN list over the ids) with the same row mappings: a run's chunk costs four round
     * trips, not four per customer. Unknown ids are absent from the result; the order is that of {@code customerIds}.
     */
    @Transactional(readOnly = true)
    public Map<String, Facts> loadAll(List<String> customerIds, Instant asOf) {
        if (customerIds.isEmpty()) {
            return Map.of();
        }
        Map<String, Customer> customers = new HashMap<>();
        jdbc.sql("SELECT " + CUSTOMER_COLUMNS + " FROM customers c "
                        + "LEFT JOIN customer_contact_details d ON d.customer_id = c.id WHERE c.id IN (:ids)")
                .param("ids", customerIds)
                .query(rs -> {
                    Customer customer = Customers.map(rs);
                    customers.put(customer.id(), customer);
                });
        Map<String, List<Invoice>> invoices = new HashMap<>();
        jdbc.sql(CHUNK_INVOICES)
                .param("ids", customerIds)
                .query(rs -> {
                    invoices.computeIfAbsent(rs.getString("customer_id"), k -> new ArrayList<>()).add(Invoices.map(rs));
                });
        Map<String, List<ContactAttempt>> contacts = new HashMap<>();
        jdbc.sql(CHUNK_CONTACTS)
                .params(chunkParams(customerIds, asOf))
                .query(rs -> {
                    List<ContactAttempt> newestFirst = contacts.computeIfAbsent(rs.getString("customer_id"),
                            k -> new ArrayList<>());
                    if (newestFirst.size() < CONTACT_LIMIT) { // the per-customer LIMIT of load()
                        newestFirst.add(Contacts.map(rs));
                    }
                });
        Map<String, List<Hold>> holds = new HashMap<>();
        jdbc.sql(CHUNK_HOLDS)
                .params(chunkParams(customerIds, asOf))
                .query(rs -> {
                    holds.computeIfAbsent(rs.getString("customer_id"), k -> new ArrayList<>()).add(Holds.map(rs));
                });
        Map<String, Facts> facts = new LinkedHashMap<>();
        for (String id : customerIds) {
            Customer customer = customers.get(id);
            if (customer != null) {
                facts.put(id, new Facts(asOf, customer, invoices.getOrDefault(id, List.of()),
                        reversedCopy(contacts.getOrDefault(id, List.of())), holds.getOrDefault(id, List.of())));
            }
        }
        return facts;
    }

    private static <T> List<T> reversedCopy(List<T> newestFirst) {
        List<T> copy = new java.util.ArrayList<>(newestFirst);
        java.util.Collections.reverse(copy);
        return copy;
    }
}
