package dev.dunning.rules;

import dev.dunning.decision.DeclineCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The engine and its compiler. Which rule set is active is chosen by the rule-set lifecycle (dev.dunning.rulesets),
 * from the authoring directories and the versions stored in the database.
 */
@Configuration(proxyBeanMethods = false)
class RulesConfiguration {


    @Bean
    @ConditionalOnMissingBean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    DeclineCodes declineCodes(RulesProperties properties) throws IOException {
        if (properties.declineCodesFile() == null) {
            return DeclineCodes.shipped();
        }
        try (InputStream in = Files.newInputStream(properties.declineCodesFile())) {
            return DeclineCodes.read(in, properties.declineCodesFile().toString());
        }
    }

    @Bean
    RuleSetCompiler ruleSetCompiler(Clock clock) {
        return new RuleSetCompiler(clock);
    }

    @Bean
    DecisionEngine decisionEngine(ActiveRuleSet active, Clock clock, DeclineCodes declineCodes,
            RulesProperties properties) {
        return new DecisionEngine(active, clock, declineCodes, properties.evaluationBudget());
    }
}
