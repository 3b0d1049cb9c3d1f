package dev.dunning.dispatch;

import java.util.Set;

/**
 * Where an entry goes: {@code EMAIL} through SMTP, or a webhook target. Instructions for the billing system
 * (RETRY_PAYMENT, SUSPEND_SERVICE, COLLECTION_HANDOVER, and UPDATE_PAYMENT_METHOD when a webhook is configured for it)
 * go to the webhook named after the action; messages to the customer go by the decision's channel (EMAIL by mail,
 * SMS, PHONE and LETTER to the webhook named after the channel).
 */
final class Route {

    static final String EMAIL = "EMAIL";
    static final String SMS = "SMS";

    private static final Set<String> INSTRUCTIONS = Set.of("RETRY_PAYMENT", "SUSPEND_SERVICE", "COLLECTION_HANDOVER",
            "UPDATE_PAYMENT_METHOD");
    private static final Set<String> NOT_DISPATCHED = Set.of("NO_ACTION", "HOLD", "MANUAL_REVIEW");
    private static final Set<String> CUSTOMER_CHANNELS = Set.of("EMAIL", "SMS", "PHONE", "LETTER");

    private Route() {}

    /** The route of a decision, or null if nothing is to be sent. */
    static String of(String action, String channel, Set<String> webhookTargets) {
        if (action == null || NOT_DISPATCHED.contains(action)) {
            return null;
        }
        boolean noChannel = channel == null || "NONE".equals(channel);
        if (INSTRUCTIONS.contains(action) && (noChannel || webhookTargets.contains(action))) {
            return action;
        }
        return noChannel || !CUSTOMER_CHANNELS.contains(channel) ? null : channel;
    }

    /** Whether the route reaches the customer (so consent and an address are needed), not the billing system. */
    static boolean reachesCustomer(String route) {
        return CUSTOMER_CHANNELS.contains(route);
    }
}
