package dev.dunning.challenger;

import dev.dunning.rulesets.ReviewRefusedException;

/**
 * What was asked cannot be done in the test's state (or with the rule sets as they are): 409, nothing changed. A
 * refusal of the review step too, when it comes from approving the test's review request.
 */
public class TestStateException extends ReviewRefusedException {

    TestStateException(String message) {
        super(message);
    }
}
