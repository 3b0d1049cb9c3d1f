package dev.dunning.rulesets;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * How rule-set versions come and go.
 *
 * @param activateOnStart at start-up, activate new content of the directories when it passes the gates; off, new
 *     content waits as a candidate for an explicit activation (unless the database has no active version at all)
 * @param pollInterval how often an instance looks for a change of the active version made by another instance
 * @param maxUploadSize the largest rule-set upload (one file or a zip); larger ones get 413
 * @param maxUnpackedSize the most a zip upload may inflate to, in all
 * @param watch turn the rules, tables and scenarios directories into candidates as files are saved
 * @param watchDebounce how long the directories must be quiet before a change is read, so a half-written file is not
 * @param watchActivates activate a watched change that passes the gates; off, it waits as a candidate
 * @param simulationRetention how long a finished background simulation (and its result) is kept
 * @param simulationHeartbeat how often an instance records that its background simulations are alive
 * @param simulationStall how long a running background simulation may go without progress before it is given up
 */
@ConfigurationProperties("dunning.rule-sets")
public record RuleSetProperties(
        @DefaultValue("true") boolean activateOnStart,
        @DefaultValue("2s") Duration pollInterval,
        @DefaultValue("10MB") DataSize maxUploadSize,
        @DefaultValue("64MB") DataSize maxUnpackedSize,
        @DefaultValue("false") boolean watch,
        @DefaultValue("2s") Duration watchDebounce,
        @DefaultValue("true") boolean watchActivates,
        @DefaultValue("7d") Duration simulationRetention,
        @DefaultValue("5s") Duration simulationHeartbeat,
        @DefaultValue("5m") Duration simulationStall) {}
