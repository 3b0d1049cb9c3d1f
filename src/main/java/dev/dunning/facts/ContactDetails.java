package dev.dunning.facts;

import java.time.Instant;

/**
 * Where a customer can be reached. Each detail is used only on a channel the customer consented to; an e-mail address
 * that bounced hard is withdrawn ({@code emailWithdrawnAt}) until the billing system gives another one, and a mobile
 * number whose owner answered a text with STOP is withdrawn from texts ({@code smsWithdrawnAt}, calls still go to it)
 * until the billing system gives another number.
 */
public record ContactDetails(String email, String mobile, String postalAddress, Instant emailWithdrawnAt,
        String emailWithdrawnReason, Instant smsWithdrawnAt, String smsWithdrawnReason) {

    public static final ContactDetails NONE = new ContactDetails(null, null, null, null, null);

    /** Details with no SMS withdrawal (as the billing system gives them, or before any STOP reply). */
    public ContactDetails(String email, String mobile, String postalAddress, Instant emailWithdrawnAt,
            String emailWithdrawnReason) {
        this(email, mobile, postalAddress, emailWithdrawnAt, emailWithdrawnReason, null, null);
    }

    /** The longest e-mail address, mobile number and postal address customer_contact_details holds. */
    public static final int EMAIL_MAX = 254;
    public static final int MOBILE_MAX = 32;
    public static final int POSTAL_ADDRESS_MAX = 500;

    /**
     * A mobile number in E.164 form, as the facts API and the CSV import both require it: the SMS gateway gets the
     * number as given, and a local number without its country code reaches someone else or no one.
     */
    public static final String MOBILE = "\\+[1-9][0-9]{6,14}";

    /** The e-mail address if there is one that has not been withdrawn. */
    public java.util.Optional<String> usableEmail() {
        return emailWithdrawnAt == null ? java.util.Optional.ofNullable(email) : java.util.Optional.empty();
    }
}
