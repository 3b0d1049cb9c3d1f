package dev.dunning.imports;

import dev.dunning.database.Sql;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.decision.Segment;
import dev.dunning.facts.ContactDetails;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Email;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Imports a CSV file of customers or invoices whole or not at all, in one transaction:
 *
 * <ol>
 *   <li>reads the file once, streaming, checking every value of every row as the JSON API does, and puts the good
 *       rows into a temporary staging table in multi-row INSERTs (memory stays flat whatever the file's size);
 *   <li>checks across rows with a few set-based queries: ids repeated in the file, invoices of unknown customers, and
 *       invoices whose stored state forbids the update (same rules as {@code FactsService.upsertInvoice});
 *   <li>if any row has a problem, rolls back and reports them all (listed up to a limit, all counted) with their lines;
 *   <li>otherwise upserts everything with one INSERT ... SELECT ... ON DUPLICATE KEY UPDATE and commits.
 * </ol>
 *
 * Re-importing a file is harmless: every row is an upsert of the same values.
 */
@Service
public class BulkImporter {

    private static final Logger log = LoggerFactory.getLogger(BulkImporter.class);

    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final ImportProperties properties;
    private final Clock clock;
    private final Validator validator;

    public BulkImporter(JdbcTemplate jdbc, TransactionTemplate transactions, ImportProperties properties, Clock clock,
            Validator validator) {
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.properties = properties;
        this.clock = clock;
        this.validator = validator;
    }

    /** The facts API's e-mail constraint, so that both accept the same addresses. */
    private record EmailAddress(@Email String email) {}

    /** The rows read, and whether the header names any contact detail (otherwise the stored details are kept). */
    private record Staged(long rows, boolean contactDetails) {}

    /**
     * Imports the file or throws {@link ImportRejectedException} with its problems, having written nothing.
     *
     * @throws UncheckedIOException if the file cannot be read
     */
    public ImportResult importFile(ImportKind kind, Path file) {
        long started = System.nanoTime();
        StagingTable staging = StagingTable.of(kind);
        ImportResult result = transactions.execute(status -> {
            jdbc.execute(staging.drop());
            jdbc.execute(staging.create());
            try {
                Problems problems = new Problems(properties.maxListedProblems());
                Staged staged = stage(kind, staging, file, problems);
                long rows = staged.rows();
                long stagedAt = System.nanoTime();
                checkDuplicates(staging, problems);
                if (kind == ImportKind.INVOICES) {
                    checkCustomersExist(problems);
                }
                long existing = lockExisting(kind, problems);
                if (problems.any()) {
                    throw problems.rejection(kind);
                }
                long checked = System.nanoTime();
                write(kind, staged.contactDetails(), Sql.utc(clock.instant()));
                log.debug("{} {}: read and staged in {} ms, checked in {} ms, written in {} ms", rows, kind.plural(),
                        (stagedAt - started) / 1_000_000, (checked - stagedAt) / 1_000_000,
                        (System.nanoTime() - checked) / 1_000_000);
                long millis = (System.nanoTime() - started) / 1_000_000;
                return new ImportResult(kind.plural(), rows, rows - existing, existing, millis);
            } finally {
                // Temporary tables live as long as the pooled connection, not the transaction.
                jdbc.execute(staging.drop());
            }
        });
        log.info("Imported {} {}: {} created, {} updated in {} ms", result.rows(), kind.plural(), result.created(),
                result.updated(), result.durationMillis());
        return result;
    }

    /** Reads and checks every row, staging the good ones. */
    private Staged stage(ImportKind kind, StagingTable staging, Path file, Problems problems) {
        try (CsvFile csv = new CsvFile(file)) {
            CsvFile.Line header = csv.next();
            if (header == null) {
                problems.add(new RowProblem(1, null, "", "the file is empty; it needs a header line naming its "
                        + "columns, e.g. " + columnNames(kind, true)));
                throw problems.rejection(kind);
            }
            Map<String, Integer> index = header(kind, header, problems);
            if (problems.any()) {
                throw problems.rejection(kind); // rows cannot be read right under a wrong header
            }
            int width = header.record().size();
            List<Object> batch = new ArrayList<>(properties.batchSize() * staging.columns().size());
            long rows = 0;
            CsvFile.Line line;
            while ((line = next(csv, problems)) != null) {
                rows++;
                if (line.record().size() != width) {
                    problems.add(new RowProblem(line.number(), null, "", "this row has " + line.record().size()
                            + " values but the header has " + width + " columns; a value that contains a comma must "
                            + "be in double quotes"));
                    continue;
                }
                Cells cells = new Cells(line.number(), line.record(), index, problems);
                Object[] values = kind == ImportKind.CUSTOMERS ? customer(cells) : invoice(cells);
                if (cells.bad()) {
                    continue;
                }
                batch.add(line.number());
                java.util.Collections.addAll(batch, values); // nulls included: optional columns
                if (batch.size() == properties.batchSize() * staging.columns().size()) {
                    flush(staging, batch);
                }
            }
            flush(staging, batch);
            return new Staged(rows, CsvColumns.CONTACT_DETAILS.stream().anyMatch(index::containsKey));
        } catch (CsvFile.Broken broken) { // before the rows: the first line cannot be read (not UTF-8, say)
            problems.add(new RowProblem(broken.line, null, "", broken.getMessage()));
            throw problems.rejection(kind);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** The next record; a file that stops being CSV is one problem at the line where it breaks. */
    private static CsvFile.Line next(CsvFile csv, Problems problems) {
        try {
            return csv.next();
        } catch (CsvFile.Broken broken) {
            problems.add(new RowProblem(broken.line, null, "", broken.getMessage()));
            return null;
        }
    }

    /** Column name to position; unknown, repeated and missing required columns are problems of line 1. */
    private static Map<String, Integer> header(ImportKind kind, CsvFile.Line header, Problems problems) {
        Map<String, String> known = kind.columns().stream()
                .collect(Collectors.toMap(c -> c.name().toLowerCase(Locale.ROOT), CsvColumns.Column::name));
        Map<String, Integer> index = new HashMap<>();
        CSVRecord names = header.record();
        for (int i = 0; i < names.size(); i++) {
            String given = names.get(i).strip();
            String column = known.get(given.toLowerCase(Locale.ROOT));
            if (column == null) {
                problems.add(new RowProblem(header.number(), given, given, "unknown column \"" + given + "\"; a "
                        + kind.plural() + " file has the columns " + columnNames(kind, false)));
            } else if (index.putIfAbsent(column, i) != null) {
                problems.add(new RowProblem(header.number(), column, given, "the column \"" + column
                        + "\" appears twice in the header"));
            }
        }
        for (CsvColumns.Column column : kind.columns()) {
            if (column.required() && !index.containsKey(column.name())) {
                problems.add(new RowProblem(header.number(), column.name(), "", "the required column \""
                        + column.name() + "\" is missing; a " + kind.plural() + " file needs "
                        + columnNames(kind, true)));
            }
        }
        return index;
    }

    private static String columnNames(ImportKind kind, boolean requiredOnly) {
        return kind.columns().stream().filter(c -> !requiredOnly || c.required()).map(CsvColumns.Column::name)
                .collect(Collectors.joining(", "));
    }

    /** Staging values after the line number, in {@link StagingTable#CUSTOMERS} column order. */
    private Object[] customer(Cells c) {
        return new Object[] {
            c.id("id", true, 64, "a customer id"),
            c.text("name", false, 200, null),
            name(c.choice("segment", Segment.class)),
            c.country("country"),
            c.language("language"),
            c.timeZone("timeZone"),
            code(c.currency("currency", false)),
            c.whole("riskScore", 0, 100),
            c.whole("tenureMonths", 0, 2400),
            c.bool("consentEmail"),
            c.bool("consentSms"),
            c.bool("consentPhone"),
            c.bool("consentLetter"),
            c.bool("doNotContact"),
            c.bool("vulnerable"),
            c.bool("thirdPartyCollection"),
            c.email("email", value -> validator.validateValue(EmailAddress.class, "email", value).isEmpty()),
            c.mobile("mobile"),
            c.oneLine("postalAddress", ContactDetails.POSTAL_ADDRESS_MAX)
        };
    }

    /** Staging values after the line number, in {@link StagingTable#INVOICES} column order. */
    private static Object[] invoice(Cells c) {
        String id = c.id("id", true, 64, "an invoice id");
        String customerId = c.id("customerId", true, 64, "the id of the customer the invoice belongs to");
        String number = c.id("number", false, 64, null);
        Currency currency = c.currency("currency", true);
        BigDecimal amount = c.amount("amount", currency);
        LocalDate issued = c.date("issueDate");
        LocalDate due = c.date("dueDate");
        if (issued != null && due != null && due.isBefore(issued)) {
            c.problem("dueDate", due.toString(), "the due date " + due + " is before the issue date " + issued);
        }
        InvoiceStatus status = c.choice("status", InvoiceStatus.class);
        String paymentMethod = c.id("paymentMethod", false, 32, null);
        return new Object[] {id, customerId, number == null ? id : number, code(currency), amount, issued, due,
            name(status), paymentMethod};
    }

    private static String name(Enum<?> value) {
        return value == null ? null : value.name();
    }

    private static String code(Currency currency) {
        return currency == null ? null : currency.getCurrencyCode();
    }

    private void flush(StagingTable staging, List<Object> batch) {
        if (batch.isEmpty()) {
            return;
        }
        jdbc.update(staging.insert(batch.size() / staging.columns().size()), batch.toArray());
        batch.clear();
    }

    /** Every row after the first with the same id (ids compare as the stored tables compare them). */
    private void checkDuplicates(StagingTable staging, Problems problems) {
        long total = jdbc.queryForObject("SELECT COUNT(*) - COUNT(DISTINCT id) FROM " + staging.name(), Long.class);
        if (total == 0) {
            return;
        }
        String kind = staging == StagingTable.CUSTOMERS ? "customer" : "invoice";
        List<RowProblem> listed = jdbc.query("""
                SELECT s.line, s.id, d.first_line FROM %1$s s
                JOIN (SELECT id, MIN(line) AS first_line FROM %1$s GROUP BY id HAVING COUNT(*) > 1) d ON d.id = s.id
                WHERE s.line > d.first_line ORDER BY s.line LIMIT ?""".formatted(staging.name()),
                (rs, n) -> new RowProblem(rs.getLong("line"), "id", rs.getString("id"), "the " + kind + " id \""
                        + rs.getString("id") + "\" already appears on line " + rs.getLong("first_line")
                        + "; each " + kind + " may appear only once in a file"),
                problems.limit());
        problems.addAll(listed, total, false);
    }

    private void checkCustomersExist(Problems problems) {
        String unknown = " FROM import_invoices s WHERE NOT EXISTS (SELECT 1 FROM customers c WHERE c.id = s.customer_id)";
        long total = jdbc.queryForObject("SELECT COUNT(*)" + unknown, Long.class);
        if (total == 0) {
            return;
        }
        List<RowProblem> listed = jdbc.query("SELECT s.line, s.customer_id" + unknown + " ORDER BY s.line LIMIT ?",
                (rs, n) -> new RowProblem(rs.getLong("line"), "customerId", rs.getString("customer_id"),
                        "there is no customer \"" + rs.getString("customer_id") + "\"; import the customer first "
                                + "(customers file) or correct the customer id"),
                problems.limit());
        problems.addAll(listed, total, false);
    }

    /**
     * Counts the stored rows the file will update and locks them until the commit, so that a payment recorded
     * meanwhile cannot slip between the checks and the write. For invoices the same query counts the rows whose update
     * the stored state forbids (the rules of FactsService.checkUpdate, for all rows at once); they are then listed.
     */
    private long lockExisting(ImportKind kind, Problems problems) {
        if (kind == ImportKind.CUSTOMERS) {
            return jdbc.queryForObject("SELECT COUNT(*) FROM import_customers s JOIN customers c ON c.id = s.id "
                    + "FOR UPDATE", Long.class);
        }
        long[] counts = jdbc.queryForObject("""
                SELECT COUNT(*), COALESCE(SUM((i.customer_id <> s.customer_id)
                     + (i.amount_paid > 0 AND i.currency <> s.currency) + (s.amount < i.amount_paid)), 0)
                FROM import_invoices s JOIN invoices i ON i.id = s.id FOR UPDATE""",
                (rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)});
        if (counts[1] > 0) {
            List<RowProblem> listed = new ArrayList<>();
            jdbc.query("""
                    SELECT s.line, s.id, s.customer_id, s.currency, s.amount, i.customer_id AS owner,
                        i.currency AS stored_currency, i.amount_paid
                    FROM import_invoices s JOIN invoices i ON i.id = s.id
                    WHERE i.customer_id <> s.customer_id OR (i.amount_paid > 0 AND i.currency <> s.currency)
                       OR s.amount < i.amount_paid
                    ORDER BY s.line LIMIT ?""", rs -> {
                        listed.addAll(conflicts(rs));
                    }, problems.limit());
            problems.addAll(listed, counts[1], true);
        }
        return counts[0];
    }

    private static List<RowProblem> conflicts(ResultSet rs) throws SQLException {
        List<RowProblem> found = new ArrayList<>();
        long line = rs.getLong("line");
        String id = rs.getString("id");
        String owner = rs.getString("owner");
        String storedCurrency = rs.getString("stored_currency");
        String currency = rs.getString("currency");
        BigDecimal paid = Sql.money(rs, "amount_paid", storedCurrency);
        BigDecimal amount = Sql.money(rs, "amount", currency);
        if (!owner.equalsIgnoreCase(rs.getString("customer_id"))) {
            found.add(new RowProblem(line, "customerId", rs.getString("customer_id"), "invoice " + id
                    + " belongs to customer \"" + owner + "\"; an invoice never moves to another customer"));
        }
        if (paid.signum() > 0 && !storedCurrency.equals(currency)) {
            found.add(new RowProblem(line, "currency", currency, "invoice " + id + " has payments in "
                    + storedCurrency + "; its currency cannot change to " + currency));
        }
        if (amount.compareTo(paid) < 0) {
            found.add(new RowProblem(line, "amount", amount.toPlainString(), "amount " + amount.toPlainString()
                    + " is less than the " + paid.toPlainString() + " " + storedCurrency
                    + " already paid on invoice " + id));
        }
        return found;
    }

    private void write(ImportKind kind, boolean contactDetails, LocalDateTime now) {
        if (kind == ImportKind.CUSTOMERS) {
            jdbc.update("""
                    INSERT INTO customers (id, name, segment, country, language, time_zone, currency, risk_score,
                        tenure_months, consent_email, consent_sms, consent_phone, consent_letter, do_not_contact,
                        vulnerable, third_party_collection, created_at, updated_at)
                    SELECT s.id, s.name, s.segment, s.country, s.language, s.time_zone, s.currency, s.risk_score,
                        s.tenure_months, s.consent_email, s.consent_sms, s.consent_phone, s.consent_letter,
                        s.do_not_contact, s.vulnerable, s.third_party_collection, ?, ?
                    FROM import_customers s
                    ON DUPLICATE KEY UPDATE name = VALUES(name), segment = VALUES(segment),
                        country = VALUES(country), language = VALUES(language), time_zone = VALUES(time_zone),
                        currency = VALUES(currency), risk_score = VALUES(risk_score),
                        tenure_months = VALUES(tenure_months), consent_email = VALUES(consent_email),
                        consent_sms = VALUES(consent_sms), consent_phone = VALUES(consent_phone),
                        consent_letter = VALUES(consent_letter), do_not_contact = VALUES(do_not_contact),
                        vulnerable = VALUES(vulnerable), third_party_collection = VALUES(third_party_collection),
                        updated_at = VALUES(updated_at)
                    """, now, now);
            if (contactDetails) {
                writeContactDetails(now);
            }
        } else {
            // As Invoices.upsert: the billing system owns number, amount, dates, method and (unless paid) currency;
            // amount paid and failures are never touched; OPEN/PARTIALLY_PAID/PAID follow the amount paid, DISPUTED
            // and WRITTEN_OFF are kept as given.
            jdbc.update("""
                    INSERT INTO invoices (id, customer_id, number, currency, amount, amount_paid, issue_date,
                        due_date, status, payment_method, created_at, updated_at)
                    SELECT s.id, s.customer_id, s.number, s.currency, s.amount, 0, s.issue_date, s.due_date,
                        CASE WHEN s.status NOT IN ('OPEN', 'PARTIALLY_PAID', 'PAID') THEN s.status
                             WHEN s.amount <= 0 THEN 'PAID' ELSE 'OPEN' END,
                        s.payment_method, ?, ?
                    FROM import_invoices s
                    ON DUPLICATE KEY UPDATE number = VALUES(number),
                        currency = IF(invoices.amount_paid > 0, invoices.currency, VALUES(currency)),
                        status = CASE WHEN VALUES(status) NOT IN ('OPEN', 'PARTIALLY_PAID', 'PAID') THEN VALUES(status)
                                      WHEN invoices.amount_paid >= VALUES(amount) THEN 'PAID'
                                      WHEN invoices.amount_paid > 0 THEN 'PARTIALLY_PAID'
                                      ELSE 'OPEN' END,
                        amount = VALUES(amount), issue_date = VALUES(issue_date), due_date = VALUES(due_date),
                        payment_method = VALUES(payment_method), updated_at = VALUES(updated_at)
                    """, now, now);
        }
    }

    /**
     * Replaces the contact details of every customer in the file, as the facts API's PUT does (an empty cell clears
     * the detail). A withdrawal stays only while the e-mail address is the one that bounced (the mobile number the one
     * that answered STOP); the withdrawal columns are assigned before the address and number, since MariaDB applies
     * the assignments in order.
     */
    private void writeContactDetails(LocalDateTime now) {
        jdbc.update("""
                INSERT INTO customer_contact_details (customer_id, email, mobile, postal_address, updated_at)
                SELECT s.id, s.email, s.mobile, s.postal_address, ? FROM import_customers s
                ON DUPLICATE KEY UPDATE
                    email_withdrawn_at = IF(BINARY customer_contact_details.email <=> BINARY VALUES(email),
                        customer_contact_details.email_withdrawn_at, NULL),
                    email_withdrawn_reason = IF(BINARY customer_contact_details.email <=> BINARY VALUES(email),
                        customer_contact_details.email_withdrawn_reason, NULL),
                    sms_withdrawn_at = IF(BINARY customer_contact_details.mobile <=> BINARY VALUES(mobile),
                        customer_contact_details.sms_withdrawn_at, NULL),
                    sms_withdrawn_reason = IF(BINARY customer_contact_details.mobile <=> BINARY VALUES(mobile),
                        customer_contact_details.sms_withdrawn_reason, NULL),
                    email = VALUES(email), mobile = VALUES(mobile), postal_address = VALUES(postal_address),
                    updated_at = VALUES(updated_at)
                """, now);
    }
}
