package dev.dunning.demo;

import dev.dunning.decision.DeclineClass;
import dev.dunning.decision.DeclineCodes;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Creates customers with realistic invoices, payments, payment failures, contacts and holds for benchmarks, the same
 * for the same seed and as-of date. Rows are written to tab-separated temporary files in chunks and loaded with
 * {@code LOAD DATA LOCAL INFILE} while the next chunk is generated; the connection must allow local files
 * ({@link #withLocalInfile(String)}). Foreign-key and unique checks are switched off for this connection's session
 * only: the generator keeps the invariants the service relies on by construction (amount paid = sum of payments,
 * failure counters = the failures, status from the amounts, holds on the customer's own invoices).
 */
public final class Generator {

    /** Customers per chunk: large enough for LOAD DATA to pay off, small enough to overlap generation and loading. */
    static final int CHUNK = 50_000;

    /** The longest history of past decisions {@code --history-days} may ask for. */
    public static final int MAX_HISTORY_DAYS = 366;
    /** The share of customers, in percent, that the history of past decisions covers (see {@link #inHistory}). */
    static final int HISTORY_SHARE_PERCENT = 40;

    /**
     * What to generate: ids are {@code idPrefix} followed by a 7-digit (or longer) number from 1; {@code historyDays}
     * of past dunning decisions before {@code asOf} (0: none), written by the command after the rows ({@code History}).
     */
    public record Options(int customers, long seed, LocalDate asOf, String idPrefix, int historyDays) {
        public Options {
            if (customers < 1) {
                throw new IllegalArgumentException("--customers must be at least 1, not " + customers);
            }
            if (historyDays < 0 || historyDays > MAX_HISTORY_DAYS) {
                throw new IllegalArgumentException("--history-days must be from 0 (no past decisions) to "
                        + MAX_HISTORY_DAYS + ", not " + historyDays);
            }
            idPrefix = idPrefix == null ? "G-" : idPrefix;
        }

        /** Without a history of past decisions. */
        public Options(int customers, long seed, LocalDate asOf, String idPrefix) {
            this(customers, seed, asOf, idPrefix, 0);
        }
    }

    /**
     * Whether customer number {@code n} is among the {@value #HISTORY_SHARE_PERCENT} % that the history of past
     * decisions covers: from the seed and the number alone, so that the rows and the history agree on it.
     */
    static boolean inHistory(long seed, int n) {
        return new SplittableRandom(seed * 0x632BE59BD9B4E019L + n).nextInt(100) < HISTORY_SHARE_PERCENT;
    }

    /** Rows written per table, and the time it took. */
    public record Result(long customers, long invoices, long payments, long failures, long contacts, long holds,
            Duration took) {}

    private final DeclineCodes declineCodes;

    public Generator(DeclineCodes declineCodes) {
        this.declineCodes = declineCodes;
    }

    /** The JDBC URL with {@code allowLocalInfile=true}, which MariaDB Connector/J needs for LOAD DATA LOCAL INFILE. */
    public static String withLocalInfile(String url) {
        if (url.contains("allowLocalInfile=")) {
            return url;
        }
        return url + (url.contains("?") ? "&" : "?") + "allowLocalInfile=true";
    }

    public Result generate(Connection connection, Options options, Consumer<String> progress) throws SQLException {
        long started = System.nanoTime();
        try (Statement s = connection.createStatement()) {
            try (var rs = s.executeQuery("SELECT 1 FROM customers WHERE id LIKE '" + options.idPrefix().replace("'", "")
                    + "%' LIMIT 1")) {
                if (rs.next()) {
                    throw new IllegalStateException("The database already holds customers with ids starting with \""
                            + options.idPrefix() + "\"; generate into an empty database (or drop them first)");
                }
            }
            s.execute("SET SESSION foreign_key_checks = 0, unique_checks = 0");
        }
        connection.setAutoCommit(true);
        Path dir;
        try {
            dir = Files.createTempDirectory("dunning-generate-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a temporary folder for the generated files", e);
        }
        ExecutorService loader = Executors.newSingleThreadExecutor(r -> new Thread(r, "generate-load"));
        long[] totals = new long[Chunk.FILES.length];
        try {
            Future<?> loading = null;
            for (int from = 1; from <= options.customers(); from += CHUNK) {
                int to = Math.min(options.customers(), from + CHUNK - 1);
                Chunk chunk = new Chunk(dir.resolve("chunk-" + from), declineCodes, options);
                chunk.write(from, to);
                for (int t = 0; t < Chunk.FILES.length; t++) {
                    totals[t] += chunk.rows[t];
                }
                if (loading != null) {
                    await(loading);
                }
                int done = to;
                loading = loader.submit(() -> {
                    chunk.load(connection);
                    progress.accept(String.format("%,d of %,d customers loaded", done, options.customers()));
                    return null;
                });
            }
            await(loading);
        } finally {
            loader.shutdownNow();
            try (Statement s = connection.createStatement()) {
                s.execute("SET SESSION foreign_key_checks = 1, unique_checks = 1");
            }
            deleteQuietly(dir);
        }
        return new Result(totals[0], totals[1], totals[2], totals[3], totals[4], totals[5],
                Duration.ofNanos(System.nanoTime() - started));
    }

    private static void await(Future<?> loading) throws SQLException {
        try {
            loading.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while loading generated data", e);
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException ignored) {
            // a temporary folder; the system cleans it eventually
        }
    }

    // --- the data -------------------------------------------------------------------------------------------------

    /** A country as the generator sees it: consistent currency, language and time zones; weight in the mix. */
    record Country(String code, String currency, String language, int weight, String... zones) {}

    static final List<Country> COUNTRIES = List.of(
            new Country("US", "USD", "en", 30, "America/New_York", "America/Chicago", "America/Denver",
                    "America/Phoenix", "America/Los_Angeles"),
            new Country("GB", "GBP", "en", 12, "Europe/London"),
            new Country("DE", "EUR", "de", 14, "Europe/Berlin"),
            new Country("FR", "EUR", "fr", 8, "Europe/Paris"),
            new Country("NL", "EUR", "nl", 4, "Europe/Amsterdam"),
            new Country("ES", "EUR", "es", 4, "Europe/Madrid"),
            new Country("IT", "EUR", "it", 4, "Europe/Rome"),
            new Country("AT", "EUR", "de", 2, "Europe/Vienna"),
            new Country("IE", "EUR", "en", 2, "Europe/Dublin"),
            new Country("CH", "CHF", "de", 4, "Europe/Zurich"),
            new Country("JP", "JPY", "ja", 5, "Asia/Tokyo"),
            new Country("CA", "CAD", "en", 4, "America/Toronto", "America/Vancouver"),
            new Country("AU", "AUD", "en", 4, "Australia/Sydney", "Australia/Perth"),
            new Country("SE", "SEK", "sv", 3, "Europe/Stockholm"));
    static final int COUNTRY_WEIGHT = COUNTRIES.stream().mapToInt(Country::weight).sum();

    static final String[] SEGMENTS = {"CONSUMER", "SMALL_BUSINESS", "ENTERPRISE", "PUBLIC_SECTOR"};
    static final int[] SEGMENT_WEIGHTS = {70, 20, 7, 3};
    /** Invoices per customer 1..6, weights giving a mean of 3.0. */
    static final int[] INVOICE_COUNT_WEIGHTS = {20, 25, 20, 15, 10, 10};
    /** Days overdue at which each stage is reached, per segment (as in the shipped ladder). */
    static final int[][] LADDER = {{3, 14, 30, 45, 60, 90}, {7, 21, 35, 50, 80}, {7, 21, 35, 50, 80},
            {14, 30, 45, 60, 90}};
    static final String[][] STAGE_ACTIONS = {
            {"REMINDER", "REMINDER", "PHONE_CALL", "FINAL_NOTICE", "SUSPEND_SERVICE", "COLLECTION_HANDOVER"},
            {"REMINDER", "REMINDER", "PHONE_CALL", "FINAL_NOTICE", "COLLECTION_HANDOVER"},
            {"REMINDER", "REMINDER", "PHONE_CALL", "FINAL_NOTICE", "COLLECTION_HANDOVER"},
            {"REMINDER", "REMINDER", "PHONE_CALL", "FINAL_NOTICE", "MANUAL_REVIEW"}};
    static final String[] FIRST = {"Emma", "Liam", "Olivia", "Noah", "Mia", "Lukas", "Sofia", "Hugo", "Yuki",
            "Chloe", "Jonas", "Lucía", "Marco", "Anna", "George", "Ava", "Mateo", "Freya", "Kenji", "Elena"};
    static final String[] LAST = {"Smith", "Müller", "Martin", "García", "Rossi", "Jansen", "Tanaka", "Brown",
            "Schmidt", "Dubois", "Wilson", "Keller", "Novak", "Lindqvist", "O'Brien", "Taylor", "Fischer", "Moreau"};
    static final String[] COMPANY = {"Ltd", "GmbH", "SA", "BV", "Inc.", "AG", "K.K.", "AB", "S.p.A.", "Pty Ltd"};

    /** One chunk of customers written to six files, one per table. */
    static final class Chunk {

        private final Path dir;
        private final DeclineCodes codes;
        private final Options options;
        private final List<DeclineCodes.Code> card = new ArrayList<>();
        private final List<DeclineCodes.Code> sepa = new ArrayList<>();
        private final List<DeclineCodes.Code> ach = new ArrayList<>();
        final long[] rows = new long[FILES.length];
        private final StringBuilder[] out = new StringBuilder[FILES.length];
        private final String stamp;

        Chunk(Path dir, DeclineCodes codes, Options options) {
            this.dir = dir;
            this.codes = codes;
            this.options = options;
            for (DeclineCodes.Code c : codes.codes()) {
                switch (c.scheme()) {
                    case "sepa_direct_debit" -> sepa.add(c);
                    case "ach" -> ach.add(c);
                    default -> card.add(c);
                }
            }
            if (card.isEmpty()) {
                card.add(new DeclineCodes.Code("generic_decline", "card", DeclineClass.SOFT));
            }
            for (int i = 0; i < FILES.length; i++) {
                out[i] = new StringBuilder(1 << 20);
            }
            stamp = options.asOf() + " 00:00:00";
        }

        static final String[] FILES = {"customers", "invoices", "payments", "payment_failures", "contact_attempts",
                "holds", "customer_contact_details"};
        static final String[] COLUMNS = {
                "id, name, segment, country, language, time_zone, currency, risk_score, tenure_months, consent_email, "
                        + "consent_sms, consent_phone, consent_letter, do_not_contact, vulnerable, "
                        + "third_party_collection, created_at, updated_at",
                "id, customer_id, number, currency, amount, amount_paid, issue_date, due_date, status, payment_method, "
                        + "failed_attempts, last_decline_code, last_decline_class, last_failure_at, created_at, "
                        + "updated_at",
                "invoice_id, amount, currency, paid_at, reference, recorded_at",
                "invoice_id, failed_at, decline_code, decline_class, amount, reference, recorded_at",
                "customer_id, contacted_at, channel, action, stage, outcome, reference, recorded_at",
                "customer_id, kind, invoice_id, from_date, until_date, reason, created_at, ended_at",
                "customer_id, email, mobile, postal_address, updated_at"};

        void write(int from, int to) {
            try {
                Files.createDirectories(dir);
                BufferedWriter[] writers = new BufferedWriter[FILES.length];
                for (int t = 0; t < FILES.length; t++) {
                    writers[t] = Files.newBufferedWriter(dir.resolve(FILES[t] + ".tsv"), StandardCharsets.UTF_8);
                }
                try {
                    for (int n = from; n <= to; n++) {
                        customer(n);
                        for (int t = 0; t < FILES.length; t++) {
                            if (out[t].length() > (1 << 19)) {
                                writers[t].append(out[t]);
                                out[t].setLength(0);
                            }
                        }
                    }
                    for (int t = 0; t < FILES.length; t++) {
                        writers[t].append(out[t]);
                        out[t].setLength(0);
                    }
                } finally {
                    for (BufferedWriter w : writers) {
                        w.close();
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot write generated rows to " + dir, e);
            }
        }

        void load(Connection connection) throws SQLException {
            try (Statement s = connection.createStatement()) {
                for (int t = 0; t < FILES.length; t++) {
                    String file = dir.resolve(FILES[t] + ".tsv").toAbsolutePath().toString()
                            .replace("\\", "\\\\").replace("'", "\\'");
                    s.execute("LOAD DATA LOCAL INFILE '" + file + "' INTO TABLE " + FILES[t]
                            + " CHARACTER SET utf8mb4 FIELDS TERMINATED BY '\\t' LINES TERMINATED BY '\\n' ("
                            + COLUMNS[t] + ")");
                    SQLWarning warning = s.getWarnings();
                    if (warning != null) {
                        throw new SQLException("LOAD DATA into " + FILES[t] + " reported: " + warning.getMessage());
                    }
                }
            } finally {
                deleteQuietly(dir);
            }
        }

        private String id(int n) {
            String digits = Integer.toString(n);
            return options.idPrefix() + "0000000".substring(Math.min(7, digits.length())) + digits;
        }

        private void customer(int n) {
            // A stream per customer: the same customer comes out the same whatever the chunk size.
            SplittableRandom rng = new SplittableRandom(options.seed() * 0x9E3779B97F4A7C15L + n);
            String id = id(n);
            Country country = country(rng);
            int segment = pick(rng, SEGMENT_WEIGHTS);
            boolean consumer = segment == 0;
            String zone = country.zones()[rng.nextInt(country.zones().length)];
            String name = consumer ? FIRST[rng.nextInt(FIRST.length)] + " " + LAST[rng.nextInt(LAST.length)]
                    : LAST[rng.nextInt(LAST.length)] + " " + (segment == 3 ? "City Council"
                            : COMPANY[rng.nextInt(COMPANY.length)]);
            int risk = (int) Math.min(100, Math.round(Math.abs(rng.nextGaussian() * 25 + 35)));
            int tenure = 1 + rng.nextInt(consumer ? 120 : 240);
            boolean email = rng.nextInt(100) < 95;
            boolean sms = consumer && rng.nextInt(100) < 60;
            boolean phone = rng.nextInt(100) < 70;
            boolean letter = rng.nextInt(100) < 90;
            boolean doNotContact = rng.nextInt(1000) < 8;
            boolean vulnerable = consumer && rng.nextInt(100) < 2;
            boolean thirdParty = consumer && country.code().equals("US") && rng.nextInt(100) < 10;
            row(0, id, name, SEGMENTS[segment], country.code(), country.language(), zone, country.currency(),
                    Integer.toString(risk), Integer.toString(tenure), b(email), b(sms), b(phone), b(letter),
                    b(doNotContact), b(vulnerable), b(thirdParty), stamp, stamp);
            // From the number alone, drawing nothing from rng: every other value stays as it was for the seed.
            row(6, id, email(id), mobile(n), postalAddress(id, n, country), stamp);

            int digits = java.util.Currency.getInstance(country.currency()).getDefaultFractionDigits();
            double factor = switch (country.currency()) {
                case "JPY" -> 150;
                case "SEK" -> 11;
                case "GBP" -> 0.85;
                case "CAD" -> 1.35;
                case "AUD" -> 1.5;
                default -> 1;
            };
            int invoices = 1 + pick(rng, INVOICE_COUNT_WEIGHTS);
            LocalDate asOf = options.asOf();
            int oldestUnpaidOverdue = -1;
            List<String> unpaidOverdue = new ArrayList<>();
            for (int k = 1; k <= invoices; k++) {
                String invoiceId = id + "-" + k;
                int terms = switch (segment) {
                    case 0 -> 14;
                    case 3 -> 45;
                    default -> 30;
                };
                int issuedDaysAgo = (int) Math.floor(Math.pow(rng.nextDouble(), 1.6) * 365);
                LocalDate issue = asOf.minusDays(issuedDaysAgo);
                LocalDate due = issue.plusDays(terms);
                int daysOverdue = (int) (asOf.toEpochDay() - due.toEpochDay());
                long amount = amount(rng, segment, factor, digits);
                String method = method(rng, country.currency(), consumer);
                // Most invoices get paid; the longer overdue, the likelier the customer has paid by now.
                double unpaidChance = daysOverdue <= 0 ? 0.75 : daysOverdue <= 14 ? 0.45 : daysOverdue <= 60 ? 0.22
                        : 0.08;
                // Nothing is paid on the day of issue, so that no payment lies after the as-of date.
                boolean unpaid = rng.nextDouble() < unpaidChance || issuedDaysAgo == 0;
                String status;
                long paid = 0;
                List<long[]> payments = new ArrayList<>(); // {minor units, epoch day}
                if (!unpaid) {
                    int latest = (int) Math.min(asOf.toEpochDay() - 1, due.toEpochDay() + Math.max(0, daysOverdue));
                    int earliest = (int) issue.toEpochDay();
                    long day = earliest + (latest > earliest ? rng.nextInt(latest - earliest + 1) : 0);
                    if (rng.nextInt(100) < 15 && amount >= 2) {
                        long first = amount / 2;
                        payments.add(new long[] {first, Math.max(earliest, day - 7)});
                        payments.add(new long[] {amount - first, day});
                    } else {
                        payments.add(new long[] {amount, day});
                    }
                    paid = amount;
                    status = "PAID";
                } else if (rng.nextInt(100) < 20 && amount >= 10 && issuedDaysAgo > 0) {
                    long part = Math.max(1, Math.round(amount * (0.1 + 0.8 * rng.nextDouble())));
                    part = Math.min(part, amount - 1);
                    long day = Math.min(asOf.toEpochDay() - 1, issue.toEpochDay() + rng.nextInt(terms + 1));
                    payments.add(new long[] {part, Math.max(issue.toEpochDay(), day)});
                    paid = part;
                    status = "PARTIALLY_PAID";
                } else {
                    status = "OPEN";
                }
                if (unpaid && daysOverdue > 0 && rng.nextInt(100) < 3) {
                    status = "DISPUTED";
                } else if (unpaid && daysOverdue > 150 && rng.nextInt(100) < 30) {
                    status = "WRITTEN_OFF";
                }
                for (long[] p : payments) {
                    row(2, invoiceId, money(p[0], digits), country.currency(), dateTime(p[0] % 12 + 8, p[1]), null,
                            dateTime(p[0] % 12 + 8, p[1]));
                }
                // Failed collection attempts on debit and card payments, with real codes of the configured list.
                int failures = 0;
                String lastCode = null;
                String lastClass = null;
                String lastAt = null;
                List<DeclineCodes.Code> scheme = switch (method) {
                    case "CARD" -> card;
                    case "SEPA_DEBIT" -> sepa.isEmpty() ? card : sepa;
                    case "ACH_DEBIT" -> ach.isEmpty() ? card : ach;
                    default -> List.of();
                };
                if (!scheme.isEmpty() && daysOverdue >= 0 && rng.nextInt(100) < 12) {
                    int attempts = 1 + rng.nextInt(4);
                    for (int a = 0; a < attempts; a++) {
                        long day = due.toEpochDay() + 3L * a;
                        if (day >= asOf.toEpochDay()) {
                            break;
                        }
                        DeclineCodes.Code code = scheme.get(rng.nextInt(scheme.size()));
                        String at = dateTime(6, day);
                        row(3, invoiceId, at, code.code(), code.declineClass().name(), money(amount, digits), null, at);
                        failures++;
                        lastCode = code.code();
                        lastClass = code.declineClass().name();
                        lastAt = at;
                        if (code.declineClass() == DeclineClass.HARD) {
                            break; // never retried after a hard decline
                        }
                    }
                }
                row(1, invoiceId, id, id.replace(options.idPrefix(), "INV-") + "-" + k, country.currency(),
                        money(amount, digits), money(paid, digits), issue.toString(), due.toString(), status, method,
                        Integer.toString(failures), lastCode, lastClass, lastAt, stamp, stamp);
                boolean open = status.equals("OPEN") || status.equals("PARTIALLY_PAID") || status.equals("DISPUTED");
                if (open && daysOverdue > 0) {
                    unpaidOverdue.add(invoiceId);
                    oldestUnpaidOverdue = Math.max(oldestUnpaidOverdue, daysOverdue);
                }
                if (status.equals("PAID") && daysOverdue > 10 && rng.nextInt(100) < 25) {
                    // a friendly reminder in an earlier, settled episode
                    long day = due.toEpochDay() + LADDER[segment][0] + 2;
                    if (day < asOf.toEpochDay()) {
                        contact(id, day, email ? "EMAIL" : "LETTER", "REMINDER", 1,
                                email ? "DELIVERED" : "SENT");
                    }
                }
            }
            if (oldestUnpaidOverdue > 0) {
                // For a customer the history covers, its decisions' messages are the contacts of that period.
                long historyFrom = options.historyDays() > 0 && inHistory(options.seed(), n)
                        ? asOf.toEpochDay() - options.historyDays() : Long.MAX_VALUE;
                contacts(rng, id, segment, oldestUnpaidOverdue, email, sms, letter, historyFrom);
                holds(rng, id, country, unpaidOverdue);
            }
        }

        private void contacts(SplittableRandom rng, String id, int segment, int daysOverdue, boolean email,
                boolean sms, boolean letter, long historyFrom) {
            int[] ladder = LADDER[segment];
            int reached = 0;
            while (reached < ladder.length && ladder[reached] + 2 <= daysOverdue) {
                reached++;
            }
            if (reached > 0 && rng.nextInt(100) < 30) {
                reached--; // the billing run is behind for some customers
            }
            long dueDay = options.asOf().toEpochDay() - daysOverdue;
            for (int s = 1; s <= reached; s++) {
                long day = dueDay + ladder[s - 1] + rng.nextInt(3);
                if (day >= options.asOf().toEpochDay()) {
                    break;
                }
                String action = STAGE_ACTIONS[segment][s - 1];
                String channel;
                String outcome;
                if (action.equals("PHONE_CALL")) {
                    channel = "PHONE";
                    int r = rng.nextInt(100);
                    outcome = r < 35 ? "CONVERSATION" : r < 80 ? "FAILED" : "SENT";
                } else if (s >= 4 || !email) {
                    channel = letter || !sms ? "LETTER" : "SMS";
                    outcome = channel.equals("SMS") ? "DELIVERED" : "SENT";
                } else {
                    channel = "EMAIL";
                    int r = rng.nextInt(100);
                    outcome = r < 55 ? "DELIVERED" : r < 85 ? "OPENED" : r < 92 ? "REPLIED" : "BOUNCED";
                }
                if (day < historyFrom) { // drawn either way, so that every other value stays as it was
                    contact(id, day, channel, action, s, outcome);
                }
            }
        }

        private void contact(String id, long day, String channel, String action, int stage, String outcome) {
            String at = dateTime(9 + stage, day);
            row(4, id, at, channel, action, Integer.toString(stage), outcome, null, at);
        }

        private void holds(SplittableRandom rng, String id, Country country, List<String> unpaidOverdue) {
            if (rng.nextInt(100) >= 15) {
                return;
            }
            long today = options.asOf().toEpochDay();
            int r = rng.nextInt(100);
            String kind;
            String invoice = null;
            long from = today - 1 - rng.nextInt(20);
            Long until = null;
            if (r < 35) {
                kind = "DISPUTE";
                invoice = unpaidOverdue.get(rng.nextInt(unpaidOverdue.size()));
            } else if (r < 60) {
                kind = "PROMISE_TO_PAY";
                until = today + 1 + rng.nextInt(14);
            } else if (r < 75) {
                kind = "PAYMENT_PLAN";
            } else if (r < 85) {
                kind = "MANUAL";
                until = today + 7 + rng.nextInt(14);
            } else if (r < 90) {
                kind = "BANKRUPTCY";
            } else if (r < 95) {
                kind = "LEGAL";
            } else {
                kind = country.code().equals("GB") ? "BREATHING_SPACE" : "MANUAL";
            }
            row(5, id, kind, invoice, LocalDate.ofEpochDay(from).toString(),
                    until == null ? null : LocalDate.ofEpochDay(until).toString(), "generated", stamp, null);
        }

        private static Country country(SplittableRandom rng) {
            int x = rng.nextInt(COUNTRY_WEIGHT);
            for (Country c : COUNTRIES) {
                x -= c.weight();
                if (x < 0) {
                    return c;
                }
            }
            return COUNTRIES.get(0);
        }

        private static int pick(SplittableRandom rng, int[] weights) {
            int total = 0;
            for (int w : weights) {
                total += w;
            }
            int x = rng.nextInt(total);
            for (int i = 0; i < weights.length; i++) {
                x -= weights[i];
                if (x < 0) {
                    return i;
                }
            }
            return weights.length - 1;
        }

        /** Amount in minor units, log-uniform within the segment's usual range. */
        private static long amount(SplittableRandom rng, int segment, double factor, int digits) {
            double[][] ranges = {{10, 500}, {100, 8000}, {1000, 150000}, {500, 60000}};
            double lo = Math.log(ranges[segment][0]);
            double hi = Math.log(ranges[segment][1]);
            double major = Math.exp(lo + (hi - lo) * rng.nextDouble()) * factor;
            if (digits == 0) {
                return Math.max(100, Math.round(major / 100) * 100);
            }
            return Math.round(major * 100);
        }

        private static String method(SplittableRandom rng, String currency, boolean consumer) {
            int r = rng.nextInt(100);
            if (!consumer) {
                return r < 80 ? "BANK_TRANSFER" : currency.equals("EUR") ? "SEPA_DEBIT"
                        : currency.equals("USD") ? "ACH_DEBIT" : "CARD";
            }
            return switch (currency) {
                case "EUR" -> r < 40 ? "SEPA_DEBIT" : r < 70 ? "CARD" : "BANK_TRANSFER";
                case "USD" -> r < 45 ? "CARD" : r < 65 ? "ACH_DEBIT" : "BANK_TRANSFER";
                default -> r < 55 ? "CARD" : "BANK_TRANSFER";
            };
        }

        private static String money(long minor, int digits) {
            if (digits == 0) {
                return Long.toString(minor);
            }
            long major = minor / 100;
            long cents = minor % 100;
            return major + (cents < 10 ? ".0" : ".") + cents;
        }

        private static String dateTime(long hour, long epochDay) {
            long h = hour % 24;
            return LocalDate.ofEpochDay(epochDay) + (h < 10 ? " 0" : " ") + h + ":00:00";
        }

        /**
         * Under {@code example.invalid}, a top-level domain reserved by RFC 2606 that never resolves: a message can
         * reach only the SMTP server the service is configured with, never a person.
         */
        static String email(String id) {
            return id.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9._-]", "-") + "@example.invalid";
        }

        /** In +44 7700 900000-900999, a range Ofcom keeps for drama and never assigns to anyone. */
        static String mobile(int n) {
            return "+447700900" + String.format("%03d", n % 1000);
        }

        /** Made up and saying so: no street, town or postcode of any country. */
        static String postalAddress(String id, int n, Country country) {
            return id + ", " + (1 + n % 999) + " Example Street, 00000 Nowhere (fictional address), " + country.code();
        }

        private static String b(boolean value) {
            return value ? "1" : "0";
        }

        private void row(int table, String... values) {
            StringBuilder sb = out[table];
            for (int i = 0; i < values.length; i++) {
                if (i > 0) {
                    sb.append('\t');
                }
                sb.append(values[i] == null ? "\\N" : values[i]);
            }
            sb.append('\n');
            rows[table]++;
        }
    }
}
