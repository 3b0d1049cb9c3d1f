package dev.dunning.dispatch;

import java.time.Instant;
import java.util.List;

/**
 * A decision handed to dispatch, as recorded in the audit log.
 *
 * @param decisionJson the decision exactly as the API answered it; kept with the entry
 */
public record DispatchRequest(
        String decisionId,
        String customerId,
        Instant asOf,
        String action,
        String channel,
        String tone,
        int stage,
        String template,
        List<String> invoiceIds,
        Instant notBefore,
        boolean requiresApproval,
        String ruleSetVersion,
        String decisionJson) {}
