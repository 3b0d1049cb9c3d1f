package dev.dunning.facts;

import java.time.Instant;

/**
 * Where a customer can be reached. Each detail is used only on a channel the customer consented to; an e-mail address
 * that bounced hard is withdrawn ({@code emailWithdrawnAt}) until the billing system gives another one.
 */
public record ContactDetails(String email, String mobile, String postalAddress, Instant emailWithdrawnAt,
        String emailWithdrawnReason) {

    public static final ContactDetails NONE = new ContactDetails(null, null, null, null, null);

    /** The e-mail address if there is one that has not been withdrawn. */
    public java.util.Optional<String> usableEmail() {
        return emailWithdrawnAt == null ? java.util.Optional.ofNullable(email) : java.util.Optional.empty();
    }
}
