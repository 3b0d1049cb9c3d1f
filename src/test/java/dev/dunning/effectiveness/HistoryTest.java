package dev.dunning.effectiveness;

import dev.dunning.facts.CustomerFacts;
import dev.dunning.facts.FactsService;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the tests on hand-built histories share: the database, the facts service, the summary job (brought up to date
 * by the test itself, so the schedules are off: {@link #QUIET}, {@link #NO_DISPATCH}) and a fresh {@link Histories}
 * per test. A subclass names its own database and batch size.
 */
abstract class HistoryTest {

    /** The summary job runs only when the test calls it. */
    static final String QUIET = "dunning.effectiveness.scheduled=false";
    /** Nothing is sent but what the test sends. */
    static final String NO_DISPATCH = "dunning.dispatch.scheduled=false";

    @Autowired
    JdbcClient jdbc;
    @Autowired
    FactsService facts;
    @Autowired
    Summaries summaries;
    @Autowired
    CustomerFacts customerFacts;
    @Autowired
    JsonMapper json;

    Histories histories;

    @BeforeEach
    void histories() {
        histories = new Histories(jdbc, facts, customerFacts, json);
    }
}
