package dev.dunning.effectiveness.web;

import dev.dunning.decision.Segment;
import dev.dunning.effectiveness.Deliverability;
import dev.dunning.effectiveness.Figures;
import dev.dunning.effectiveness.Receivables;
import dev.dunning.facts.FactRejectedException;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/**
 * The effectiveness page of the console (docs/console.md, "Effectiveness"): the figures cut one way, the timeline with
 * the activations of rule-set versions, receivables with DSO, and deliverability, under the API's filters. The filters
 * are read and checked by the API's own controller ({@link EffectivenessController}), so a value the API refuses is
 * refused here with the same sentence, beside its field; the CSV links answer the API's CSV, from the same code.
 */
@ConsolePage
class EffectivenessPages {

    private final EffectivenessController api;
    private final Figures figures;
    private final Receivables receivables;
    private final Deliverability deliverability;
    private final RuleSetVersions versions;

    EffectivenessPages(EffectivenessController api, Figures figures, Receivables receivables,
            Deliverability deliverability, RuleSetVersions versions) {
        this.api = api;
        this.figures = figures;
        this.receivables = receivables;
        this.deliverability = deliverability;
        this.versions = versions;
    }

    /** The filters as typed; empty is no filter (the time range then is the API's default). */
    record FilterForm(String from, String to, String ruleSetVersion, String segment, String currency, String by,
            String interval, String asOf) {

        String fromOrNull() {
            return blankToNull(from);
        }

        String toOrNull() {
            return blankToNull(to);
        }

        String versionOrNull() {
            return blankToNull(ruleSetVersion);
        }

        String segmentOrNull() {
            return blankToNull(segment);
        }

        String currencyOrNull() {
            return blankToNull(currency);
        }

        String byOrNull() {
            return blankToNull(by);
        }

        String intervalOrWeek() {
            return blankToNull(interval) == null ? "week" : interval.strip();
        }

        String asOfOrNull() {
            return blankToNull(asOf);
        }
    }

    @GetMapping("/console/effectiveness")
    String index(FilterForm form, Model model, HttpServletResponse response) {
        Map<String, String> problems = new LinkedHashMap<>();
        Figures.Filter filter = checked(problems, () -> api.filter(form.fromOrNull(), form.toOrNull(),
                form.versionOrNull(), form.segmentOrNull(), form.currencyOrNull()));
        Figures.Cut cut = checked(problems, () -> EffectivenessController.cut(form.byOrNull()));
        Boolean monthly = checked(problems, () -> EffectivenessController.monthly(form.intervalOrWeek()));
        LocalDate asOf = checked(problems, () -> api.asOf(form.asOfOrNull()));
        model.addAttribute("form", form);
        model.addAttribute("problems", problems);
        model.addAttribute("segments", Segment.values());
        model.addAttribute("cuts", EffectivenessView.CUTS);
        model.addAttribute("versions", versions.list().stream()
                .filter(v -> v.status() != RuleSetVersions.Status.REJECTED).toList());
        if (!problems.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return "effectiveness/index";
        }
        Figures.Timeline timeline = figures.timeline(filter, monthly);
        model.addAttribute("view", EffectivenessView.of(figures.report(filter, cut), timeline,
                receivables.report(asOf, filter.currency()), deliverability.report(filter), form));
        return "effectiveness/index";
    }

    /**
     * The CSV of one part of the page, exactly as the API answers it with {@code format=csv} ({@code what}: figures,
     * timeline, receivables, deliverability), for the filters given.
     */
    @GetMapping("/console/effectiveness/export/{what}")
    ResponseEntity<?> export(@PathVariable String what, FilterForm form) {
        return asProblems(() -> switch (what) {
            case "figures" -> api.figures(form.fromOrNull(), form.toOrNull(), form.versionOrNull(),
                    form.segmentOrNull(), form.currencyOrNull(), form.byOrNull(), "csv");
            case "timeline" -> api.timeline(form.fromOrNull(), form.toOrNull(), form.versionOrNull(),
                    form.segmentOrNull(), form.currencyOrNull(), form.intervalOrWeek(), "csv");
            case "receivables" -> api.receivables(form.asOfOrNull(), form.currencyOrNull(), "csv");
            case "deliverability" -> api.deliverability(form.fromOrNull(), form.toOrNull(), form.versionOrNull(),
                    form.segmentOrNull(), form.currencyOrNull(), "csv");
            default -> throw new NotFoundException("there is no export \"" + what + "\"; the effectiveness page "
                    + "offers figures, timeline, receivables and deliverability");
        });
    }

    /** The comparison of a champion/challenger test's arms as the API's CSV. */
    @GetMapping("/console/effectiveness/export/challenger-tests/{id}")
    ResponseEntity<?> comparison(@PathVariable String id) {
        return asProblems(() -> api.comparison(id, "csv"));
    }

    /** A refusal of the API's checks, as the console shows a bad request: the field and the sentence. */
    private static ResponseEntity<?> asProblems(Supplier<ResponseEntity<?>> export) {
        try {
            return export.get();
        } catch (FactRejectedException e) {
            throw new InvalidRequestException(List.of(new FieldProblem(e.field(), e.getMessage())));
        }
    }

    private static <T> T checked(Map<String, String> problems, Supplier<T> read) {
        try {
            return read.get();
        } catch (FactRejectedException e) {
            problems.putIfAbsent(e.field(), e.getMessage());
            return null;
        }
    }

    static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
