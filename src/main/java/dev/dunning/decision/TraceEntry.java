package dev.dunning.decision;

import java.util.List;
import java.util.Map;

/**
 * One fired rule, in firing order: where it is written (file, and sheet and row for a table row, or line for DRL), its
 * metadata (such as the policy reference), what it did, and whether an earlier match had already decided the same
 * thing so that this one was overridden.
 */
public record TraceEntry(
        String rule,
        String source,
        String sheet,
        Integer row,
        Integer line,
        String group,
        Map<String, Object> metadata,
        List<String> effects,
        boolean overridden) {}
