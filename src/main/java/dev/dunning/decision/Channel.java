package dev.dunning.decision;

/** How a customer is reached. NONE means nobody is contacted. */
public enum Channel {
    EMAIL(true),
    SMS(true),
    PHONE(true),
    LETTER(false),
    NONE(false);

    private final boolean quietHoursApply;

    Channel(boolean quietHoursApply) {
        this.quietHoursApply = quietHoursApply;
    }

    /** A letter is posted, not delivered into the customer's evening; quiet hours govern the others. */
    public boolean quietHoursApply() {
        return quietHoursApply;
    }
}
