package dev.dunning.effectiveness;

import java.time.Instant;
import java.util.Objects;

/**
 * What a decision counts for in the summaries: whether it had an outbox entry (a contact), whether and when that was
 * sent, the contact's furthest outcome, the days to its first attributed payment (null: not paid), and whether its
 * message drew a complaint (counted on its own, beside the outcome).
 */
record DecisionState(boolean counted, boolean contact, Instant sentAt, String outcome, Integer paidDays,
        boolean complained) {

    /** A decision the summaries have not counted yet. */
    static final DecisionState NONE = new DecisionState(false, false, null, null, null, false);

    /** Counter columns of effect_daily, in order. */
    static final String[] COLUMNS = {"decisions", "contacts", "sent", "delivered", "opened", "replied", "bounced",
        "failed", "paid", "complained"};

    /**
     * The counters: a reply or a conversation implies the message arrived and was read, an opened message that it
     * arrived, so delivered, opened and replied are cumulative; a bounce or a failure is neither.
     */
    long[] counters() {
        long[] c = new long[COLUMNS.length];
        if (!counted) {
            return c;
        }
        int reached = reached(outcome);
        c[0] = 1;
        c[1] = contact ? 1 : 0;
        c[2] = sentAt != null ? 1 : 0;
        c[3] = reached >= 1 ? 1 : 0;
        c[4] = reached >= 2 ? 1 : 0;
        c[5] = reached >= 3 ? 1 : 0;
        c[6] = "BOUNCED".equals(outcome) ? 1 : 0;
        c[7] = "FAILED".equals(outcome) ? 1 : 0;
        c[8] = paidDays != null ? 1 : 0;
        c[9] = complained ? 1 : 0;
        return c;
    }

    private static int reached(String outcome) {
        if (outcome == null) {
            return 0;
        }
        return switch (outcome) {
            case "DELIVERED" -> 1;
            case "OPENED" -> 2;
            case "REPLIED", "CONVERSATION" -> 3;
            default -> 0;
        };
    }

    boolean sameAs(DecisionState other) {
        return counted == other.counted && contact == other.contact && Objects.equals(sentAt, other.sentAt)
                && Objects.equals(outcome, other.outcome) && Objects.equals(paidDays, other.paidDays)
                && complained == other.complained;
    }
}
