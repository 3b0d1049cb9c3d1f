package dev.dunning.effectiveness;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.Command;
import dev.dunning.audit.ChainVerifier;
import dev.dunning.database.TestDatabase;
import dev.dunning.demo.GenerateCommand;
import dev.dunning.rules.ActiveRuleSet;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code generate} as a new user runs it (no {@code --history-days}: eight weeks by default): past decisions of
 * generated customers, recorded in the audit chain with their sent messages, outcomes and payments, give every cut of
 * the effectiveness figures something to show, with rates that differ by channel and tone the way the generator's
 * model says; the figures equal a brute-force recount, and the chain verifies.
 */
@SpringBootTest(properties = {HistoryTest.QUIET, HistoryTest.NO_DISPATCH})
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GeneratedOutcomesIT {

    /**
     * Enough customers for complaints to show on more than one channel (spam reports of 0.1-0.3 % of e-mails, a few
     * complaints about calls and letters): about 2,700 decisions, 2,300 messages.
     */
    static final int CUSTOMERS = 20_000;
    static final int HISTORY_DAYS = GenerateCommand.DEFAULT_HISTORY_DAYS;
    /** A fixed date, so that the history (and its few complaints) is the same at every run. */
    static final LocalDate AS_OF = LocalDate.parse("2026-11-23");

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        TestDatabase.freshDatabase("genoutcomes").register(registry);
    }

    @Autowired
    ApplicationContext context;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    JsonMapper json;
    @Autowired
    Summaries summaries;
    @Autowired
    Figures figures;
    @Autowired
    Deliverability deliverability;
    @Autowired
    ChainVerifier verifier;
    @Autowired
    ActiveRuleSet activeRuleSet;

    final Figures.Filter range = new Figures.Filter(AS_OF.minusDays(HISTORY_DAYS + 7), AS_OF, null, null, null);

    @BeforeAll
    void generateWithAHistoryAndCatchUp() throws Exception {
        Command generate = context.getBeansOfType(Command.class).values().stream()
                .filter(c -> c.name().equals("generate")).findFirst().orElseThrow();
        assertThat(HISTORY_DAYS).isEqualTo(56);
        assertThat(generate.run(List.of("--customers=" + CUSTOMERS, "--seed=42", "--as-of=" + AS_OF))).isZero();
        summaries.catchUp();
    }

    @Test
    void pastDecisionsAreRealRecordsOfTheActiveVersionAndTheChainVerifies() {
        long records = count("SELECT COUNT(*) FROM audit_records");
        assertThat(records).as("past decisions").isGreaterThan(CUSTOMERS / 10);
        assertThat(jdbc.sql("SELECT DISTINCT rule_set_version FROM audit_records").query(String.class).list())
                .containsExactly(activeRuleSet.get().version());
        // Spread over the period, each at the made-up nightly run, none on or after the as-of date.
        assertThat(count("SELECT COUNT(DISTINCT DATE(recorded_at)) FROM audit_records")).isGreaterThan(30);
        assertThat(count("SELECT COUNT(*) FROM audit_records WHERE recorded_at >= '" + AS_OF + "' OR recorded_at < '"
                + AS_OF.minusDays(HISTORY_DAYS) + "'")).isZero();

        ChainVerifier.Result result = verifier.verify(Instant.EPOCH, null);
        assertThat(result.intact()).as("%s", result).isTrue();
        assertThat(result.verified()).isEqualTo(records);
    }

    @Test
    void messagesAreSentWithTheirContactsAndCustomersPaySoonerLaterOrInPart() {
        long entries = count("SELECT COUNT(*) FROM outbox");
        assertThat(entries).isPositive();
        assertThat(count("SELECT COUNT(*) FROM outbox o JOIN contact_attempts c ON c.id = o.contact_id "
                + "WHERE o.status = 'SENT' AND c.reference = CONCAT('outbox:', o.decision_id) "
                + "AND c.contacted_at = o.sent_at")).isEqualTo(entries);
        assertThat(jdbc.sql("SELECT DISTINCT outcome FROM contact_attempts WHERE reference LIKE 'outbox:%'")
                .query(String.class).list())
                .contains("SENT", "DELIVERED", "OPENED", "REPLIED", "BOUNCED", "FAILED", "CONVERSATION");
        // Payments after the decisions: some within the 14 days of the window, some later, some in part.
        // (A generated payment's reference is generated:<decision id>:<n>; joined on the entry's key.)
        String after = "FROM payments p JOIN outbox o "
                + "ON o.decision_id = SUBSTRING_INDEX(SUBSTRING(p.reference, 11), ':', 1) "
                + "WHERE p.reference LIKE 'generated:%' AND ";
        assertThat(count("SELECT COUNT(*) " + after + "p.paid_at <= o.sent_at + INTERVAL 14 DAY")).isPositive();
        assertThat(count("SELECT COUNT(*) " + after + "p.paid_at > o.sent_at + INTERVAL 14 DAY")).isPositive();
        assertThat(count("SELECT COUNT(*) FROM payments p JOIN invoices i ON i.id = p.invoice_id "
                + "WHERE p.reference LIKE 'generated:%' AND i.status = 'PARTIALLY_PAID'")).isPositive();
        assertThat(count("SELECT COUNT(*) " + after + "p.paid_at <= o.sent_at")).isZero();
        // The invariants of the generated rows still hold.
        assertThat(count("SELECT COUNT(*) FROM invoices i WHERE i.amount_paid <> "
                + "(SELECT COALESCE(SUM(p.amount), 0) FROM payments p WHERE p.invoice_id = i.id)")).isZero();
        assertThat(count("SELECT COUNT(*) FROM invoices WHERE status NOT IN ('DISPUTED', 'WRITTEN_OFF') AND status <> "
                + "CASE WHEN amount_paid >= amount THEN 'PAID' WHEN amount_paid > 0 THEN 'PARTIALLY_PAID' "
                + "ELSE 'OPEN' END")).isZero();
        assertThat(count("SELECT COUNT(*) FROM payments WHERE paid_at >= '" + AS_OF + "'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM contact_attempts WHERE contacted_at >= '" + AS_OF + "'")).isZero();
    }

    @Test
    void figuresEqualABruteForceRecount() {
        Map<String, Recount.Expected> expected = Recount.byAction(jdbc, json, "G-", 14);
        Figures.Report report = figures.report(range, Figures.Cut.ACTION);
        assertThat(describe(report.total())).isEqualTo(Recount.describe(expected.get("TOTAL")));
        Map<String, String> actual = report.rows().stream()
                .collect(Collectors.toMap(Figures.Row::key, GeneratedOutcomesIT::describe));
        Map<String, String> wanted = new HashMap<>();
        expected.forEach((k, e) -> {
            if (!k.equals("TOTAL")) {
                wanted.put(k, Recount.describe(e));
            }
        });
        assertThat(actual).isEqualTo(wanted);
        assertThat(report.total().paid()).isPositive();
        assertThat(report.freshness().changesWaiting()).isZero();
        assertThat(report.freshness().decisionsWaiting()).isZero();
    }

    @Test
    void ratesDifferByChannelAndToneInTheExpectedDirection() {
        Map<String, Figures.Row> channel = byKey(deliverability.report(range).byChannel());
        Figures.Row email = channel.get("EMAIL");
        Figures.Row letter = channel.get("LETTER");
        Figures.Row phone = channel.get("PHONE");
        assertThat(email.sent()).isGreaterThan(letter.sent());
        // E-mails are delivered more often than tracked letters, are opened (letters never report that), and bounce
        // more often than letters come back.
        assertThat(email.deliveryRate()).isGreaterThan(letter.deliveryRate() + 0.2);
        assertThat(email.opened()).isPositive();
        assertThat(letter.opened()).isZero();
        assertThat(email.bounceRate()).isGreaterThan(letter.bounceRate());
        // Calls end in conversations (counted as replies) or ring out (failed).
        assertThat(phone.replied()).isPositive();
        assertThat(phone.failed()).isPositive();

        Map<String, Figures.Row> tone = byKey(figures.report(range, Figures.Cut.TONE).rows());
        assertThat(tone.get("FRIENDLY").paymentRate()).isGreaterThan(tone.get("FORMAL").paymentRate());
        assertThat(tone.get("FRIENDLY").paymentRate()).isGreaterThan(tone.get("FIRM").paymentRate());
        assertThat(email.paymentRate()).isGreaterThan(letter.paymentRate());
    }

    @Test
    void complaintsAreKeptAsReportedOnesAreAndAStopReplyWithdrawsTheNumberFromTexts() {
        String complained = "FROM contact_attempts c JOIN outbox o ON o.contact_id = c.id "
                + "WHERE c.complaint IS NOT NULL";
        long complaints = count("SELECT COUNT(*) " + complained);
        String seen = "complaints by kind and channel " + jdbc.sql("SELECT c.complaint, c.channel, COUNT(*) "
                + complained + " GROUP BY c.complaint, c.channel")
                .query((rs, n) -> rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3)).list()
                + " of messages sent by channel " + jdbc.sql("SELECT channel, COUNT(*) FROM contact_attempts "
                        + "WHERE reference LIKE 'outbox:%' GROUP BY channel")
                .query((rs, n) -> rs.getString(1) + " " + rs.getLong(2)).list();
        // Each kind on its own channel, on a message that arrived, reported after the send and before the as-of date.
        assertThat(count("SELECT COUNT(*) " + complained + " AND (c.complained_at IS NULL "
                + "OR c.complained_at <= c.contacted_at OR c.complained_at >= '" + AS_OF + "' OR c.outcome = 'BOUNCED' "
                + "OR (c.complaint = 'SPAM_REPORT' AND c.channel <> 'EMAIL') "
                + "OR (c.complaint = 'STOP_REPLY' AND c.channel <> 'SMS'))")).isZero();
        assertThat(count("SELECT COUNT(*) FROM contact_attempts WHERE complaint IS NULL AND complained_at IS NOT NULL"))
                .isZero();
        // Every STOP reply withdrew the customer's number, with the words of a reported one, and no text went to the
        // customer after it.
        String stops = "FROM contact_attempts c JOIN customer_contact_details d ON d.customer_id = c.customer_id "
                + "WHERE c.complaint = 'STOP_REPLY'";
        assertThat(count("SELECT COUNT(*) " + stops + " AND (d.sms_withdrawn_at IS NULL "
                + "OR d.sms_withdrawn_reason NOT LIKE 'STOP reply to decision %')")).isZero();
        assertThat(count("SELECT COUNT(*) " + stops + " AND d.sms_withdrawn_reason = CONCAT('STOP reply to decision ', "
                + "SUBSTRING(c.reference, 8)) AND d.sms_withdrawn_at = c.complained_at"))
                .isEqualTo(count("SELECT COUNT(DISTINCT c.customer_id) " + stops));
        assertThat(count("SELECT COUNT(*) FROM outbox o "
                + "JOIN customer_contact_details d ON d.customer_id = o.customer_id "
                + "WHERE o.route = 'SMS' AND o.sent_at > d.sms_withdrawn_at")).isZero();
        assertThat(count("SELECT COUNT(*) FROM customer_contact_details WHERE sms_withdrawn_at IS NOT NULL"))
                .isEqualTo(count("SELECT COUNT(DISTINCT c.customer_id) " + stops));

        // The fixed seed and date give a history with a STOP reply, so the checks above have one to check.
        assertThat(count("SELECT COUNT(DISTINCT c.customer_id) " + stops)).as(seen).isPositive();

        // Counted by the figures (the recount above includes them), with rates that differ by channel: a text draws a
        // complaint (a STOP) far more often than an e-mail is reported as spam; calls and letters draw a few.
        Map<String, Figures.Row> channel = byKey(deliverability.report(range).byChannel());
        assertThat(figures.report(range, Figures.Cut.NONE).total().complaints()).isEqualTo(complaints).isPositive();
        Figures.Row email = channel.get("EMAIL");
        Figures.Row sms = channel.get("SMS");
        assertThat(email.complaintRate()).as(seen).isPositive().isLessThan(0.01);
        assertThat(sms.complaintRate()).as(seen).isGreaterThan(email.complaintRate() * 3);
        assertThat(channel.get("PHONE").complaints() + channel.get("LETTER").complaints()).as(seen).isPositive();
    }

    @Test
    void everyCutShowsDifferingFiguresAndSeveralCurrencies() {
        for (Figures.Cut cut : List.of(Figures.Cut.POLICY, Figures.Cut.ACTION, Figures.Cut.TEMPLATE,
                Figures.Cut.CHANNEL, Figures.Cut.TONE, Figures.Cut.SEGMENT, Figures.Cut.LANGUAGE,
                Figures.Cut.CURRENCY)) {
            List<Figures.Row> rows = figures.report(range, cut).rows();
            assertThat(rows).as("%s", cut).hasSizeGreaterThanOrEqualTo(3);
            assertThat(rows.stream().map(Figures.Row::paymentRate).distinct().count()).as("%s", cut)
                    .isGreaterThanOrEqualTo(3);
            assertThat(rows.stream().filter(r -> r.paid() > 0).count()).as("%s", cut).isGreaterThanOrEqualTo(2);
        }
        assertThat(figures.report(range, Figures.Cut.RULE_SET_VERSION).rows()).hasSize(1);
        assertThat(figures.report(range, Figures.Cut.NONE).total().recovered().stream()
                .map(Figures.Recovered::currency)).contains("USD", "EUR", "GBP");
        assertThat(figures.timeline(range, false).periods()).hasSizeGreaterThanOrEqualTo(8);
    }

    @Test
    void aHistoryAskedForBehindLaterDecisionsIsRefusedBeforeAnythingIsWritten() throws Exception {
        long records = count("SELECT COUNT(*) FROM audit_records");
        Captured run = generate(List.of("--customers=10", "--id-prefix=H-", "--as-of=" + AS_OF, "--history-days=7"));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("on or after the first day of the history (" + AS_OF.minusDays(7) + ")",
                "generate into an empty database, or give --history-days=0 for customers without past decisions");
        assertThat(count("SELECT COUNT(*) FROM customers WHERE id LIKE 'H-%'")).isZero();
        assertThat(count("SELECT COUNT(*) FROM audit_records")).isEqualTo(records);
    }

    @Test
    void theDefaultHistoryIsLeftOutWithANoticeWhenTheLogHoldsLaterDecisions() throws Exception {
        long records = count("SELECT COUNT(*) FROM audit_records");
        Captured run = generate(List.of("--customers=10", "--id-prefix=J-", "--as-of=" + AS_OF));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("generate: no past decisions this time: the audit log already holds a decision "
                + "recorded at ", "within the 56 days before " + AS_OF, "generate into an empty database to have both",
                "generated 10 customers").doesNotContain("past decisions over");
        assertThat(count("SELECT COUNT(*) FROM customers WHERE id LIKE 'J-%'")).isEqualTo(10);
        assertThat(count("SELECT COUNT(*) FROM invoices WHERE customer_id LIKE 'J-%'")).isPositive();
        assertThat(count("SELECT COUNT(*) FROM audit_records")).isEqualTo(records);
        summaries.catchUp(); // their payments are changes for the summaries; leave none waiting for the other tests
    }

    private record Captured(int code, String out, String err) {}

    /** Runs the generate command with its standard output and error captured. */
    private Captured generate(List<String> args) throws Exception {
        Command generate = context.getBeansOfType(Command.class).values().stream()
                .filter(c -> c.name().equals("generate")).findFirst().orElseThrow();
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream capturedOut = new ByteArrayOutputStream();
        ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
        System.setOut(new PrintStream(capturedOut, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(capturedErr, true, StandardCharsets.UTF_8));
        try {
            int code = generate.run(args);
            return new Captured(code, capturedOut.toString(StandardCharsets.UTF_8),
                    capturedErr.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A row of figures in the shape of {@link Recount#describe(Recount.Expected)}. */
    static String describe(Figures.Row row) {
        StringBuilder s = new StringBuilder();
        s.append(List.of(row.decisions(), row.contacts(), row.sent(), row.delivered(), row.opened(), row.replied(),
                row.bounced(), row.failed(), row.paid(), row.complaints()));
        List<Figures.Recovered> recovered = new ArrayList<>(row.recovered());
        recovered.sort((a, b) -> a.currency().compareTo(b.currency()));
        recovered.forEach(r -> s.append(' ').append(r.currency()).append(' ')
                .append(r.amount().stripTrailingZeros().toPlainString()).append('/').append(r.payments()));
        s.append(" median ").append(row.medianDaysToPayment());
        return s.toString();
    }

    private static Map<String, Figures.Row> byKey(List<Figures.Row> rows) {
        return rows.stream().collect(Collectors.toMap(Figures.Row::key, Function.identity()));
    }

    private long count(String sql) {
        return jdbc.sql(sql).query(Long.class).single();
    }
}
