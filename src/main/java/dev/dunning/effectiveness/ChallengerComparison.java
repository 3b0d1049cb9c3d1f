package dev.dunning.effectiveness;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The comparison of the two arms of a champion/challenger test (docs/effectiveness.md, "The comparison"): per arm the
 * customers it decided, its decisions, contacts (dispatched decisions) and contacts per customer, the customers who
 * paid within the attribution window (a payment attributed, by last touch, to one of their decisions in the arm), the
 * recovered amount per currency, the manual reviews, and the customers who complained about a message (spam report,
 * STOP reply, complaint to a person); then the differences of the payment rates and of the complaint rates, each with
 * its 95 % interval ({@link TwoProportions}), and plain sentences. It reads the decisions of the test (the audit log's index on
 * test and arm) joined with the summary job's state of each decision, so it is as fresh as the summaries are.
 */
@Service
public class ChallengerComparison {

    public static final String CHAMPION = "CHAMPION";
    public static final String CHALLENGER = "CHALLENGER";

    /**
     * One arm's figures; rates are null when the arm decided nobody. {@code complaints}: the arm's sent messages that
     * drew a complaint; {@code complaintCustomers}: customers with at least one; complaint rate = complaintCustomers /
     * customers (the customer is the unit, as for the payment rate).
     */
    public record Arm(String arm, String ruleSetVersion, long customers, long decisions, long contacts, long sent,
            Double contactsPerCustomer, long paidCustomers, Double paymentRate, List<Figures.Recovered> recovered,
            long manualReviews, long manualReviewCustomers, long complaints, long complaintCustomers,
            Double complaintRate) {}

    /** Two rates compared, in percentage points, with the method named. */
    public record Difference(double points, double low, double high, double z, double pValue, boolean approximate,
            String method) {}

    public record Report(long testId, String status, String championVersion, String challengerVersion,
            double sharePercent, int windowDays, List<Arm> arms, Difference paymentRateDifference, String sentence,
            Difference complaintRateDifference, String complaintSentence, long decisionsNotYetSummarised) {}

    static final String METHOD = "difference of the payment rates (challenger - champion) with a 95 % Wald interval "
            + "(unpooled standard error); z and the two-sided p-value from the two-proportion z-test (pooled "
            + "standard error)";
    static final String COMPLAINT_METHOD = "difference of the complaint rates (customers with a complaint / customers, "
            + "challenger - champion) with a 95 % Wald interval (unpooled standard error); z and the two-sided p-value "
            + "from the two-proportion z-test (pooled standard error)";

    private final JdbcClient jdbc;
    private final EffectivenessProperties properties;

    public ChallengerComparison(JdbcClient jdbc, EffectivenessProperties properties) {
        this.jdbc = jdbc;
        this.properties = properties;
    }

    private record Test(long id, String status, String champion, String challenger, int shareBp) {}

    /** The comparison of a test, empty when there is no such test. */
    public Optional<Report> of(long testId) {
        Optional<Test> found = jdbc.sql("SELECT id, status, champion_version, challenger_version, share_bp "
                + "FROM challenger_tests WHERE id = ?").param(testId)
                .query((rs, n) -> new Test(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5))).optional();
        if (found.isEmpty()) {
            return Optional.empty();
        }
        Test test = found.get();
        Map<String, List<Figures.Recovered>> recovered = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT r.arm, p.currency, SUM(p.amount) amount, COUNT(*) payments
                FROM audit_records r JOIN effect_payments p ON p.decision_id = r.decision_id
                WHERE r.test_id = ? GROUP BY r.arm, p.currency ORDER BY r.arm, p.currency""")
                .param(testId).query(rs -> {
                    recovered.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Figures.Recovered(
                            rs.getString(2), rs.getBigDecimal(3).setScale(2, RoundingMode.HALF_UP), rs.getLong(4)));
                });
        long[] pending = {0};
        Map<String, Arm> arms = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT r.arm, COUNT(DISTINCT r.customer_id) customers, COUNT(*) decisions,
                    COALESCE(SUM(d.contact), 0) contacts, COUNT(d.sent_at) sent,
                    COUNT(DISTINCT CASE WHEN d.paid_days IS NOT NULL THEN r.customer_id END) paid,
                    SUM(r.action = 'MANUAL_REVIEW') reviews,
                    COALESCE(SUM(d.complained), 0) complaints,
                    COUNT(DISTINCT CASE WHEN d.complained THEN r.customer_id END) complaint_customers,
                    COUNT(DISTINCT CASE WHEN r.action = 'MANUAL_REVIEW' THEN r.customer_id END) review_customers,
                    SUM(d.decision_id IS NULL) pending
                FROM audit_records r LEFT JOIN effect_decisions d ON d.decision_id = r.decision_id
                WHERE r.test_id = ? GROUP BY r.arm""")
                .param(testId).query(rs -> {
                    String arm = rs.getString("arm");
                    long customers = rs.getLong("customers");
                    long contacts = rs.getLong("contacts");
                    long paid = rs.getLong("paid");
                    long complained = rs.getLong("complaint_customers");
                    pending[0] += rs.getLong("pending");
                    arms.put(arm, new Arm(arm, arm.equals(CHALLENGER) ? test.challenger() : test.champion(), customers,
                            rs.getLong("decisions"), contacts, rs.getLong("sent"),
                            customers == 0 ? null : (double) contacts / customers, paid,
                            customers == 0 ? null : (double) paid / customers,
                            recovered.getOrDefault(arm, List.of()), rs.getLong("reviews"),
                            rs.getLong("review_customers"), rs.getLong("complaints"), complained,
                            customers == 0 ? null : (double) complained / customers));
                });
        List<Arm> both = new ArrayList<>();
        for (String arm : List.of(CHAMPION, CHALLENGER)) {
            both.add(arms.getOrDefault(arm, new Arm(arm, arm.equals(CHALLENGER) ? test.challenger() : test.champion(),
                    0, 0, 0, 0, null, 0, null, List.of(), 0, 0, 0, 0, null)));
        }
        Arm champion = both.get(0);
        Arm challenger = both.get(1);
        TwoProportions rates = TwoProportions.of(challenger.paidCustomers(), challenger.customers(),
                champion.paidCustomers(), champion.customers());
        TwoProportions complaints = TwoProportions.of(challenger.complaintCustomers(), challenger.customers(),
                champion.complaintCustomers(), champion.customers());
        return Optional.of(new Report(test.id(), test.status(), test.champion(), test.challenger(),
                test.shareBp() / 100.0, properties.windowDays(), both, difference(rates, METHOD),
                sentence(champion, challenger, rates), difference(complaints, COMPLAINT_METHOD),
                complaintSentence(complaints), pending[0]));
    }

    private static Difference difference(TwoProportions rates, String method) {
        return rates == null ? null : new Difference(points(rates.difference()), points(rates.low()),
                points(rates.high()), round(rates.z(), 3), round(rates.pValue(), 4), rates.approximate(), method);
    }

    /** "The challenger's complaint rate is 0.4 points lower, 95 % CI -0.9 to 0.1."; null when an arm is empty. */
    static String complaintSentence(TwoProportions rates) {
        if (rates == null) {
            return null;
        }
        if (rates.challengerRate() == 0 && rates.championRate() == 0) {
            return "No customer in either arm has complained.";
        }
        return "The challenger's complaint rate is " + how(rates) + ", 95 % CI " + oneDecimal(rates.low() * 100)
                + " to " + oneDecimal(rates.high() * 100) + (rates.approximate()
                        ? " (an arm has fewer than 10 customers who complained or did not: the interval is rough)"
                        : "") + ".";
    }

    private static String how(TwoProportions rates) {
        String points = oneDecimal(Math.abs(rates.difference() * 100));
        return points.equals("0.0") ? "the same as the champion's (0.0 points)"
                : points + " points " + (rates.difference() > 0 ? "higher" : "lower");
    }

    /** "After 3,120 customers per arm, the challenger's payment rate is 2.1 points higher, 95 % CI 0.4 to 3.8." */
    static String sentence(Arm champion, Arm challenger, TwoProportions rates) {
        if (rates == null) {
            Arm empty = champion.customers() == 0 ? champion : challenger;
            return "No customer has been decided in the " + empty.arm().toLowerCase(Locale.ROOT)
                    + " arm yet, so there is nothing to compare.";
        }
        NumberFormat count = NumberFormat.getIntegerInstance(Locale.ENGLISH);
        String after = champion.customers() == challenger.customers()
                ? "After " + count.format(champion.customers()) + " customers per arm"
                : "After " + count.format(challenger.customers()) + " customers in the challenger arm and "
                        + count.format(champion.customers()) + " in the champion arm";
        return after + ", the challenger's payment rate is " + how(rates) + ", 95 % CI " + oneDecimal(rates.low() * 100)
                + " to " + oneDecimal(rates.high() * 100) + (rates.approximate()
                        ? " (an arm has fewer than 10 paying or non-paying customers: the interval is rough)" : "")
                + ".";
    }

    private static String oneDecimal(double value) {
        String s = BigDecimal.valueOf(value).setScale(1, RoundingMode.HALF_UP).toPlainString();
        return s.equals("-0.0") ? "0.0" : s;
    }

    private static double points(double rate) {
        return round(rate * 100, 2);
    }

    private static double round(double value, int places) {
        return BigDecimal.valueOf(value).setScale(places, RoundingMode.HALF_UP).doubleValue();
    }
}
