package dev.dunning.rulesets.web;

import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.rulesets.UnknownVersionException;
import dev.dunning.web.Principals;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.servlet.HandlerMapping;

/**
 * Gives the rule-set pages ({@link RuleSetPages}) what their review fragment (templates/rulesets/review.html) shows,
 * so that those pages stay as they are: on the list, the requests waiting for review; on a version's page, its
 * {@link ReviewPanel}.
 */
@ControllerAdvice(assignableTypes = RuleSetPages.class)
class RuleSetReviewModel {

    /** The waiting list shows at most this many requests, oldest first. */
    static final int WAITING = 100;

    private final RuleSetReviews reviews;
    private final RuleSetLifecycle lifecycle;

    RuleSetReviewModel(RuleSetReviews reviews, RuleSetLifecycle lifecycle) {
        this.reviews = reviews;
        this.lifecycle = lifecycle;
    }

    @ModelAttribute
    void review(Model model, HttpServletRequest request) {
        if (!"GET".equals(request.getMethod())) {
            return;
        }
        String person = Principals.name(request.getUserPrincipal());
        if ("/console/rule-sets".equals(request.getRequestURI())) {
            model.addAttribute("waiting", reviews.list(RuleSetReviews.State.PENDING, WAITING).stream()
                    .map(r -> pending(r, person)).toList());
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, String> variables = (Map<String, String>) request.getAttribute(
                HandlerMapping.URI_TEMPLATE_VARIABLES_ATTRIBUTE);
        String version = variables == null ? null : variables.get("version");
        if (version == null || variables.size() != 1
                || !request.getRequestURI().equals("/console/rule-sets/" + version)) {
            return; // a file of a version, or the upload: no panel
        }
        RuleSetVersions.Stored stored;
        try {
            stored = lifecycle.find(version);
        } catch (UnknownVersionException unknown) {
            return; // the page answers 404 itself
        }
        model.addAttribute("reviewPanel", panel(stored, person, request.isUserInRole("CREDIT_CONTROLLER")));
    }

    private ReviewPanel panel(RuleSetVersions.Stored stored, String person, boolean controller) {
        String inForce = lifecycle.serving().version();
        List<RuleSetReviews.Review> all = reviews.ofVersion(stored.version());
        List<ReviewPanel.Pending> pending = all.stream().filter(RuleSetReviews.Review::pending)
                .map(r -> pending(r, person)).toList();
        List<RuleSetReviews.Review> decided = all.stream().filter(r -> !r.pending()).toList();
        // the API refuses a request only while one of the same kind waits (a proposed challenger test does not stop
        // its version being asked for), and the page offers exactly what the API would take
        RuleSetReviews.Kind kind = stored.status() == RuleSetVersions.Status.CANDIDATE ? RuleSetReviews.Kind.ACTIVATE
                : stored.status() == RuleSetVersions.Status.RETIRED ? RuleSetReviews.Kind.ROLLBACK : null;
        String askKind = null;
        if (controller && kind != null && !stored.version().equals(inForce)
                && pending.stream().noneMatch(p -> p.review().kind() == kind)) {
            askKind = kind == RuleSetReviews.Kind.ACTIVATE ? "activate" : "rollback";
        }
        RuleSetLifecycle.Report report = lifecycle.report(stored);
        // the change is what a reviewer or an asker judges; other versions' pages need not compute it
        boolean judged = !stored.version().equals(inForce) && (!pending.isEmpty() || askKind != null);
        return new ReviewPanel(stored.version(), inForce, askKind, pending, decided,
                judged ? lifecycle.diff(inForce, stored.version()) : null,
                report == null ? null : report.scenariosRun(),
                report == null ? 0 : report.scenarioFailures().size(), controller);
    }

    private ReviewPanel.Pending pending(RuleSetReviews.Review review, String person) {
        return new ReviewPanel.Pending(review, reviews.staleness(review).orElse(null),
                review.requestedBy().equals(person));
    }
}
