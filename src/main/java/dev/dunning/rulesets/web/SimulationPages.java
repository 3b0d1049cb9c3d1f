package dev.dunning.rulesets.web;

import dev.dunning.decision.Segment;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetSimulation;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.rulesets.SimulationsBusyException;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import dev.dunning.web.RequestChecks;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Validator;
import java.security.Principal;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Simulate a version against the stored customers, in the background as the API's
 * {@code POST /api/v1/rule-sets/{v}/simulate?background=true} does ({@link RuleSetSimulation#start}): the page shows
 * the job's progress (htmx polls a fragment until it is done; without JavaScript a link reloads it), then the action
 * before/after matrix, the decision mix as a chart and as a table, and the changed customers with both traces, a page
 * at a time.
 */
@ConsolePage
class SimulationPages {

    /** Changed customers on one page of the result. */
    static final int PAGE_SIZE = 20;

    private final RuleSetLifecycle lifecycle;
    private final RuleSetSimulation simulation;
    private final Validator validator;

    SimulationPages(RuleSetLifecycle lifecycle, RuleSetSimulation simulation, Validator validator) {
        this.lifecycle = lifecycle;
        this.simulation = simulation;
        this.validator = validator;
    }

    @GetMapping("/console/rule-sets/{version}/simulate")
    String page(@PathVariable String version, @RequestParam(required = false) String job,
            @RequestParam(defaultValue = "0") int page, Model model, HttpServletRequest request) {
        RuleSetVersions.Stored stored = RuleSetComparePages.found(() -> lifecycle.find(version));
        model.addAttribute("stored", stored);
        model.addAttribute("serving", lifecycle.serving().version());
        model.addAttribute("segments", Arrays.stream(Segment.values()).map(Segment::name).toList());
        model.addAttribute("canSimulate", request.isUserInRole("CREDIT_CONTROLLER"));
        model.addAttribute("view", job == null ? null : view(job, page));
        return "rulesets/simulate";
    }

    /** The job's state now: the fragment htmx polls (and pages through), else the whole page. */
    @GetMapping("/console/rule-sets/{version}/simulate/jobs/{id}")
    String job(@PathVariable String version, @PathVariable String id, @RequestParam(defaultValue = "0") int page,
            HtmxRequest htmx, Model model, HttpServletRequest request) {
        if (!htmx.isHtmxRequest()) {
            return "redirect:" + UriComponentsBuilder.fromPath("/console/rule-sets/{v}/simulate")
                    .queryParam("job", id).queryParam("page", page).buildAndExpand(version).encode().toUriString();
        }
        RuleSetVersions.Stored stored = RuleSetComparePages.found(() -> lifecycle.find(version));
        model.addAttribute("stored", stored);
        model.addAttribute("view", view(id, page));
        return "rulesets/simulate :: job";
    }

    /**
     * A simulation by its id alone (as the API's {@code /api/v1/rule-sets/simulations/{id}}): its page, under the
     * version it simulated.
     */
    @GetMapping("/console/rule-sets/simulations/{id}")
    String byId(@PathVariable String id) {
        RuleSetSimulation.Job job = simulation.job(id, 0, 1).orElseThrow(() -> new NotFoundException(
                "no simulation " + id + "; finished simulations are kept for dunning.rule-sets.simulation-retention "
                        + "(default 7 days)"));
        return "redirect:" + UriComponentsBuilder.fromPath("/console/rule-sets/{v}/simulate")
                .queryParam("job", job.id()).buildAndExpand(job.candidate()).encode().toUriString();
    }

    /** Starts a background simulation of this version, with the API's checks of the filters, and shows its page. */
    @PostMapping("/console/rule-sets/{version}/simulate")
    String start(@PathVariable String version, @RequestParam(required = false) String segment,
            @RequestParam(required = false) String country, Principal principal) {
        RuleSetVersions.Stored stored = RuleSetComparePages.found(() -> lifecycle.find(version));
        Segment chosen = null;
        if (segment != null && !segment.isBlank()) {
            try {
                chosen = Segment.valueOf(segment.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(List.of(new FieldProblem("segment", "\"" + segment
                        + "\" is not a segment; choose one of " + Arrays.toString(Segment.values()))));
            }
        }
        String countryCode = country == null || country.isBlank() ? null : country.strip().toUpperCase(Locale.ROOT);
        RuleSetSimulation.Request filter = new RuleSetSimulation.Request(null, null, chosen, countryCode, 0,
                PAGE_SIZE);
        RequestChecks.of(validator, filter).throwIfAny();
        RuleSetSimulation.Job job;
        try {
            job = simulation.start(stored.version(), filter, Principals.name(principal));
        } catch (CandidateRejectedException rejected) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "rule-set version "
                    + stored.version().substring(0, 12) + " was rejected at the " + rejected.stoppedAt()
                    + " gate and cannot decide; only a version that passes its gates can be simulated");
        } catch (SimulationsBusyException busy) {
            throw new ResponseStatusException(HttpStatus.TOO_MANY_REQUESTS, busy.getMessage());
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/console/rule-sets/{v}/simulate")
                .queryParam("job", job.id()).buildAndExpand(stored.version()).encode().toUriString();
    }

    private SimulationView view(String id, int page) {
        RequestChecks checks = RequestChecks.empty();
        if (page < 0) {
            checks.add("page", "pages are numbered from 0; " + page + " is not a page");
        }
        checks.pageWithin(page, PAGE_SIZE, RuleSetSimulation.KEPT_CHANGES,
                "a simulation keeps the first changed customers for paging; the counts cover all").throwIfAny();
        return SimulationView.of(simulation.job(id, page, PAGE_SIZE).orElseThrow(() -> new NotFoundException(
                "no simulation " + id + "; finished simulations are kept for dunning.rule-sets.simulation-retention "
                        + "(default 7 days)")));
    }
}
