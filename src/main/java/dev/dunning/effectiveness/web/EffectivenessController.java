package dev.dunning.effectiveness.web;

import dev.dunning.decision.Segment;
import dev.dunning.effectiveness.ChallengerComparison;
import dev.dunning.effectiveness.Deliverability;
import dev.dunning.effectiveness.EffectivenessProperties;
import dev.dunning.effectiveness.Figures;
import dev.dunning.effectiveness.Receivables;
import dev.dunning.facts.FactRejectedException;
import dev.dunning.web.NotFoundException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Effectiveness figures for credit controllers (docs/effectiveness.md): every endpoint answers JSON, or CSV with
 * {@code format=csv}. Filters: {@code from} and {@code to} (days of decision, both included; default the last
 * {@code dunning.effectiveness.default-range-days} days), {@code ruleSetVersion}, {@code segment}, {@code currency}.
 */
@RestController
@RequestMapping("/api/v1/effectiveness")
class EffectivenessController {

    /** The longest time range a request may ask for. */
    static final int MAX_RANGE_DAYS = 3_660;

    private final Figures figures;
    private final Receivables receivables;
    private final Deliverability deliverability;
    private final ChallengerComparison comparison;
    private final EffectivenessProperties properties;
    private final Clock clock;

    EffectivenessController(Figures figures, Receivables receivables, Deliverability deliverability,
            ChallengerComparison comparison, EffectivenessProperties properties, Clock clock) {
        this.comparison = comparison;
        this.figures = figures;
        this.receivables = receivables;
        this.deliverability = deliverability;
        this.properties = properties;
        this.clock = clock;
    }

    /** Decisions, contacts, outcomes, payments and recovered amounts, in total and cut {@code by} one dimension. */
    @GetMapping("/figures")
    ResponseEntity<?> figures(
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String ruleSetVersion, @RequestParam(required = false) String segment,
            @RequestParam(required = false) String currency, @RequestParam(required = false) String by,
            @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        Figures.Report report = figures.report(filter(from, to, ruleSetVersion, segment, currency), cut(by));
        if (!csv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
        }
        Csv out = new Csv(Csv.FIGURE_COLUMNS);
        Csv.figureRow(out, "TOTAL", report.total());
        report.rows().forEach(r -> Csv.figureRow(out, r.key(), r));
        return out.response("effectiveness-figures.csv");
    }

    /** The figures by week (from Monday) or month of decision, with the activations of rule-set versions. */
    @GetMapping("/timeline")
    ResponseEntity<?> timeline(
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String ruleSetVersion, @RequestParam(required = false) String segment,
            @RequestParam(required = false) String currency, @RequestParam(defaultValue = "week") String interval,
            @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        boolean monthly = monthly(interval);
        Figures.Timeline timeline = figures.timeline(filter(from, to, ruleSetVersion, segment, currency), monthly);
        if (!csv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(timeline);
        }
        Csv out = new Csv(Csv.FIGURE_COLUMNS);
        timeline.periods().forEach(p -> Csv.figureRow(out, p.start().toString(), p.figures()));
        timeline.activations().forEach(a -> out.row("activated " + a.version() + " at " + a.at() + " by " + a.by()));
        return out.response("effectiveness-timeline.csv");
    }

    /** Open receivables per currency in ageing buckets, DSO by countback, and the amount at risk, as of a day. */
    @GetMapping("/receivables")
    ResponseEntity<?> receivables(
            @RequestParam(required = false) String asOf, @RequestParam(required = false) String currency,
            @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        Receivables.Report report = receivables.report(asOf(asOf), currency(currency));
        if (!csv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
        }
        Csv out = new Csv("currency", "bucket", "amount", "invoices");
        for (Receivables.Currency c : report.currencies()) {
            c.buckets().forEach(b -> out.row(c.currency(), b.name(), b.amount().toPlainString(),
                    String.valueOf(b.invoices())));
            out.row(c.currency(), "open", c.open().toPlainString(), "");
            out.row(c.currency(), "at risk", c.atRisk().toPlainString(), "");
            out.row(c.currency(), "dso days", c.dso() == null ? (c.dsoOver() ? "over 720" : "") : c.dso().toString(),
                    "");
        }
        return out.response("receivables.csv");
    }

    /**
     * Delivery, bounce and complaint rates per channel and template, and the customers whose messages bounce
     * repeatedly.
     */
    @GetMapping("/deliverability")
    ResponseEntity<?> deliverability(
            @RequestParam(required = false) String from, @RequestParam(required = false) String to,
            @RequestParam(required = false) String ruleSetVersion, @RequestParam(required = false) String segment,
            @RequestParam(required = false) String currency, @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        Deliverability.Report report = deliverability.report(filter(from, to, ruleSetVersion, segment, currency));
        if (!csv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
        }
        Csv out = new Csv(Csv.FIGURE_COLUMNS);
        report.byChannel().forEach(r -> Csv.figureRow(out, "channel " + r.key(), r));
        report.byTemplate().forEach(r -> Csv.figureRow(out, "template " + r.key(), r));
        report.repeatedBouncers().forEach(b -> out.row("repeated bouncer " + b.customerId(), "", "", "",
                "", "", "", String.valueOf(b.bounces())));
        return out.response("deliverability.csv");
    }

    /** The arms of a champion/challenger test compared: figures per arm, the difference with its 95 % interval. */
    @GetMapping("/challenger-tests/{id}/comparison")
    ResponseEntity<?> comparison(@PathVariable String id, @RequestParam(required = false) String format) {
        boolean csv = csv(format);
        long testId;
        try {
            testId = Long.parseLong(id.strip());
        } catch (NumberFormatException e) {
            throw FactRejectedException.invalid("id", "\"" + id + "\" is not a test id; give the number GET "
                    + "/api/v1/challenger-tests lists");
        }
        ChallengerComparison.Report report = comparison.of(testId).orElseThrow(() -> new NotFoundException(
                "no champion/challenger test " + testId + "; GET /api/v1/challenger-tests lists them"));
        if (!csv) {
            return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(report);
        }
        Csv out = new Csv("arm", "rule_set_version", "customers", "decisions", "contacts", "sent",
                "contacts_per_customer", "paid_customers", "payment_rate", "manual_reviews",
                "manual_review_customers", "recovered", "complaints", "complaint_customers", "complaint_rate");
        for (ChallengerComparison.Arm a : report.arms()) {
            out.row(a.arm(), a.ruleSetVersion(), String.valueOf(a.customers()), String.valueOf(a.decisions()),
                    String.valueOf(a.contacts()), String.valueOf(a.sent()), Csv.d(a.contactsPerCustomer()),
                    String.valueOf(a.paidCustomers()), Csv.d(a.paymentRate()), String.valueOf(a.manualReviews()),
                    String.valueOf(a.manualReviewCustomers()), Csv.recovered(a.recovered()),
                    String.valueOf(a.complaints()), String.valueOf(a.complaintCustomers()), Csv.d(a.complaintRate()));
        }
        ChallengerComparison.Difference d = report.paymentRateDifference();
        if (d != null) {
            out.row("difference (points)", String.valueOf(d.points()), "95 % CI " + d.low() + " to " + d.high(),
                    "z " + d.z(), "p " + d.pValue());
        }
        out.row("sentence", report.sentence());
        ChallengerComparison.Difference c = report.complaintRateDifference();
        if (c != null) {
            out.row("complaint rate difference (points)", String.valueOf(c.points()), "95 % CI " + c.low() + " to "
                    + c.high(), "z " + c.z(), "p " + c.pValue());
            out.row("complaint sentence", report.complaintSentence());
        }
        return out.response("challenger-test-" + testId + ".csv");
    }

    /** {@code week} or {@code month}: whether the timeline is by month. */
    static boolean monthly(String interval) {
        String period = interval.strip().toLowerCase(Locale.ROOT);
        if (!period.equals("week") && !period.equals("month")) {
            throw FactRejectedException.invalid("interval", "\"" + interval + "\" is not an interval; use week or "
                    + "month");
        }
        return period.equals("month");
    }

    /** The day receivables are aged at: today (UTC) when none is given. */
    LocalDate asOf(String asOf) {
        return asOf == null ? today() : date("asOf", asOf);
    }

    /** The filters of a request (the console's effectiveness page reads them here too, to refuse what the API does). */
    Figures.Filter filter(String from, String to, String ruleSetVersion, String segment, String currency) {
        LocalDate last = to == null ? today() : date("to", to);
        LocalDate first = from == null ? last.minusDays(properties.defaultRangeDays() - 1L) : date("from", from);
        if (first.isAfter(last)) {
            throw FactRejectedException.invalid("from", "from " + first + " is after to " + last + "; give a range "
                    + "whose start is not after its end");
        }
        if (ChronoUnit.DAYS.between(first, last) >= MAX_RANGE_DAYS) {
            throw FactRejectedException.invalid("from", "the range from " + first + " to " + last + " is longer than "
                    + MAX_RANGE_DAYS + " days; ask for a shorter one");
        }
        if (ruleSetVersion != null && !ruleSetVersion.matches("[0-9a-f]{64}")) {
            throw FactRejectedException.invalid("ruleSetVersion", "\"" + ruleSetVersion + "\" is not a rule-set "
                    + "version; give the 64 hexadecimal characters of its content hash (GET /api/v1/rule-sets)");
        }
        return new Figures.Filter(first, last, ruleSetVersion, segment(segment), currency(currency));
    }

    private LocalDate today() {
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    }

    private static LocalDate date(String field, String value) {
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            throw FactRejectedException.invalid(field, "\"" + value + "\" is not a date; write it as YYYY-MM-DD, "
                    + "e.g. 2026-11-30");
        }
    }

    private static String segment(String value) {
        if (value == null) {
            return null;
        }
        String name = value.strip().toUpperCase(Locale.ROOT);
        if (Arrays.stream(Segment.values()).noneMatch(s -> s.name().equals(name))) {
            throw FactRejectedException.invalid("segment", "\"" + value + "\" is not a segment; use one of "
                    + Arrays.stream(Segment.values()).map(Enum::name).collect(Collectors.joining(", ")));
        }
        return name;
    }

    private static String currency(String value) {
        if (value == null) {
            return null;
        }
        String code = value.strip().toUpperCase(Locale.ROOT);
        if (!code.matches("[A-Z]{3}")) {
            throw FactRejectedException.invalid("currency", "\"" + value + "\" is not a currency code; give its "
                    + "three letters (ISO 4217), e.g. EUR");
        }
        return code;
    }

    static Figures.Cut cut(String by) {
        if (by == null) {
            return Figures.Cut.NONE;
        }
        String wanted = by.replace("-", "").replace("_", "").strip().toLowerCase(Locale.ROOT);
        for (Figures.Cut cut : Figures.Cut.values()) {
            if (cut.name().replace("_", "").toLowerCase(Locale.ROOT).equals(wanted)) {
                return cut;
            }
        }
        throw FactRejectedException.invalid("by", "\"" + by + "\" is not a cut of the figures; use one of "
                + "ruleSetVersion, policy, action, template, channel, tone, segment, language, currency");
    }

    private static boolean csv(String format) {
        if (format == null || format.equalsIgnoreCase("json")) {
            return false;
        }
        if (format.equalsIgnoreCase("csv")) {
            return true;
        }
        throw FactRejectedException.invalid("format", "\"" + format + "\" is not a format; use json or csv");
    }

    static HttpHeaders attachment(String name) {
        HttpHeaders headers = new HttpHeaders();
        headers.add(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + "\"");
        return headers;
    }
}
