package dev.dunning.challenger.web;

import dev.dunning.challenger.ChallengerTests;
import dev.dunning.effectiveness.ChallengerComparison;
import dev.dunning.facts.FactRejectedException;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.FourEyes;
import dev.dunning.rulesets.ReviewRefusedException;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.math.BigDecimal;
import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Champion/challenger tests in the console (docs/console.md, "Champion/challenger"): the list, a proposal of a stored
 * version for a share of customers, a test's page with its history, its review request (approved or rejected in the
 * rule sets' review queue, where activations are: one queue, one four-eyes rule), the comparison of the arms with
 * its confidence interval and sentence, and stop, roll back and promote. Every step calls {@link ChallengerTests} as
 * the API's {@link ChallengerTestController} does, with its checks and its sentences.
 */
@ConsolePage
class ChallengerPages {

    /** Flash attributes: what was done (a message key), or the sentence that refused it. */
    static final String DONE = "testDone";
    static final String REFUSAL = "testRefusal";

    private final ChallengerTests tests;
    private final ChallengerComparison comparison;
    private final RuleSetVersions versions;
    private final Validator validator;

    ChallengerPages(ChallengerTests tests, ChallengerComparison comparison, RuleSetVersions versions,
            Validator validator) {
        this.tests = tests;
        this.comparison = comparison;
        this.versions = versions;
        this.validator = validator;
    }

    /** The proposal form as typed. */
    record ProposeForm(String challengerVersion, String sharePercent, String comment) {

        static ProposeForm empty() {
            return new ProposeForm("", "10", "");
        }
    }

    @GetMapping("/console/challenger-tests")
    String index(Model model, HttpServletRequest request) {
        return render(model, ProposeForm.empty(), Map.of(), null, request);
    }

    /** Proposes a test as the API's POST /api/v1/challenger-tests does; a refused form comes back with the reasons. */
    @PostMapping("/console/challenger-tests")
    String propose(ProposeForm form, Principal principal, Model model, HttpServletRequest request,
            HttpServletResponse response, RedirectAttributes flash) {
        Map<String, String> problems = new LinkedHashMap<>();
        BigDecimal share = null;
        if (form.sharePercent() != null && !form.sharePercent().isBlank()) {
            try {
                share = new BigDecimal(form.sharePercent().strip().replace(',', '.'));
            } catch (NumberFormatException e) {
                problems.put("sharePercent", "\"" + form.sharePercent().strip() + "\" is not a number; give the "
                        + "challenger's share in percent, e.g. 10");
            }
        }
        ChallengerTestController.ProposeRequest proposal = new ChallengerTestController.ProposeRequest(
                blankToNull(form.challengerVersion()), share, blankToNull(form.comment()));
        for (ConstraintViolation<ChallengerTestController.ProposeRequest> v : validator.validate(proposal)) {
            problems.putIfAbsent(v.getPropertyPath().toString(), v.getMessage());
        }
        String refusal = null;
        if (problems.isEmpty()) {
            try {
                ChallengerTests.Test test = tests.propose(proposal.challengerVersion(), proposal.sharePercent(),
                        proposal.comment(), Principals.name(principal));
                flash.addFlashAttribute(DONE, "challenger.done.proposed");
                return "redirect:/console/challenger-tests/" + test.id();
            } catch (FactRejectedException e) {
                problems.put(e.field(), e.getMessage());
            } catch (NotFoundException e) {
                problems.put("challengerVersion", e.getMessage());
            } catch (ReviewRefusedException e) {
                refusal = e.getMessage();
            }
        }
        response.setStatus(refusal != null ? HttpStatus.CONFLICT.value() : HttpStatus.BAD_REQUEST.value());
        return render(model, form, problems, refusal, request);
    }

    @GetMapping("/console/challenger-tests/{id}")
    String test(@PathVariable long id, Model model, HttpServletRequest request) {
        ChallengerTests.Test test = tests.find(id);
        Optional<RuleSetReviews.Review> review = tests.reviewRequest(test);
        model.addAttribute("test", test);
        model.addAttribute("events", tests.events(id));
        model.addAttribute("review", review.orElse(null));
        Optional<ChallengerComparison.Report> compared = comparison.of(id);
        model.addAttribute("comparison", compared.orElse(null));
        // each arm's recovered amounts, one per currency (never added together)
        model.addAttribute("recovered", compared.map(c -> c.arms().stream().collect(Collectors.toMap(
                ChallengerComparison.Arm::arm, a -> a.recovered().isEmpty() ? "–" : a.recovered().stream()
                        .map(r -> r.currency() + " " + r.amount().toPlainString() + " (" + r.payments() + ")")
                        .collect(Collectors.joining("; "))))).orElse(Map.of()));
        model.addAttribute("mayChange", request.isUserInRole("CREDIT_CONTROLLER"));
        model.addAttribute("open", test.status() == ChallengerTests.Status.PROPOSED
                || test.status() == ChallengerTests.Status.RUNNING);
        model.addAttribute("running", test.status() == ChallengerTests.Status.RUNNING);
        return "challenger/test";
    }

    @PostMapping("/console/challenger-tests/{id}/stop")
    String stop(@PathVariable long id, @RequestParam(required = false) String reason, Principal principal,
            RedirectAttributes flash) {
        return end(id, reason, flash, "stopped", () -> tests.stop(id, Principals.name(principal), reason));
    }

    @PostMapping("/console/challenger-tests/{id}/rollback")
    String rollBack(@PathVariable long id, @RequestParam(required = false) String reason, Principal principal,
            RedirectAttributes flash) {
        return end(id, reason, flash, "rolledBack", () -> tests.rollBack(id, Principals.name(principal), reason));
    }

    /** Activates the challenger through the rule-set lifecycle (its gates and four-eyes rule), as the API does. */
    @PostMapping("/console/challenger-tests/{id}/promote")
    String promote(@PathVariable long id, Principal principal, RedirectAttributes flash) {
        tests.find(id);
        return step(id, flash, "promoted", () -> tests.promote(id, Principals.name(principal)));
    }

    private String end(long id, String reason, RedirectAttributes flash, String done, Runnable action) {
        tests.find(id);
        // The API's check of the body: a reason is needed, at most 1,000 characters.
        for (ConstraintViolation<ChallengerTestController.EndRequest> v
                : validator.validate(new ChallengerTestController.EndRequest(blankToNull(reason)))) {
            flash.addFlashAttribute(REFUSAL, "reason: " + v.getMessage());
            return "redirect:/console/challenger-tests/" + id;
        }
        return step(id, flash, done, action);
    }

    private String step(long id, RedirectAttributes flash, String done, Runnable action) {
        try {
            action.run();
            flash.addFlashAttribute(DONE, "challenger.done." + done);
        } catch (ReviewRefusedException | FourEyes.FourEyesException | CandidateRejectedException refused) {
            flash.addFlashAttribute(REFUSAL, refused.getMessage());
        }
        return "redirect:/console/challenger-tests/" + id;
    }

    private String render(Model model, ProposeForm form, Map<String, String> problems, String refusal,
            HttpServletRequest request) {
        String active = versions.activeVersion().orElse(null);
        List<ChallengerTests.Test> all = tests.list();
        model.addAttribute("tests", all);
        model.addAttribute("form", form);
        model.addAttribute("problems", problems);
        model.addAttribute("refusal", refusal);
        model.addAttribute("active", active);
        model.addAttribute("mayPropose", request.isUserInRole("CREDIT_CONTROLLER"));
        // what may challenge: a stored version other than the one in force that the gates did not reject
        model.addAttribute("candidates", versions.list().stream()
                .filter(v -> v.status() != RuleSetVersions.Status.REJECTED && !v.version().equals(active)).toList());
        return "challenger/index";
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
