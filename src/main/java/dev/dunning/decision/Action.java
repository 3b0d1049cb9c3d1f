package dev.dunning.decision;

/** What the service proposes to do next. Codes are part of the contract with rule authors. */
public enum Action {
    NO_ACTION(false, false, false),
    HOLD(false, false, false),
    REMINDER(true, false, false),
    PHONE_CALL(true, false, true),
    FINAL_NOTICE(true, false, true),
    RETRY_PAYMENT(false, false, false),
    UPDATE_PAYMENT_METHOD(true, false, false),
    OFFER_PAYMENT_PLAN(true, false, false),
    MANUAL_REVIEW(false, false, false),
    COLLECTION_HANDOVER(false, true, true),
    SUSPEND_SERVICE(false, true, true);

    private final boolean contactsCustomer;
    private final boolean requiresApproval;
    private final boolean beyondReminder;

    Action(boolean contactsCustomer, boolean requiresApproval, boolean beyondReminder) {
        this.contactsCustomer = contactsCustomer;
        this.requiresApproval = requiresApproval;
        this.beyondReminder = beyondReminder;
    }

    /** True when the action reaches the customer through a channel (so consent and quiet hours apply). */
    public boolean contactsCustomer() {
        return contactsCustomer;
    }

    /** Actions with legal or similar effect (GDPR art. 22) are only ever proposed to a person. */
    public boolean requiresApproval() {
        return requiresApproval;
    }

    /** True for steps firmer than a reminder: a vulnerable customer goes to a person instead. */
    public boolean beyondReminder() {
        return beyondReminder;
    }
}
