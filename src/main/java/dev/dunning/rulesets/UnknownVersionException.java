package dev.dunning.rulesets;

/** No rule-set version (or no file, or no table) by the name the caller gave. */
public class UnknownVersionException extends RuntimeException {

    UnknownVersionException(String message) {
        super(message);
    }
}
