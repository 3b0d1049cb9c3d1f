package dev.dunning.decisions.web;

import dev.dunning.audit.AuditRecords;
import dev.dunning.audit.Explanation;
import dev.dunning.decision.Channel;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.dispatch.Outbox;
import dev.dunning.dispatch.OutboxEntry;
import dev.dunning.dispatch.OutboxStatus;
import dev.dunning.facts.FactRejectedException;
import dev.dunning.facts.UnknownFactException;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import tools.jackson.databind.json.JsonMapper;

/**
 * The credit controllers' work queues: hand-overs and suspensions awaiting approval (approve or reject with a comment,
 * the decision's explanation beside it), the customers decisions sent to a person (each marked dealt with, with a
 * note), and the outbox's dead letters for an admin to re-queue. Each calls the service its API calls
 * ({@code ApprovalController}, {@link ManualReviewController}, {@code OutboxController}), with the same checks;
 * EndpointRules.CONSOLE gives each the API's roles.
 */
@ConsolePage
class WorkQueuePages {

    static final int PAGE = 20;
    /** As the API's page parameter: paging is bounded. */
    static final int MAX_PAGE = 100_000;

    private final DispatchService dispatch;
    private final AuditRecords records;
    private final ManualReviews reviews;
    private final Validator validator;
    private final JsonMapper json;

    WorkQueuePages(DispatchService dispatch, AuditRecords records, ManualReviews reviews, Validator validator,
            JsonMapper json) {
        this.dispatch = dispatch;
        this.records = records;
        this.reviews = reviews;
        this.validator = validator;
        this.json = json;
    }

    /** The review as the API's ReviewRequest takes it, with its constraints, so that the page says what the API says. */
    record Review(@NotBlank @Size(max = 1000) String reason) {}

    /** An entry awaiting approval with the decision's explanation (null if the log no longer has it). */
    record Awaiting(OutboxEntry entry, Explanation explanation) {}

    /** Which queues this person may open and act in, as EndpointRules.CONSOLE has them. */
    @ModelAttribute("may")
    Map<String, Boolean> may(HttpServletRequest request) {
        boolean controller = request.isUserInRole("CREDIT_CONTROLLER");
        boolean admin = request.isUserInRole("ADMIN");
        return Map.of("approvals", controller, "reviews", controller || request.isUserInRole("AUDITOR"),
                "dealWith", controller, "deadLetters", controller || admin, "requeue", admin);
    }

    /** The queues this person may open, with how many entries wait in the outbox's. */
    @GetMapping("/console/queues")
    String index(HttpServletRequest request, Model model) {
        Map<String, Long> counts = new LinkedHashMap<>();
        if (request.isUserInRole("CREDIT_CONTROLLER")) {
            counts.put("approvals", dispatch.count(new Outbox.Filter(OutboxStatus.AWAITING_APPROVAL, null, null)));
        }
        if (request.isUserInRole("CREDIT_CONTROLLER") || request.isUserInRole("ADMIN")) {
            counts.put("deadLetters", dispatch.count(new Outbox.Filter(OutboxStatus.DEAD, null, null)));
        }
        model.addAttribute("counts", counts);
        return "queues/index";
    }

    @GetMapping("/console/queues/approvals")
    String approvals(@RequestParam(required = false) String customerId, @RequestParam(defaultValue = "0") int page,
            HtmxRequest htmx, Model model) {
        showApprovals(customerId, page, model);
        return htmx.isHtmxRequest() ? "queues/approvals :: queue" : "queues/approvals";
    }

    /**
     * Approves or rejects an entry awaiting approval, as the API's POST /api/v1/approvals/{decisionId}: the signed-in
     * person decides, with a comment; an entry no longer awaiting approval gets the API's conflict sentence.
     */
    @PostMapping("/console/queues/approvals/{decisionId}")
    String review(@PathVariable String decisionId, @RequestParam(required = false) String verdict,
            @RequestParam(required = false) String reason, Principal principal, HtmxRequest htmx,
            HttpServletResponse response, RedirectAttributes redirect, Model model) {
        Map<String, String> problems = new LinkedHashMap<>();
        if (!"APPROVE".equals(verdict) && !"REJECT".equals(verdict)) {
            problems.put("verdict", "\"" + verdict + "\" is not a known verdict; use one of APPROVE, REJECT");
        }
        validator.validate(new Review(reason == null ? null : reason.strip()))
                .forEach(v -> problems.merge(v.getPropertyPath().toString(), v.getMessage(), (a, b) -> a + "; " + b));
        OutboxEntry reviewed = null;
        if (problems.isEmpty()) {
            try {
                reviewed = dispatch.review(decisionId, "APPROVE".equals(verdict), Principals.name(principal),
                        reason.strip());
            } catch (FactRejectedException refused) {
                problems.put(refused.field(), refused.getMessage());
            } catch (UnknownFactException unknown) {
                throw new NotFoundException(unknown.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
            model.addAttribute("failed", decisionId);
            model.addAttribute("problems", problems);
            model.addAttribute("reasonTyped", reason);
            showApprovals(null, 0, model);
            return htmx.isHtmxRequest() ? "queues/approvals :: queue" : "queues/approvals";
        }
        if (htmx.isHtmxRequest()) {
            model.addAttribute("done", reviewed);
            showApprovals(null, 0, model);
            return "queues/approvals :: queue";
        }
        redirect.addFlashAttribute("done", reviewed);
        return "redirect:/console/queues/approvals";
    }

    @GetMapping("/console/queues/manual-review")
    String manualReview(@RequestParam(required = false) String customerId,
            @RequestParam(required = false) String state, @RequestParam(required = false) String before,
            HtmxRequest htmx, Model model) {
        showManualReviews(customerId, state, before, model);
        return htmx.isHtmxRequest() ? "queues/manual-review :: queue" : "queues/manual-review";
    }

    /**
     * Records that the signed-in person dealt with a customer's manual review, with a note, as the API's POST
     * /api/v1/manual-reviews/{decisionId}/dealt-with; a blank note or a review no longer open gets the service's
     * sentence beside the entry (above the queue when the entry has left it), and nothing is written.
     */
    @PostMapping("/console/queues/manual-review/{decisionId}/dealt-with")
    String dealtWith(@PathVariable String decisionId, @RequestParam(required = false) String note,
            @RequestParam(required = false) String customerId, @RequestParam(required = false) String before,
            Principal principal, HtmxRequest htmx, HttpServletResponse response, RedirectAttributes redirect,
            Model model) {
        ManualReviews.Review done;
        try {
            done = reviews.dealWith(decisionId, Principals.name(principal), note);
        } catch (InvalidRequestException invalid) {
            Map<String, String> problems = new LinkedHashMap<>();
            invalid.problems().forEach(p -> problems.merge(p.field(), p.message(), (a, b) -> a + "; " + b));
            return refused(decisionId, problems, HttpServletResponse.SC_BAD_REQUEST, note, customerId, before, htmx,
                    response, model);
        } catch (FactRejectedException refused) {
            return refused(decisionId, Map.of(refused.field(), refused.getMessage()),
                    refused.conflict() ? HttpServletResponse.SC_CONFLICT : HttpServletResponse.SC_BAD_REQUEST, note,
                    customerId, before, htmx, response, model);
        } catch (UnknownFactException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
        if (htmx.isHtmxRequest()) {
            model.addAttribute("done", done);
            showManualReviews(customerId, null, before, model);
            return "queues/manual-review :: queue";
        }
        redirect.addFlashAttribute("done", done);
        if (blankToNull(customerId) != null) {
            redirect.addAttribute("customerId", customerId.strip());
        }
        return "redirect:/console/queues/manual-review";
    }

    private String refused(String decisionId, Map<String, String> problems, int status, String note,
            String customerId, String before, HtmxRequest htmx, HttpServletResponse response, Model model) {
        response.setStatus(status);
        model.addAttribute("failed", decisionId);
        model.addAttribute("problems", problems);
        model.addAttribute("problem", String.join("; ", problems.values()));
        model.addAttribute("noteTyped", note);
        showManualReviews(customerId, null, before, model);
        return htmx.isHtmxRequest() ? "queues/manual-review :: queue" : "queues/manual-review";
    }

    private void showManualReviews(String customerId, String state, String before, Model model) {
        ManualReviews.State shown = ManualReviews.State.OPEN;
        if (state != null && !state.isBlank()) {
            try {
                shown = ManualReviews.State.valueOf(state.strip().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new InvalidRequestException(List.of(new FieldProblem("state", "\"" + state + "\" is not a "
                        + "state of the queue; use one of OPEN, DEALT_WITH")));
            }
        }
        Long seq = null;
        if (before != null && !before.isBlank()) {
            try {
                seq = Long.parseLong(before.strip());
            } catch (NumberFormatException e) {
                throw new InvalidRequestException(List.of(new FieldProblem("before", "\"" + before + "\" is not a "
                        + "place in the queue; follow the page's link to older reviews")));
            }
        }
        ManualReviews.Page page = reviews.page(shown, customerId, seq, PAGE);
        model.addAttribute("customerId", customerId);
        model.addAttribute("state", shown.name());
        model.addAttribute("cursor", seq);
        model.addAttribute("page", page);
        if (!model.containsAttribute("problems")) {
            model.addAttribute("problems", Map.of());
        }
        Object failed = model.getAttribute("failed");
        // A refused entry that is no longer on the page (dealt with meanwhile) has its sentence above the queue.
        model.addAttribute("failedShown", failed != null
                && page.reviews().stream().anyMatch(r -> r.decisionId().equals(failed)));
    }

    @GetMapping("/console/queues/dead-letters")
    String deadLetters(@RequestParam(required = false) String customerId,
            @RequestParam(required = false) String channel, @RequestParam(defaultValue = "0") int page,
            HtmxRequest htmx, Model model) {
        showDeadLetters(customerId, channel, page, model);
        return htmx.isHtmxRequest() ? "queues/dead-letters :: queue" : "queues/dead-letters";
    }

    /** Puts a dead letter back in the queue, due now, as the API's POST /api/v1/outbox/{decisionId}/requeue. */
    @PostMapping("/console/queues/dead-letters/{decisionId}/requeue")
    String requeue(@PathVariable String decisionId, HtmxRequest htmx, HttpServletResponse response,
            RedirectAttributes redirect, Model model) {
        OutboxEntry requeued;
        try {
            requeued = dispatch.requeue(decisionId);
        } catch (FactRejectedException refused) {
            response.setStatus(HttpServletResponse.SC_CONFLICT);
            model.addAttribute("failed", decisionId);
            model.addAttribute("problem", refused.getMessage());
            showDeadLetters(null, null, 0, model);
            return htmx.isHtmxRequest() ? "queues/dead-letters :: queue" : "queues/dead-letters";
        } catch (UnknownFactException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
        if (htmx.isHtmxRequest()) {
            model.addAttribute("done", requeued);
            showDeadLetters(null, null, 0, model);
            return "queues/dead-letters :: queue";
        }
        redirect.addFlashAttribute("done", requeued);
        return "redirect:/console/queues/dead-letters";
    }

    private void showApprovals(String customerId, int page, Model model) {
        checkPage(page);
        var filter = new Outbox.Filter(OutboxStatus.AWAITING_APPROVAL, null, blankToNull(customerId));
        List<Awaiting> items = dispatch.list(filter, page * PAGE, PAGE).stream()
                .map(e -> new Awaiting(e, records.byDecisionId(e.decisionId())
                        .map(r -> Explanation.of(r, json.readTree(r.content()))).orElse(null)))
                .toList();
        model.addAttribute("customerId", customerId);
        model.addAttribute("items", items);
        model.addAttribute("paging", paging(page, dispatch.count(filter)));
        if (!model.containsAttribute("problems")) {
            model.addAttribute("problems", Map.of());
        }
    }

    private void showDeadLetters(String customerId, String channel, int page, Model model) {
        checkPage(page);
        String route = blankToNull(channel);
        if (route != null) {
            route = route.toUpperCase(Locale.ROOT);
        }
        var filter = new Outbox.Filter(OutboxStatus.DEAD, route, blankToNull(customerId));
        model.addAttribute("customerId", customerId);
        model.addAttribute("channel", route);
        model.addAttribute("channels", Arrays.stream(Channel.values()).map(Enum::name).toList());
        model.addAttribute("items", dispatch.list(filter, page * PAGE, PAGE));
        model.addAttribute("paging", paging(page, dispatch.count(filter)));
    }

    /** Which page of how many, and whether there is a page before and after it. */
    record Paging(int page, long total, int pages, boolean previous, boolean next) {}

    private static Paging paging(int page, long total) {
        int pages = (int) Math.max(1, (total + PAGE - 1) / PAGE);
        return new Paging(page, total, pages, page > 0, (long) (page + 1) * PAGE < total);
    }

    private static void checkPage(int page) {
        if (page < 0 || page > MAX_PAGE) {
            throw new InvalidRequestException(List.of(new FieldProblem("page", "must be between 0 and " + MAX_PAGE)));
        }
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
