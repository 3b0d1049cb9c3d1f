package dev.dunning.rules;

import dev.dunning.decision.DeclineCodes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Loads the rule set from the authoring directories at start-up. A broken rule set stops the start with every problem
 * listed: the service never runs with part of its rules.
 */
@Configuration(proxyBeanMethods = false)
class RulesConfiguration {

    private static final Logger log = LoggerFactory.getLogger(RulesConfiguration.class);

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
    ActiveRuleSet activeRuleSet(RuleSetCompiler compiler, RulesProperties properties) {
        RuleSet ruleSet = new RuleSetLoader(compiler).load(properties.rulesDir(), properties.decisionTablesDir());
        log.info("Rule set {} active: {} rules from {} files", ruleSet.version().substring(0, 12), ruleSet.ruleCount(),
                ruleSet.files().size());
        return new ActiveRuleSet(ruleSet);
    }

    @Bean
    DecisionEngine decisionEngine(ActiveRuleSet active, Clock clock, DeclineCodes declineCodes) {
        return new DecisionEngine(active, clock, declineCodes);
    }
}
