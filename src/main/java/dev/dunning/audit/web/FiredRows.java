package dev.dunning.audit.web;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.dunning.audit.AuditRecords;
import dev.dunning.rules.RuleSource;
import dev.dunning.rules.TableGrids;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * The decision-table rows a decision page draws, each drawn once: a version's files never change (they are stored
 * under their content hash), so the table around a fired row is the same for every decision that row made. Drawing
 * it means reading the version's workbook from the database and opening it, which cost most of a decision page's
 * time (docs/benchmarks.md, "Console pages"); a rule set has a few hundred rows at most that can fire.
 */
@Component
class FiredRows {

    static final int KEPT = 5_000;

    private record Key(String version, String source, String sheet, int row) {}

    private final AuditRecords records;
    private final Cache<Key, Optional<TableGrids.Grid>> drawn = Caffeine.newBuilder().maximumSize(KEPT).build();

    FiredRows(AuditRecords records) {
        this.records = records;
    }

    /** Row {@code row} (as Excel numbers it) of a sheet of a version's file, within its table; empty if none. */
    Optional<TableGrids.Grid> of(String version, String source, String sheet, int row) {
        return drawn.get(new Key(version, source, sheet, row), k -> records.ruleSetFile(version, source)
                .map(bytes -> new RuleSource(source, bytes))
                .flatMap(file -> TableGrids.firedRow(file, sheet, row)));
    }
}
