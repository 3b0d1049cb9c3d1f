package dev.dunning.rulesets.web;

import dev.dunning.rulesets.AlteredVersionException;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.FourEyes;
import dev.dunning.rulesets.ReviewRefusedException;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.rulesets.StaleRequestException;
import dev.dunning.rulesets.UnknownVersionException;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import java.security.Principal;
import java.util.function.Supplier;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Four eyes in the console: ask for a version to be activated or rolled back to, approve, reject or withdraw a request,
 * each through {@link RuleSetReviews} as the API ({@link RuleSetReviewController}) does. Every step answers with the
 * version's page (post, redirect, get); a refusal (the asker approving, a request out of date, a gate that failed, a
 * missing comment) comes back on that page in the service's own sentence. What the panel shows is gathered by
 * {@link RuleSetReviewModel}.
 */
@ConsolePage
class RuleSetReviewPages {

    /** The flash attribute that carries a refusal's sentence to the version's page. */
    static final String REFUSAL = "reviewRefusal";
    /** The flash attribute that carries what was done (a message key) to the version's page. */
    static final String DONE = "reviewDone";

    private final RuleSetReviews reviews;

    RuleSetReviewPages(RuleSetReviews reviews) {
        this.reviews = reviews;
    }

    @PostMapping("/console/rule-sets/{version}/reviews")
    String request(@PathVariable String version, @RequestParam(required = false) String comment,
            Principal principal, RedirectAttributes flash) {
        String who = Principals.name(principal);
        RuleSetReviews.Review[] made = new RuleSetReviews.Review[1];
        return step(() -> made[0] = reviews.request(version, who, comment), () -> made[0] == null ? version
                : made[0].version(), "requested", flash);
    }

    @PostMapping("/console/rule-sets/reviews/{id}/approve")
    String approve(@PathVariable long id, @RequestParam(required = false) String comment, Principal principal,
            RedirectAttributes flash) {
        String version = versionOf(id);
        return step(() -> reviews.approve(id, Principals.name(principal), comment), () -> version, "approved", flash);
    }

    @PostMapping("/console/rule-sets/reviews/{id}/reject")
    String reject(@PathVariable long id, @RequestParam(required = false) String comment, Principal principal,
            RedirectAttributes flash) {
        String version = versionOf(id);
        return step(() -> reviews.reject(id, Principals.name(principal), comment), () -> version, "rejected", flash);
    }

    @PostMapping("/console/rule-sets/reviews/{id}/withdraw")
    String withdraw(@PathVariable long id, @RequestParam(required = false) String comment, Principal principal,
            RedirectAttributes flash) {
        String version = versionOf(id);
        return step(() -> reviews.withdraw(id, Principals.name(principal), comment), () -> version, "withdrawn",
                flash);
    }

    private String versionOf(long id) {
        try {
            return reviews.find(id).version();
        } catch (UnknownVersionException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
    }

    /** Runs a step; back to the version's page with what was done, or with the sentence that refused it. */
    private String step(Runnable action, Supplier<String> version, String done, RedirectAttributes flash) {
        try {
            action.run();
            flash.addFlashAttribute(DONE, "rulesets.review.done." + done);
        } catch (UnknownVersionException unknown) {
            throw new NotFoundException(unknown.getMessage());
        } catch (FourEyes.FourEyesException | ReviewRefusedException | StaleRequestException
                | CandidateRejectedException | AlteredVersionException refused) {
            flash.addFlashAttribute(REFUSAL, refused.getMessage());
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/console/rule-sets/{v}").fragment("review")
                .buildAndExpand(version.get()).toUriString();
    }
}
