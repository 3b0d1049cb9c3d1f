package dev.dunning.rulesets.web;

import dev.dunning.rules.RuleSetDiff;
import dev.dunning.rulesets.RuleSetReviews;
import java.util.List;

/**
 * What the review panel of a version's page shows: the version's open request (with why an approval would be refused
 * now, if it would), the decided ones, the change against the version in force and the scenario results, and what the
 * person looking may do.
 *
 * @param askKind {@code activate} or {@code rollback} when the person may ask for this version, else null
 * @param diff the change from the version in force to this one; null for the version in force
 * @param scenariosRun how many scenarios the gates ran on it (null: no report), {@code scenarioFailures} how many failed
 */
record ReviewPanel(String version, String inForce, String askKind, List<Pending> pending,
        List<RuleSetReviews.Review> decided, RuleSetDiff.Result diff, Integer scenariosRun, int scenarioFailures,
        boolean mayReview) {

    /**
     * An open request as a person sees it.
     *
     * @param stale why an approval would be refused now (another version went into force), or null
     * @param mine whether the person looking asked for it (then they may withdraw it, not approve it)
     */
    record Pending(RuleSetReviews.Review review, String stale, boolean mine) {}

    public boolean changed() {
        return diff != null && !diff.files().isEmpty();
    }
}
