package dev.dunning.decisions;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.dunning.decision.Decision;
import dev.dunning.decision.Fee;
import dev.dunning.decision.Hold;
import dev.dunning.decision.TraceEntry;
import dev.dunning.rules.ActiveRuleSet;
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
        List<TraceEntry> trace,
        @JsonInclude(JsonInclude.Include.NON_NULL) Arm challengerTest) {

    /**
     * The arm of a running champion/challenger test that decided (absent outside a test): {@code CHAMPION} or
     * {@code CHALLENGER}; {@code ruleSetVersion} is the version of that arm.
     */
    public record Arm(long testId, String arm) {}

    /** A decision that was evaluated only (nothing stored): no decisionId. */
    public static DecisionResponse of(Decision d, String ruleSetVersion) {
        return of(null, d, ruleSetVersion);
    }

    public static DecisionResponse of(String decisionId, Decision d, String ruleSetVersion) {
        return of(decisionId, d, ruleSetVersion, null);
    }

    /** A decision of a set chosen by routing, with the arm of the test when it was one. */
    public static DecisionResponse of(String decisionId, Decision d, ActiveRuleSet.Choice choice) {
        return of(decisionId, d, choice.ruleSet().version(),
                choice.inTest() ? new Arm(choice.testId(), choice.arm()) : null);
    }

    private static DecisionResponse of(String decisionId, Decision d, String ruleSetVersion, Arm arm) {
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
                d.getTrace(),
                arm);
    }
}
