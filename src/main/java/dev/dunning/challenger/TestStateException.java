package dev.dunning.challenger;

/** What was asked cannot be done in the test's state (or with the rule sets as they are): 409, nothing changed. */
public class TestStateException extends RuntimeException {

    TestStateException(String message) {
        super(message);
    }
}
