package dev.dunning.rules;

import static dev.dunning.decision.TestData.aCustomer;
import static dev.dunning.decision.TestData.anInvoice;
import static dev.dunning.decision.TestData.dispute;
import static dev.dunning.decision.TestData.facts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.dunning.decision.Action;
import dev.dunning.decision.Decision;
import dev.dunning.decision.DeclineCodes;
import dev.dunning.decision.Fee;
import dev.dunning.decision.Segment;
import dev.dunning.decision.TestData;
import dev.dunning.decision.TestData.CustomerBuilder;
import dev.dunning.decision.TestData.FactsBuilder;
import dev.dunning.decision.TraceEntry;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * decision-tables/fees.xlsx, sheet Late payment: suggested late-payment compensation and interest, business to
 * business only. Interest is simple: outstanding x (reference rate + points) / 100 / 365 x days overdue, from the day
 * after the due date, rounded half up to the cent. Germany (FEE-01): base rate 1.27 % + 9 points = 10.27 %. Other
 * euro-area countries (FEE-02): ECB rate 2.15 % + 8 points = 10.15 %. Expected amounts below are worked out by hand.
 */
class FeesTableTest {

    private static final String TABLE = "decision-tables/fees.xlsx";
    private static final String SHEET = "Late payment";

    static RuleSet ruleSet;
    static DecisionEngine engine;

    @BeforeAll
    static void load() {
        ruleSet = new RuleSetLoader(new RuleSetCompiler(TestData.CLOCK)).load(Path.of("rules"), Path.of("decision-tables"));
        engine = new DecisionEngine(() -> ruleSet, TestData.CLOCK, DeclineCodes.shipped());
    }

    private static Decision decide(FactsBuilder facts) {
        return engine.evaluate(facts.build()).decision();
    }

    private static int sheetRow(String... cells) {
        try (InputStream in = Files.newInputStream(Path.of(TABLE)); Workbook wb = WorkbookFactory.create(in)) {
            DataFormatter f = new DataFormatter();
            List<Integer> rows = new ArrayList<>();
            for (Row row : wb.getSheet(SHEET)) {
                List<String> values = new ArrayList<>();
                row.forEach(c -> values.add(f.formatCellValue(c).trim()));
                if (values.containsAll(Arrays.asList(cells))) {
                    rows.add(row.getRowNum() + 1);
                }
            }
            assertThat(rows).as("rows of %s!%s holding %s", TABLE, SHEET, Arrays.toString(cells)).hasSize(1);
            return rows.get(0);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<TraceEntry> feeRows(Decision d) {
        return d.getTrace().stream().filter(t -> TABLE.equals(t.source())).toList();
    }

    private static CustomerBuilder business(Segment segment, String country, String zone) {
        return aCustomer().segment(segment).in(country, zone, "EUR");
    }

    private static CustomerBuilder germanBusiness() {
        return business(Segment.SMALL_BUSINESS, "DE", "Europe/Berlin");
    }

    private static BigDecimal eur(String amount) {
        return new BigDecimal(amount);
    }

    @Test
    void suggestsTheGermanFlatFeeAndInterestAtNinePointsOverTheBaseRate() {
        // 3650.00 x 10.27 / 100 / 365 x 10 days = 10.27
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "3650.00").daysOverdue(10)));

        assertThat(d.getFees()).extracting(Fee::kind, Fee::invoiceId, Fee::currency, Fee::amount).containsExactly(
                tuple(Fee.COMPENSATION, "I-1", "EUR", eur("40.00")),
                tuple(Fee.INTEREST, "I-1", "EUR", eur("10.27")));
        assertThat(d.getFees().get(1).basis()).startsWith("10.27% a year on 3650.00 for 10 days");
        assertThat(feeRows(d)).singleElement().satisfies(t -> {
            assertThat(t.sheet()).isEqualTo(SHEET);
            assertThat(t.row()).isEqualTo(sheetRow("FEE-01"));
            assertThat(t.metadata()).containsEntry("policy", "FEE-01");
            assertThat(t.group()).isEqualTo("escalation");
            assertThat(t.overridden()).isFalse();
            assertThat(t.effects()).containsExactly("suggested compensation EUR 40.00", "suggested interest EUR 10.27");
        });
    }

    @Test
    void roundsInterestHalfUpToTheCent() {
        // 1234.56 x 10.27 x 17 / 36500 = 215541.8304 / 36500 = 5.90525... -> 5.91
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "1234.56").daysOverdue(17)));

        assertThat(d.getFees()).filteredOn(f -> f.kind().equals(Fee.INTEREST)).singleElement()
                .extracting(Fee::amount).isEqualTo(eur("5.91"));
    }

    @ParameterizedTest(name = "{0} {1}: EUR {2}, {3} days -> interest {4} at 10.15 %")
    @CsvSource({
        // 500.00 x 10.15 x 73 / 36500 = 10.15
        "NL, ENTERPRISE,     500.00,  73, 10.15",
        // 2000.00 x 10.15 x 30 / 36500 = 609000 / 36500 = 16.6849... -> 16.68
        "FR, ENTERPRISE,     2000.00, 30, 16.68",
        // 36500.00 x 10.15 x 1 / 36500 = 10.15
        "AT, SMALL_BUSINESS, 36500.00, 1, 10.15",
        // 100.00 x 10.15 x 3 / 36500 = 3045 / 36500 = 0.08342... -> 0.08
        "IT, SMALL_BUSINESS, 100.00,   3, 0.08"
    })
    void suggestsTheEuDirectiveCompensationAndInterestAtEightPointsElsewhereInTheEuroArea(
            String country, Segment segment, String amount, int days, String interest) {
        Decision d = decide(facts().customer(business(segment, country, "Europe/Berlin"))
                .invoice(anInvoice().id("I-1").amount("EUR", amount).daysOverdue(days)));

        assertThat(d.getFees()).extracting(Fee::kind, Fee::amount).containsExactly(
                tuple(Fee.COMPENSATION, eur("40.00")),
                tuple(Fee.INTEREST, eur(interest)));
        assertThat(feeRows(d)).singleElement().satisfies(t -> {
            assertThat(t.row()).isEqualTo(sheetRow("FEE-02"));
            assertThat(t.metadata()).containsEntry("policy", "FEE-02");
        });
    }

    @Test
    void germanyGetsItsOwnRowOnlyNotTheEuRowAsWell() {
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "3650.00").daysOverdue(10)));

        assertThat(d.getFees()).filteredOn(f -> f.kind().equals(Fee.COMPENSATION)).hasSize(1);
        assertThat(d.getFees()).filteredOn(f -> f.kind().equals(Fee.INTEREST)).hasSize(1);
        assertThat(feeRows(d)).noneMatch(t -> "FEE-02".equals(t.metadata().get("policy")));
    }

    @Test
    void chargesInterestOnlyOnWhatIsStillOutstanding() {
        // 5000.00 - 1350.00 = 3650.00 outstanding; 3650.00 x 10.27 x 10 / 36500 = 10.27
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "5000.00").paid("1350.00").daysOverdue(10)));

        assertThat(d.getFees()).extracting(Fee::kind, Fee::amount).containsExactly(
                tuple(Fee.COMPENSATION, eur("40.00")),
                tuple(Fee.INTEREST, eur("10.27")));
    }

    @Test
    void suggestsTheCompensationPerLateInvoice() {
        // I-1: 3650.00 x 10.27 x 10 / 36500 = 10.27; I-2: 36500.00 x 10.27 x 1 / 36500 = 10.27
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "3650.00").daysOverdue(10))
                .invoice(anInvoice().id("I-2").amount("EUR", "36500.00").daysOverdue(1)));

        assertThat(d.getFees()).extracting(Fee::kind, Fee::invoiceId, Fee::amount).containsExactlyInAnyOrder(
                tuple(Fee.COMPENSATION, "I-1", eur("40.00")),
                tuple(Fee.INTEREST, "I-1", eur("10.27")),
                tuple(Fee.COMPENSATION, "I-2", eur("40.00")),
                tuple(Fee.INTEREST, "I-2", eur("10.27")));
        assertThat(feeRows(d)).hasSize(2).allSatisfy(t -> assertThat(t.metadata()).containsEntry("policy", "FEE-01"));
    }

    @Test
    void isDueWithoutAReminderEvenDuringTheGracePeriod() {
        // Small business, 5 days overdue: no reminder before 7 days (ESC-B1), but the compensation is due anyway.
        // 500.00 x 10.27 x 5 / 36500 = 25675 / 36500 = 0.7034... -> 0.70
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "500.00").daysOverdue(5)));

        assertThat(d.decidedAction()).isEqualTo(Action.NO_ACTION);
        assertThat(d.getFees()).extracting(Fee::kind, Fee::amount).containsExactly(
                tuple(Fee.COMPENSATION, eur("40.00")),
                tuple(Fee.INTEREST, eur("0.70")));
    }

    @ParameterizedTest(name = "no fees for a consumer in {0}")
    @CsvSource({"DE, Europe/Berlin", "FR, Europe/Paris", "NL, Europe/Amsterdam"})
    void neverSuggestsFeesToConsumers(String country, String zone) {
        Decision d = decide(facts().customer(aCustomer().consumer().in(country, zone, "EUR"))
                .invoice(anInvoice().id("I-1").amount("EUR", "5000.00").daysOverdue(30)));

        assertThat(d.getFees()).isEmpty();
        assertThat(feeRows(d)).isEmpty();
    }

    @Test
    void suggestsNothingBeforeTheDayAfterTheDueDate() {
        // Due today, with a failed payment so that the invoice is looked at by the invoice rows at all.
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "3650.00").due("2025-03-12").failed(1, "AM04")));

        assertThat(d.getFees()).isEmpty();
        assertThat(feeRows(d)).isEmpty();
    }

    @Test
    void suggestsNothingForADisputedInvoice() {
        Decision d = decide(facts().customer(germanBusiness())
                .invoice(anInvoice().id("I-1").amount("EUR", "3650.00").daysOverdue(10))
                .invoice(anInvoice().id("I-2").amount("EUR", "3650.00").daysOverdue(10))
                .hold(dispute("I-1", "2025-03-05")));

        assertThat(d.getFees()).extracting(Fee::invoiceId).containsOnly("I-2");
        assertThat(d.getFees()).hasSize(2);
    }

    @ParameterizedTest(name = "no row for a {0} business with a {2} invoice")
    @CsvSource({
        "DE, Europe/Berlin, USD",
        "CH, Europe/Zurich, EUR",
        "GB, Europe/London, GBP",
        "US, America/New_York, USD"
    })
    void suggestsNothingWhereNoRowOfTheTableApplies(String country, String zone, String currency) {
        Decision d = decide(facts().customer(aCustomer().segment(Segment.ENTERPRISE).in(country, zone, currency))
                .invoice(anInvoice().id("I-1").amount(currency, "3650.00").daysOverdue(10)));

        assertThat(d.getFees()).isEmpty();
        assertThat(feeRows(d)).isEmpty();
    }
}
