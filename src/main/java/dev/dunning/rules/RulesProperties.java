package dev.dunning.rules;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the rule set is authored. Relative paths resolve against the working directory, so the jar runs with any rule
 * set: {@code java -jar target/*.jar --dunning.rules-dir=/x/rules --dunning.decision-tables-dir=/x/tables}.
 *
 * @param rulesDir DRL files ({@code *.drl}, also in sub-folders)
 * @param decisionTablesDir decision tables ({@code .xlsx}, {@code .xls}, {@code .csv})
 * @param scenariosDir business-readable scenarios the rule set must pass
 * @param declineCodesFile optional CSV replacing the shipped decline-code list ({@code code,scheme,class,meaning})
 * @param evaluationBudget the time one evaluation (decision, scenario, simulated customer) may take; past it, it is
 *     stopped between two firings and answered 503 naming the rule that fired last
 */
@ConfigurationProperties("dunning")
public record RulesProperties(
        @DefaultValue("rules") Path rulesDir,
        @DefaultValue("decision-tables") Path decisionTablesDir,
        @DefaultValue("scenarios") Path scenariosDir,
        Path declineCodesFile,
        @DefaultValue("2s") Duration evaluationBudget) {}
