package dev.dunning.rulesets;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Four-eyes principle for activating a rule set: the credit controller who activates a candidate must not be the one
 * who uploaded it. Relaxed (one person may do both) when {@code dunning.security.four-eyes-relaxed=true}, and by
 * default only for the embedded default, where one person is usually trying the service alone.
 */
@Component
public class FourEyes {

    private final boolean relaxed;

    @Autowired
    FourEyes(Environment environment) {
        // The setting sits with the other access settings (docs/security.md); read here so that rule sets do not
        // depend on the security package (which depends on the web layer, which depends on rule sets).
        this(environment.getProperty("dunning.security.four-eyes-relaxed", Boolean.class,
                !StringUtils.hasText(environment.getProperty("spring.datasource.url"))));
    }

    FourEyes(boolean relaxed) {
        this.relaxed = relaxed;
    }

    /** Whether one principal may upload and activate the same candidate. */
    public boolean relaxed() {
        return relaxed;
    }

    /**
     * Checks that {@code activator} may activate what {@code uploader} uploaded; record both names with the activation.
     *
     * @param what names the candidate in the message, e.g. {@code rule set 3f2a...}
     * @throws FourEyesException if they are the same principal and the rule is not relaxed
     */
    public void check(String what, String uploader, String activator) {
        if (!relaxed && uploader != null && uploader.equals(activator)) {
            throw new FourEyesException(what + " was uploaded by " + uploader + ", who may not also activate it "
                    + "(four-eyes principle); another credit controller has to activate it, or set "
                    + "dunning.security.four-eyes-relaxed=true where one person runs the service alone");
        }
    }

    /**
     * Checks that {@code reviewer} may approve what {@code requester} asked for (an activation or a rollback).
     *
     * @throws FourEyesException if they are the same principal and the rule is not relaxed
     */
    public void checkReview(String what, String requester, String reviewer) {
        if (!relaxed && requester != null && requester.equals(reviewer)) {
            throw new FourEyesException(what + " was asked for by " + requester + ", who may not also approve it "
                    + "(four-eyes principle); another credit controller has to approve it, or set "
                    + "dunning.security.four-eyes-relaxed=true where one person runs the service alone");
        }
    }

    /** A rollback straight away, without a request a second person approved. */
    FourEyesException rollbackNeedsReview(String version) {
        return new FourEyesException("rolling back to rule-set version " + version.substring(0, 12) + " needs a "
                + "second person (four-eyes principle): ask for it with POST /api/v1/rule-sets/" + version
                + "/reviews and a comment (in the console: \"Ask for a rollback\" on the version's page), and another "
                + "credit controller approves it; or set dunning.security.four-eyes-relaxed=true where one person runs "
                + "the service alone");
    }

    /** The same principal uploaded and tried to activate. */
    public static final class FourEyesException extends RuntimeException {
        FourEyesException(String message) {
            super(message);
        }
    }
}
