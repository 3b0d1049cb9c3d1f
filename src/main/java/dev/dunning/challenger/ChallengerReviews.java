package dev.dunning.challenger;

import dev.dunning.rulesets.RuleSetReviews;
import org.springframework.stereotype.Component;

/**
 * What deciding a champion/challenger test's review request does: approving it starts the test, rejecting or
 * withdrawing it ends the proposal. The request is one of the four-eyes queue of rule sets ({@link RuleSetReviews}),
 * so activations, rollbacks and tests are approved in one place under one rule.
 */
@Component
class ChallengerReviews implements RuleSetReviews.Change {

    private final ChallengerTests tests;

    ChallengerReviews(ChallengerTests tests) {
        this.tests = tests;
    }

    @Override
    public RuleSetReviews.Kind kind() {
        return RuleSetReviews.Kind.CHALLENGER_TEST;
    }

    @Override
    public void approved(RuleSetReviews.Review request, String reviewer) {
        tests.start(testId(request), reviewer);
    }

    @Override
    public void closed(RuleSetReviews.Review request, RuleSetReviews.State state, String who, String comment) {
        tests.dropProposal(testId(request), who, "review request " + request.id() + " "
                + state.name().toLowerCase() + " by " + who
                + (comment == null ? "" : ": " + comment));
    }

    private static long testId(RuleSetReviews.Review request) {
        return Long.parseLong(request.detail());
    }
}
