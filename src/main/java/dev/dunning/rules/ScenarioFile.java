package dev.dunning.rules;

import dev.dunning.decision.Action;
import dev.dunning.decision.Catalogue;
import dev.dunning.decision.Channel;
import dev.dunning.decision.ContactAttempt;
import dev.dunning.decision.Customer;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Hold;
import dev.dunning.decision.HoldKind;
import dev.dunning.decision.Invoice;
import dev.dunning.decision.InvoiceStatus;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.drools.decisiontable.parser.csv.CsvLineParser;

/**
 * Reads scenarios from a CSV file a credit controller can edit in a spreadsheet program. One row per scenario; the
 * header names the columns, so their order is free. Given-columns use a short notation documented in
 * docs/scenarios.md, e.g. invoices {@code I-1 USD 120.00 overdue 12; I-2 EUR 50 overdue 3 failed 2 insufficient_funds}.
 */
public final class ScenarioFile {

    private static final Instant DEFAULT_AS_OF = Instant.parse("2025-03-12T18:00:00Z");

    private ScenarioFile() {}

    /** Parses a file, or fails with every malformed cell located as file:line, column. */
    public static List<Scenario> parse(String file, byte[] content) {
        List<Scenario> scenarios = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        CsvLineParser csv = new CsvLineParser();
        try (BufferedReader reader = new BufferedReader(new StringReader(new String(content, StandardCharsets.UTF_8)))) {
            String line = reader.readLine();
            if (line == null) {
                throw new IllegalArgumentException(file + ": the scenario file is empty");
            }
            List<String> header = csv.parse(line).stream().map(h -> h.trim().toLowerCase(Locale.ROOT)).toList();
            for (String required : List.of("scenario", "action")) {
                if (!header.contains(required)) {
                    throw new IllegalArgumentException(file + ":1: the header needs a \"" + required + "\" column");
                }
            }
            int lineNo = 1;
            while ((line = reader.readLine()) != null) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                List<String> cells = csv.parse(line);
                Map<String, String> row = new HashMap<>();
                for (int i = 0; i < header.size() && i < cells.size(); i++) {
                    row.put(header.get(i), cells.get(i).trim());
                }
                if (row.getOrDefault("scenario", "").isEmpty() || row.get("scenario").startsWith("#")) {
                    continue;
                }
                try {
                    scenarios.add(scenario(file, lineNo, row));
                } catch (RuntimeException e) {
                    problems.add(file + ":" + lineNo + " (" + row.get("scenario") + "): " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("\n", problems));
        }
        return scenarios;
    }

    private static Scenario scenario(String file, int line, Map<String, String> row) {
        Instant asOf = row.getOrDefault("asof", "").isEmpty() ? DEFAULT_AS_OF : Instant.parse(row.get("asof"));
        Customer customer = customer(row);
        LocalDate today = asOf.atZone(ZoneId.of(customer.timeZone())).toLocalDate();
        Facts facts = new Facts(asOf, customer, invoices(row.get("invoices"), today),
                contacts(row.get("contacts"), asOf), holds(row.get("holds"), today));
        List<Scenario.Expectation> expect = new ArrayList<>();
        for (String item : items(row.get("expect"))) {
            int eq = item.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("expect \"" + item + "\" must be key=value");
            }
            expect.add(new Scenario.Expectation(item.substring(0, eq).trim(), item.substring(eq + 1).trim()));
        }
        String action = code(Action.class, row.get("action"), "action");
        String channel = blank(row.get("channel")) ? null
                : row.get("channel").trim().equals("-") ? Channel.NONE.name() : code(Channel.class, row.get("channel"), "channel");
        String tone = blank(row.get("tone")) ? null
                : row.get("tone").trim().equals("-") ? "-" : code(dev.dunning.decision.Tone.class, row.get("tone"), "tone");
        Integer stage = blank(row.get("stage")) ? null : Integer.valueOf(row.get("stage").trim());
        return new Scenario(file, line, row.get("scenario"), facts, action, channel, tone, stage, expect);
    }

    private static Customer customer(Map<String, String> row) {
        String country = value(row, "country", "US");
        Map<Channel, Boolean> consents = new EnumMap<>(Channel.class);
        String consentText = value(row, "consents", "EMAIL SMS PHONE LETTER");
        if (!consentText.equalsIgnoreCase("none")) {
            for (String c : consentText.split("[\\s,]+")) {
                consents.put(Catalogue.require(Channel.class, c.trim()), true);
            }
        }
        List<String> flags = Arrays.stream(value(row, "flags", "").split("[\\s,]+"))
                .filter(f -> !f.isBlank())
                .toList();
        for (String flag : flags) {
            if (!List.of("vulnerable", "doNotContact", "thirdPartyCollection").contains(flag)) {
                throw new IllegalArgumentException("unknown flag \"" + flag
                        + "\"; use vulnerable, doNotContact or thirdPartyCollection");
            }
        }
        return new Customer(
                value(row, "customer", "C-1"),
                null,
                Catalogue.require(Segment.class, value(row, "segment", "CONSUMER")),
                country,
                value(row, "language", "en"),
                value(row, "timezone", "America/Los_Angeles"),
                value(row, "currency", "USD"),
                Integer.parseInt(value(row, "risk", "40")),
                Integer.parseInt(value(row, "tenure", "18")),
                consents,
                flags.contains("doNotContact"),
                flags.contains("vulnerable"),
                flags.contains("thirdPartyCollection"));
    }

    /** {@code I-1 USD 120.00 overdue 12 [paid 20] [status DISPUTED] [failed 2 insufficient_funds] [failedAgo 5]}. */
    private static List<Invoice> invoices(String text, LocalDate today) {
        List<Invoice> invoices = new ArrayList<>();
        for (String item : items(text)) {
            String[] t = item.split("\\s+");
            if (t.length < 3) {
                throw new IllegalArgumentException("invoice \"" + item + "\" needs at least: id currency amount");
            }
            String id = t[0];
            String currency = t[1];
            BigDecimal amount = new BigDecimal(t[2]);
            LocalDate due = today.minusDays(1);
            BigDecimal paid = BigDecimal.ZERO;
            InvoiceStatus status = InvoiceStatus.OPEN;
            int failed = 0;
            String decline = null;
            Instant failedAt = null;
            for (int i = 3; i < t.length; i++) {
                switch (t[i]) {
                    case "overdue" -> due = today.minusDays(Long.parseLong(t[++i]));
                    case "due" -> due = LocalDate.parse(t[++i]);
                    case "paid" -> {
                        paid = new BigDecimal(t[++i]);
                        status = InvoiceStatus.PARTIALLY_PAID;
                    }
                    case "status" -> status = Catalogue.require(InvoiceStatus.class, t[++i]);
                    case "failed" -> {
                        failed = Integer.parseInt(t[++i]);
                        decline = t[++i];
                    }
                    case "failedAgo" -> failedAt = today.atStartOfDay(ZoneId.of("UTC")).toInstant()
                            .minus(Duration.ofDays(Long.parseLong(t[++i])));
                    default -> throw new IllegalArgumentException("invoice \"" + item + "\": unknown word \"" + t[i]
                            + "\"; use overdue N, due DATE, paid AMOUNT, status S, failed N CODE, failedAgo N");
                }
            }
            invoices.add(new Invoice(id, "N-" + id, currency, amount, paid, due.minusDays(30), due, status, "CARD",
                    failed, decline, null, failedAt));
        }
        return invoices;
    }

    /** {@code 5d PHONE PHONE_CALL 2 CONVERSATION} (5 days before asOf; also 30h, or an ISO instant). */
    private static List<ContactAttempt> contacts(String text, Instant asOf) {
        List<ContactAttempt> contacts = new ArrayList<>();
        for (String item : items(text)) {
            String[] t = item.split("\\s+");
            if (t.length != 5) {
                throw new IllegalArgumentException("contact \"" + item + "\" needs: when channel action stage outcome");
            }
            contacts.add(new ContactAttempt(when(t[0], asOf), Catalogue.require(Channel.class, t[1]),
                    Catalogue.require(Action.class, t[2]), Integer.valueOf(t[3]), Catalogue.require(Outcome.class, t[4])));
        }
        return contacts;
    }

    /** {@code PROMISE_TO_PAY from -3 until 10} (days relative to the customer's today) or with dates; invoice after kind. */
    private static List<Hold> holds(String text, LocalDate today) {
        List<Hold> holds = new ArrayList<>();
        for (String item : items(text)) {
            String[] t = item.split("\\s+");
            HoldKind kind = Catalogue.require(HoldKind.class, t[0]);
            String invoiceId = null;
            LocalDate from = today;
            LocalDate until = null;
            for (int i = 1; i < t.length; i++) {
                switch (t[i]) {
                    case "from" -> from = day(t[++i], today);
                    case "until" -> until = day(t[++i], today);
                    case "invoice" -> invoiceId = t[++i];
                    default -> throw new IllegalArgumentException("hold \"" + item + "\": unknown word \"" + t[i]
                            + "\"; use invoice ID, from DAY, until DAY");
                }
            }
            holds.add(new Hold(kind, invoiceId, from, until));
        }
        return holds;
    }

    private static Instant when(String text, Instant asOf) {
        if (text.endsWith("d")) {
            return asOf.minus(Duration.ofDays(Long.parseLong(text.substring(0, text.length() - 1))));
        }
        if (text.endsWith("h")) {
            return asOf.minus(Duration.ofHours(Long.parseLong(text.substring(0, text.length() - 1))));
        }
        return Instant.parse(text);
    }

    private static LocalDate day(String text, LocalDate today) {
        return text.matches("[+-]?\\d+") ? today.plusDays(Long.parseLong(text)) : LocalDate.parse(text);
    }

    private static List<String> items(String text) {
        if (blank(text)) {
            return List.of();
        }
        return Arrays.stream(text.split(";")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static <E extends Enum<E>> String code(Class<E> kind, String value, String column) {
        if (blank(value)) {
            throw new IllegalArgumentException("the " + column + " column is empty");
        }
        return Catalogue.require(kind, value.trim()).name();
    }

    private static String value(Map<String, String> row, String key, String fallback) {
        String v = row.get(key);
        return blank(v) ? fallback : v.trim();
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
