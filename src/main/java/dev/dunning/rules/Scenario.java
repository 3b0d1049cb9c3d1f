package dev.dunning.rules;

import dev.dunning.decision.Facts;
import java.util.List;

/**
 * One business-readable example: given facts, the expected action, channel, tone and stage, and optional further
 * expectations ({@code notBefore}, {@code nextReviewOn}, {@code requiresApproval}, {@code invoiceIds}, {@code fees},
 * {@code fee}, {@code reason}, {@code policy}). Read from a row of a scenarios CSV file.
 */
public record Scenario(
        String file,
        int line,
        String name,
        Facts facts,
        String action,
        String channel,
        String tone,
        Integer stage,
        List<Expectation> expect) {

    /** One further expectation, e.g. {@code notBefore=2025-03-12T15:00:00Z}; a key may appear more than once. */
    public record Expectation(String key, String value) {}

    public String where() {
        return file + ":" + line;
    }
}
