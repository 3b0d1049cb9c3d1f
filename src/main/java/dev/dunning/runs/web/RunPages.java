package dev.dunning.runs.web;

import dev.dunning.decision.Segment;
import dev.dunning.runs.RunRequest;
import dev.dunning.runs.RunStatus;
import dev.dunning.runs.Runs;
import dev.dunning.validation.DateRange;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.security.Principal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The runs pages of the console: start a dry or live run, follow its progress (htmx polls a fragment), read its
 * report, stop or restart it, and page through the history. Each action calls {@link Runs} as the API's
 * {@link RunController} does, with the same checks of the request and the same sentences when it is refused.
 */
@ConsolePage
class RunPages {

    /** Runs per page of the history. */
    static final int PAGE = 20;
    /** The history pages back this far at most (bounded paging: Spring Batch counts from the newest). */
    static final int MAX_PAGE = 50;

    private final Runs runs;
    private final Validator validator;

    RunPages(Runs runs, Validator validator) {
        this.runs = runs;
        this.validator = validator;
    }

    /** The start form's fields as typed; empty fields are no filter. */
    record StartForm(String asOf, String mode, String segment, String country, String currency, String dispatch) {

        static StartForm empty() {
            return new StartForm("", RunRequest.DRY_RUN, "", "", "", null);
        }

        public boolean dispatching() {
            return dispatch != null && !dispatch.isBlank() && !dispatch.equals("false");
        }
    }

    @GetMapping("/console/runs")
    String index(@RequestParam(defaultValue = "1") String page, Model model) {
        return render(model, StartForm.empty(), Map.of(), page(page));
    }

    /** Starts a run as the API's POST /api/v1/runs does, then shows it; a refused form comes back with the reasons. */
    @PostMapping("/console/runs")
    String start(StartForm form, Principal principal, Model model, HttpServletResponse response) {
        List<FieldProblem> problems = new ArrayList<>();
        Instant asOf = asOf(form.asOf(), problems);
        Segment segment = segment(form.segment(), problems);
        RunController.StartRequest request = new RunController.StartRequest(asOf, blankToNull(form.mode()), segment,
                blankToNull(form.country()), blankToNull(form.currency()), form.dispatching());
        for (ConstraintViolation<RunController.StartRequest> v : validator.validate(request)) {
            String field = v.getPropertyPath().toString();
            if (problems.stream().noneMatch(p -> p.field().equals(field))) {
                problems.add(new FieldProblem(field, v.getMessage()));
            }
        }
        boolean dryRun = RunRequest.DRY_RUN.equals(request.mode());
        if (problems.isEmpty() && dryRun && form.dispatching()) {
            problems.add(new FieldProblem("dispatch", RunController.DISPATCH_NEEDS_LIVE));
        }
        if (!problems.isEmpty()) {
            response.setStatus(HttpStatus.BAD_REQUEST.value());
            return render(model, form, byField(problems), 1);
        }
        long id = runs.start(new RunRequest(asOf, dryRun, segment, request.country(), request.currency(),
                Principals.name(principal), form.dispatching()));
        return "redirect:/console/runs/" + id;
    }

    @GetMapping("/console/runs/{id}")
    String run(@PathVariable long id, Model model) {
        model.addAttribute("run", RunView.of(status(id)));
        return "runs/run";
    }

    /** The part of a run's page that changes while it runs: htmx asks for it again until the run has ended. */
    @GetMapping("/console/runs/{id}/progress")
    String progress(@PathVariable long id, Model model) {
        model.addAttribute("run", RunView.of(status(id)));
        return "runs/run :: progress";
    }

    /** Asks the run to stop after its chunks in progress, as the API's stop; refused as the API refuses it. */
    @PostMapping("/console/runs/{id}/stop")
    String stop(@PathVariable long id) {
        status(id);
        if (!runs.stop(id)) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, RunController.notRunningHere(id));
        }
        return "redirect:/console/runs/" + id;
    }

    /** Continues a failed or stopped run, as the API's restart; refused as the API refuses it. */
    @PostMapping("/console/runs/{id}/restart")
    String restart(@PathVariable long id) {
        status(id);
        try {
            runs.restart(id);
        } catch (IllegalArgumentException e) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, e.getMessage());
        }
        return "redirect:/console/runs/" + id;
    }

    private String render(Model model, StartForm form, Map<String, String> problems, int page) {
        List<RunStatus> history = runs.list((page - 1) * PAGE, PAGE + 1);
        model.addAttribute("form", form);
        model.addAttribute("problems", problems);
        model.addAttribute("segments", Segment.values());
        model.addAttribute("runs", history.size() > PAGE ? history.subList(0, PAGE) : history);
        model.addAttribute("page", page);
        model.addAttribute("olderPage", history.size() > PAGE && page < MAX_PAGE ? page + 1 : null);
        return "runs/index";
    }

    private RunStatus status(long id) {
        return runs.status(id).orElseThrow(() -> new NotFoundException(
                "No run with id " + id + "; the runs page lists the runs"));
    }

    /**
     * The as-of field: a day (that day, 00:00 UTC, as the command line's --as-of) or an instant, within the dates the
     * service takes. The sentences are the API's for an instant it cannot read or that lies outside them.
     */
    static Instant asOf(String value, List<FieldProblem> problems) {
        if (value == null || value.isBlank()) {
            return null; // the validator says it is required, as the API's does
        }
        String v = value.strip();
        Instant asOf;
        try {
            asOf = v.contains("T") ? Instant.parse(v) : LocalDate.parse(v).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            // The API's sentence for an instant it cannot read; a day is what the console takes besides.
            problems.add(new FieldProblem("asOf", "\"" + v + "\" is not " + (v.contains("T") ? ""
                    : "a day such as 2026-11-23 (00:00 UTC) or ") + "an instant such as 2025-03-12T05:30:00Z"));
            return null;
        }
        if (!DateRange.contains(asOf)) {
            problems.add(new FieldProblem("asOf", DateRange.outside(asOf)));
            return null;
        }
        return asOf;
    }

    private static Segment segment(String value, List<FieldProblem> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Segment.valueOf(value.strip());
        } catch (IllegalArgumentException e) {
            problems.add(new FieldProblem("segment", "\"" + value.strip() + "\" is not a known segment; use one of "
                    + String.join(", ", java.util.Arrays.stream(Segment.values()).map(Segment::name).toList())));
            return null;
        }
    }

    private static int page(String value) {
        try {
            int page = Integer.parseInt(value.strip());
            if (page >= 1 && page <= MAX_PAGE) {
                return page;
            }
        } catch (NumberFormatException notANumber) {
            // below
        }
        throw new dev.dunning.web.InvalidRequestException(List.of(new FieldProblem("page", "\"" + value
                + "\" is not a page of the history; use 1 to " + MAX_PAGE)));
    }

    private static Map<String, String> byField(List<FieldProblem> problems) {
        Map<String, String> out = new LinkedHashMap<>();
        problems.forEach(p -> out.merge(p.field(), p.message(), (a, b) -> a + "; " + b));
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

}
