package dev.dunning.decisions;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dunning.decision.Decision;
import dev.dunning.decision.Fee;
import dev.dunning.decision.Hold;
import dev.dunning.decision.TraceEntry;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/** The decision as the API returns it. Field names are part of the contract with billing systems. */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record DecisionResponse(
        @JsonInclude(JsonInclude.Include.NON_NULL) String decisionId,
        String customerId,
        Instant asOf,
        String action,
        String channel,
        String tone,
        int stage,
        String template,
        List<String> invoiceIds,
        Instant notBefore,
        LocalDate nextReviewOn,
        boolean requiresApproval,
        List<Fee> fees,
        List<String> reasons,
        List<Hold> holdsApplied,
        String ruleSetVersion,
        List<TraceEntry> trace) {

    /** A decision that was evaluated only (nothing stored): no decisionId. */
    public static DecisionResponse of(Decision d, String ruleSetVersion) {
        return of(null, d, ruleSetVersion);
    }

    public static DecisionResponse of(String decisionId, Decision d, String ruleSetVersion) {
        return new DecisionResponse(
                decisionId,
                d.getDunningCase().getCustomerId(),
                d.getDunningCase().getAsOf(),
                d.getAction(),
                d.getChannel(),
                d.getTone(),
                d.getStage(),
                d.getTemplate(),
                d.getInvoiceIds(),
                d.getNotBefore(),
                d.getNextReviewOn(),
                d.isRequiresApproval(),
                d.getFees(),
                d.getReasons(),
                d.getHoldsApplied(),
                ruleSetVersion,
                d.getTrace());
    }
}
