package dev.dunning.runs;

import dev.dunning.database.TestDatabase;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Invoice;
import dev.dunning.demo.Generator;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The run tests' customers: made by the demo generator (fixed seed) in a test's own database, and decided one by one
 * through the engine alone, without a run, for the independent count a run's report is compared with.
 */
public final class GeneratedCustomers {

    private GeneratedCustomers() {}

    /** Generates the customers and invoices of {@code options} into the database, as {@code demo generate} does. */
    public static void generate(TestDatabase.Connection db, DeclineCodes declineCodes, Generator.Options options)
            throws SQLException {
        try (Connection connection = DriverManager.getConnection(Generator.withLocalInfile(db.url()), db.user(),
                db.password())) {
            new Generator(declineCodes).generate(connection, options, p -> {});
        }
    }

    /**
     * Every stored customer that has an invoice {@code selects} takes, decided on its own by the engine with the active
     * rule set as of {@code asOf}: customer id to decision, in the order the database lists the customers.
     */
    public static Map<String, Decision> decidedOneByOne(JdbcClient jdbc, CustomerFacts customerFacts,
            DecisionEngine engine, ActiveRuleSet activeRuleSet, Instant asOf, Predicate<Invoice> selects) {
        Map<String, Decision> decided = new LinkedHashMap<>();
        for (String id : jdbc.sql("SELECT id FROM customers").query(String.class).list()) {
            Facts facts = customerFacts.load(id, asOf).orElseThrow();
            if (facts.invoices().stream().anyMatch(selects)) {
                decided.put(id, engine.evaluate(facts, activeRuleSet.get()));
            }
        }
        return decided;
    }
}
