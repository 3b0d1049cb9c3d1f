package dev.dunning.bench;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.contact;

import dev.dunning.decision.Action;
import dev.dunning.decision.Channel;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.DunningCase;
import dev.dunning.decision.Exposure;
import dev.dunning.decision.Facts;
import dev.dunning.decision.Outcome;
import dev.dunning.decision.Segment;
import dev.dunning.decision.TestData;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSetCompiler;
import dev.dunning.rules.RuleSetLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.kie.api.KieServices;
import org.kie.api.command.Command;
import org.kie.api.command.KieCommands;
import org.kie.api.runtime.StatelessKieSession;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.slf4j.LoggerFactory;

/**
 * What the benchmarks and {@link BenchmarkFixturesTest} share: the two rule sets, the sample inputs (and the cursor
 * that hands them out) and the three ways of deciding them.
 *
 * <ul>
 *   <li>(a) {@link #viaEngine}: the service's evaluation core, {@link DecisionEngine#evaluate(Facts)} (derivation, the
 *       pipeline of agenda groups, trace, {@code Decision.finish()}).
 *   <li>(b) {@link #viaStateless}: raw Drools on the same KieBase, a stateless session executing one batch (set the
 *       global, insert the pre-derived facts and the Decision, push the groups on the focus stack so that "holds" is
 *       on top, fire all rules).
 *   <li>(c) {@link LadderTable#firstMatch}: the first matching row of the same ladder, in plain Java.
 * </ul>
 */
public final class BenchFixtures {

    public static final String SHIPPED = "shipped";
    public static final String LADDER_1000 = "ladder1000";

    private static final KieCommands COMMANDS = KieServices.Factory.get().getCommands();
    /** Read once, as the service does (DecisionEngine gets one instance at construction). */
    private static final DeclineCodes DECLINE_CODES = DeclineCodes.shipped();

    private BenchFixtures() {}

    /** One benchmark input: a customer of a segment with one overdue invoice, and the stage already reached. */
    public record Sample(Segment segment, String currency, String amount, int daysOverdue, int stageReached) {

        public Facts facts() {
            var builder = TestData.facts()
                    .customer(aCustomer().id("C-" + segment + "-" + currency).segment(segment))
                    .invoice(anInvoice().id("I-1").amount(currency, amount).daysOverdue(daysOverdue));
            if (stageReached > 0) {
                // Reached 20 days ago, inside the overdue episode and longer ago than any interval between contacts.
                builder.contact(contact(TestData.NOW.minus(java.time.Duration.ofDays(20)).toString(), Channel.EMAIL,
                        Action.REMINDER, stageReached, Outcome.DELIVERED));
            }
            return builder.build();
        }
    }

    /**
     * Inputs spread over segments, currencies, amount bands and stages; the last but one matches no row of the
     * 1,000-row ladder (not overdue long enough), so that the fallback also takes its turn.
     */
    public static final List<Sample> SAMPLES = List.of(
            new Sample(Segment.CONSUMER, "USD", "120.00", 5, 0),
            new Sample(Segment.CONSUMER, "EUR", "850.00", 40, 3),
            new Sample(Segment.SMALL_BUSINESS, "GBP", "2500.00", 60, 5),
            new Sample(Segment.ENTERPRISE, "CHF", "15000.00", 80, 7),
            new Sample(Segment.PUBLIC_SECTOR, "SEK", "30000.00", 100, 9),
            new Sample(Segment.SMALL_BUSINESS, "USD", "60.00", 90, 8),
            new Sample(Segment.CONSUMER, "GBP", "3000.00", 30, 1),
            new Sample(Segment.PUBLIC_SECTOR, "USD", "700.00", 50, 4),
            new Sample(Segment.ENTERPRISE, "EUR", "400.00", 2, 0),
            new Sample(Segment.CONSUMER, "SEK", "12000.00", 25, 2));

    public static List<Facts> sampleFacts() {
        return SAMPLES.stream().map(Sample::facts).toList();
    }

    /** The samples as the benchmarks decide them: as facts, and derived beforehand (for raw Drools, plain Java). */
    public record Samples(Facts[] facts, DunningCase[] cases) {}

    public static Samples samples() {
        List<Facts> all = sampleFacts();
        return new Samples(all.toArray(Facts[]::new), all.stream().map(BenchFixtures::derive)
                .toArray(DunningCase[]::new));
    }

    /** Which sample the next invocation decides; one per thread, so that the benchmark threads share no counter. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;

        public int next(int size) {
            int i = next;
            next = i + 1 == size ? 0 : i + 1;
            return i;
        }
    }

    public static DunningCase derive(Facts facts) {
        return DunningCase.derive(facts, TestData.CLOCK, DECLINE_CODES);
    }

    // --- the rule sets ---------------------------------------------------------------------------------------------

    /** A compiled rule set and the ladder the plain-Java lookup uses for it. */
    public record Policy(RuleSet ruleSet, LadderTable ladder) {}

    /**
     * {@code shipped}: rules/ and decision-tables/ as they are. {@code ladder1000}: rules/ and decision-tables/ as
     * they are, except that the shipped Ladder sheet is replaced by the generated 1,000-row ladder (see
     * {@link LadderTable#writeTablesDir}), so that the whole pipeline runs around the big table.
     */
    public static Policy policy(String name) {
        quietLogging();
        RuleSetLoader loader = new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK));
        try {
            if (SHIPPED.equals(name)) {
                return new Policy(loader.load(Path.of("rules"), Path.of("decision-tables")),
                        LadderTable.readLadder(Path.of("decision-tables", "escalation.xlsx")));
            }
            if (!LADDER_1000.equals(name)) {
                throw new IllegalArgumentException("unknown policy " + name);
            }
            LadderTable ladder = LadderTable.generated();
            Path tmp = Files.createTempDirectory("dunning-bench");
            try {
                Path tables = tmp.resolve("decision-tables");
                ladder.writeTablesDir(Path.of("decision-tables"), tables);
                return new Policy(loader.load(Path.of("rules"), tables), ladder);
            } finally {
                deleteRecursively(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static DecisionEngine engine(RuleSet ruleSet) {
        return new DecisionEngine(() -> ruleSet, TestData.CLOCK, DECLINE_CODES);
    }

    // --- (a), (b), (c) ---------------------------------------------------------------------------------------------

    /** (a) The service's evaluation core. */
    public static Decision viaEngine(DecisionEngine engine, Facts facts) {
        return engine.evaluate(facts).decision();
    }

    /** (b) Raw Drools: one batch on a stateless session of the same KieBase, with the facts derived beforehand. */
    public static Decision viaStateless(StatelessKieSession session, DunningCase dunningCase) {
        Decision decision = new Decision(dunningCase);
        session.execute(COMMANDS.newBatchExecution(commands(dunningCase, decision)));
        return decision;
    }

    static List<Command<?>> commands(DunningCase dunningCase, Decision decision) {
        List<Command<?>> commands = new ArrayList<>(8 + dunningCase.getExposures().size()
                + dunningCase.getInvoiceCases().size());
        commands.add(COMMANDS.newSetGlobal("decision", decision));
        commands.add(COMMANDS.newInsert(dunningCase));
        for (Exposure exposure : dunningCase.getExposures()) {
            commands.add(COMMANDS.newInsert(exposure));
        }
        for (Object invoiceCase : dunningCase.getInvoiceCases()) {
            commands.add(COMMANDS.newInsert(invoiceCase));
        }
        commands.add(COMMANDS.newInsert(decision));
        // The focus is a stack: push the last group first, so that "holds" is on top and fires first.
        List<String> groups = DecisionEngine.GROUPS;
        for (int i = groups.size() - 1; i >= 0; i--) {
            commands.add(COMMANDS.newAgendaGroupSetFocus(groups.get(i)));
        }
        commands.add(COMMANDS.newFireAllRules());
        return commands;
    }

    /** (c) The floor: the ladder looked up in plain Java; null when no row matches. */
    public static LadderTable.Step viaPlainJava(LadderTable ladder, DunningCase dunningCase) {
        return ladder.firstMatch(dunningCase.getExposures());
    }

    // --- helpers ---------------------------------------------------------------------------------------------------

    /**
     * Outside Spring Boot, logback would start at DEBUG and the benchmark would measure Drools' debug logging; the
     * service runs at INFO. WARN keeps the JMH output readable and costs the same as INFO on this path.
     */
    static void quietLogging() {
        if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            root.setLevel(ch.qos.logback.classic.Level.WARN);
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
