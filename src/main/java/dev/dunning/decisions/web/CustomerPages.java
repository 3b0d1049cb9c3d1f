package dev.dunning.decisions.web;

import dev.dunning.decision.HoldKind;
import dev.dunning.decisions.DecisionService;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.facts.web.CustomerSheet;
import dev.dunning.facts.web.HoldForm;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.security.Principal;
import java.util.List;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * The console's customer pages: a search by id or the start of a name, and one page with the customer's invoices,
 * holds, contact attempts and (for those the API lets read them) decisions, where a credit controller adds or ends a
 * hold. Reads and writes go through what the API's customer, hold and decision-history endpoints use.
 */
@ConsolePage
class CustomerPages {

    static final int FOUND = 50;
    static final int DECISIONS = 20;

    private final CustomerSheet sheets;
    private final HoldForm holds;
    private final DecisionService decisions;

    CustomerPages(CustomerSheet sheets, HoldForm holds, DecisionService decisions) {
        this.sheets = sheets;
        this.holds = holds;
        this.decisions = decisions;
    }

    @ModelAttribute("holdKinds")
    HoldKind[] holdKinds() {
        return HoldKind.values();
    }

    @GetMapping("/console/customers")
    String search(@RequestParam(required = false) String q, HtmxRequest htmx, Model model) {
        String text = q == null ? "" : q.strip();
        if (text.length() > 200) {
            throw new InvalidRequestException(List.of(new FieldProblem("q", "search with at most 200 characters: "
                    + "a customer id or the start of a name")));
        }
        model.addAttribute("q", text);
        if (!text.isEmpty()) {
            // One more than shown tells whether the search should be narrowed.
            var found = sheets.search(text, FOUND + 1);
            model.addAttribute("found", found.size() > FOUND ? found.subList(0, FOUND) : found);
            model.addAttribute("more", found.size() > FOUND);
        }
        return htmx.isHtmxRequest() ? "customers/search :: results" : "customers/search";
    }

    @GetMapping("/console/customers/{id}")
    String customer(@PathVariable String id, HttpServletRequest request, Model model) {
        show(id, request, model);
        return "customers/customer";
    }

    /** Adds a hold in the signed-in person's name; on a problem nothing is written and the form says what to fix. */
    @PostMapping("/console/customers/{id}/holds")
    String addHold(@PathVariable String id, HoldForm.Fields fields, Principal principal, HtmxRequest htmx,
            HttpServletRequest request, HttpServletResponse response, RedirectAttributes redirect, Model model) {
        HoldForm.Outcome outcome;
        try {
            outcome = holds.add(id, fields, Principals.name(principal));
        } catch (UnknownFactException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
        if (!outcome.ok()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("holdProblems", outcome.problems());
            model.addAttribute("typed", fields);
            show(id, request, model);
            return htmx.isHtmxRequest() ? "customers/customer :: holds" : "customers/customer";
        }
        return done(id, "added", outcome.hold().id(), htmx, request, redirect, model);
    }

    /** Ends a hold now in the signed-in person's name; ending an ended hold changes nothing, as the API's DELETE. */
    @PostMapping("/console/customers/{id}/holds/{holdId}/end")
    String endHold(@PathVariable String id, @PathVariable long holdId, Principal principal, HtmxRequest htmx,
            HttpServletRequest request, RedirectAttributes redirect, Model model) {
        try {
            holds.end(id, holdId, Principals.name(principal));
        } catch (UnknownFactException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
        return done(id, "ended", holdId, htmx, request, redirect, model);
    }

    private String done(String id, String what, long holdId, HtmxRequest htmx, HttpServletRequest request,
            RedirectAttributes redirect, Model model) {
        Map<String, Object> done = Map.of("what", what, "hold", holdId);
        if (htmx.isHtmxRequest()) {
            model.addAttribute("done", done);
            show(id, request, model);
            return "customers/customer :: holds";
        }
        redirect.addFlashAttribute("done", done);
        return "redirect:" + UriComponentsBuilder.fromPath("/console/customers/{id}").buildAndExpand(id).encode()
                .toUriString();
    }

    private void show(String id, HttpServletRequest request, Model model) {
        try {
            model.addAttribute("sheet", sheets.of(id));
        } catch (UnknownFactException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
        // The decisions as the API's GET /api/v1/customers/{id}/decisions: for auditors and billing systems.
        boolean mayReadDecisions = request.isUserInRole("AUDITOR") || request.isUserInRole("BILLING_SYSTEM");
        model.addAttribute("mayReadDecisions", mayReadDecisions);
        model.addAttribute("auditor", request.isUserInRole("AUDITOR"));
        model.addAttribute("mayWriteHolds", request.isUserInRole("CREDIT_CONTROLLER")
                || request.isUserInRole("BILLING_SYSTEM"));
        if (mayReadDecisions) {
            model.addAttribute("history", decisions.history(id, 0, DECISIONS));
        }
        if (!model.containsAttribute("holdProblems")) {
            model.addAttribute("holdProblems", Map.of());
        }
        if (!model.containsAttribute("typed")) {
            model.addAttribute("typed", new HoldForm.Fields("DISPUTE", null, holds.today(id).toString(), null, null));
        }
    }
}
