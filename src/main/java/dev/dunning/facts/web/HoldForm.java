package dev.dunning.facts.web;

import dev.dunning.decision.Catalogue;
import dev.dunning.decision.HoldKind;
import dev.dunning.facts.FactRejectedException;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.StoredHold;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Holds added and ended by a person in the console, through the same service and the same checks as the API's
 * {@link HoldController} (its sentences for an unknown kind, a bad date, a last day before the first). A person must
 * also say why (the API leaves the reason to the billing system, which mirrors its own records) and cannot add a hold
 * whose last day has passed (it would pause nothing). Nothing is written when a check fails.
 */
@Component
public class HoldForm {

    private final FactsService facts;
    private final Customers customers;
    private final Validator validator;
    private final Clock clock;

    HoldForm(FactsService facts, Customers customers, Validator validator, Clock clock) {
        this.facts = facts;
        this.customers = customers;
        this.validator = validator;
        this.clock = clock;
    }

    /** The form's fields as typed. */
    public record Fields(String kind, String invoiceId, String from, String until, String reason) {}

    /** What came of a form: the stored hold, or the problems by field (nothing written). */
    public record Outcome(StoredHold hold, Map<String, String> problems) {

        public boolean ok() {
            return problems.isEmpty();
        }
    }

    /** The first day the form proposes: the customer's today. */
    public LocalDate today(String customerId) {
        return HoldController.today(customers, clock, customerId);
    }

    public Outcome add(String customerId, Fields f, String by) {
        List<FieldProblem> problems = new ArrayList<>();
        HoldKind kind = null;
        if (!blank(f.kind())) {
            kind = Catalogue.lookup(HoldKind.class, f.kind().strip()).orElse(null);
            if (kind == null) {
                problems.add(new FieldProblem("kind", "\"" + f.kind().strip() + "\" is not a known "
                        + Catalogue.kindName(HoldKind.class) + "; use one of "
                        + String.join(", ", Catalogue.codes(HoldKind.class))));
            }
        }
        LocalDate from = date("from", f.from(), problems);
        LocalDate until = date("until", f.until(), problems);
        HoldController.HoldRequest request = new HoldController.HoldRequest(kind, blank(f.invoiceId()) ? null
                : f.invoiceId().strip(), from, until, blank(f.reason()) ? null : f.reason().strip());
        RequestChecks checks = HoldController.checks(validator, request);
        if (request.reason() == null) {
            checks.add("reason", "say why dunning pauses (the customer disputes the invoice, promised to pay on a "
                    + "date, ...), so that whoever reads the customer's history later knows");
        }
        LocalDate today = today(customerId);
        if (until != null && until.isBefore(today)) {
            checks.add("until", "the last day (until) " + until + " has passed already (today is " + today
                    + " in the customer's time zone); a hold that has ended pauses nothing");
        }
        try {
            checks.throwIfAny();
        } catch (InvalidRequestException invalid) {
            // An unknown kind or an unreadable date was reported above; its "must not be null" would only confuse.
            List<String> reported = problems.stream().map(FieldProblem::field).toList();
            invalid.problems().stream().filter(p -> !reported.contains(p.field())).forEach(problems::add);
        }
        if (!problems.isEmpty()) {
            return new Outcome(null, byField(problems));
        }
        try {
            return new Outcome(TransientRetry.write(() -> facts.addHold(customerId, request.toHold(),
                    request.reason(), by)), Map.of());
        } catch (FactRejectedException rejected) {
            return new Outcome(null, Map.of(rejected.field(), rejected.getMessage()));
        }
    }

    /** Ends the customer's hold now, recording who ended it; ending an ended hold changes nothing. */
    public StoredHold end(String customerId, long holdId, String by) {
        return TransientRetry.write(() -> facts.endHold(customerId, holdId, by));
    }

    /** A date as the API reads it (2025-02-14); an empty field is no date. */
    private static LocalDate date(String field, String value, List<FieldProblem> problems) {
        if (blank(value)) {
            return null;
        }
        try {
            return LocalDate.parse(value.strip());
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(field, "\"" + value.strip() + "\" is not a date such as \"2025-02-14\""));
            return null;
        }
    }

    private static Map<String, String> byField(List<FieldProblem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        problems.forEach(p -> out.merge(p.field(), p.message(), (a, b) -> a + "; " + b));
        return out;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
