package dev.dunning.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.dunning.CommandSyntax.UsageException;
import dev.dunning.decision.Complaint;
import dev.dunning.decision.Outcome;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model behind generated outcomes and payments, and the {@code --history-days} option, without a database. */
class OutcomesTest {

    @TempDir
    Path dir;

    @Test
    void emailIsDeliveredAndOpenedMoreOftenThanLettersAndFriendlyMoreThanFormal() {
        Map<Outcome, Integer> email = draw("EMAIL", "FRIENDLY", 1);
        Map<Outcome, Integer> formalEmail = draw("EMAIL", "FORMAL", 4);
        Map<Outcome, Integer> letter = draw("LETTER", "FORMAL", 4);
        Map<Outcome, Integer> call = draw("PHONE", "FIRM", 3);

        assertThat(share(email, Outcome.BOUNCED)).isCloseTo(0.05, within(0.01));
        assertThat(share(email, Outcome.OPENED) + share(email, Outcome.REPLIED))
                .isGreaterThan(share(formalEmail, Outcome.OPENED) + share(formalEmail, Outcome.REPLIED) + 0.1);
        assertThat(share(letter, Outcome.DELIVERED)).isCloseTo(0.55, within(0.02));
        assertThat(letter).doesNotContainKeys(Outcome.OPENED, Outcome.REPLIED);
        assertThat(share(call, Outcome.CONVERSATION)).isCloseTo(0.40, within(0.02));
        assertThat(share(call, Outcome.FAILED)).isCloseTo(0.35, within(0.02));
    }

    @Test
    void complaintsComeAtRatesThatDifferByChannelToneAndStageAndFitTheChannel() {
        Map<Complaint, Integer> friendlyEmail = complaints("EMAIL", "FRIENDLY", 1, Outcome.DELIVERED);
        Map<Complaint, Integer> formalEmail = complaints("EMAIL", "FORMAL", 1, Outcome.OPENED);
        Map<Complaint, Integer> lateFormalEmail = complaints("EMAIL", "FORMAL", 4, Outcome.DELIVERED);
        Map<Complaint, Integer> sms = complaints("SMS", "NEUTRAL", 1, Outcome.DELIVERED);
        Map<Complaint, Integer> formalSms = complaints("SMS", "FORMAL", 1, Outcome.DELIVERED);
        Map<Complaint, Integer> call = complaints("PHONE", "FIRM", 3, Outcome.CONVERSATION);
        Map<Complaint, Integer> letter = complaints("LETTER", "FORMAL", 4, Outcome.SENT);

        // E-mail: spam reports of 0.1 % to 0.3 % of those that arrived, more for a formal word and at later stages.
        assertThat(rate(friendlyEmail, Complaint.SPAM_REPORT)).isCloseTo(0.0010, within(0.0002));
        assertThat(rate(formalEmail, Complaint.SPAM_REPORT)).isCloseTo(0.0028, within(0.0003));
        assertThat(rate(lateFormalEmail, Complaint.SPAM_REPORT)).isGreaterThan(rate(formalEmail, Complaint.SPAM_REPORT));
        // Texts: STOP replies of 1 % to 2 %, more for a formal word.
        assertThat(rate(sms, Complaint.STOP_REPLY)).isCloseTo(0.013, within(0.001));
        assertThat(rate(formalSms, Complaint.STOP_REPLY)).isCloseTo(0.019, within(0.0015));
        // A few complaints to a person, most after a call that reached the customer; each kind on its own channel.
        assertThat(rate(call, Complaint.CUSTOMER)).isCloseTo(0.015, within(0.002));
        assertThat(rate(letter, Complaint.CUSTOMER)).isCloseTo(0.004, within(0.001));
        assertThat(rate(friendlyEmail, Complaint.CUSTOMER)).isPositive().isLessThan(0.001);
        assertThat(sms).doesNotContainKey(Complaint.SPAM_REPORT);
        assertThat(friendlyEmail).doesNotContainKey(Complaint.STOP_REPLY);
        assertThat(call).containsOnlyKeys(Complaint.CUSTOMER);
        assertThat(letter).containsOnlyKeys(Complaint.CUSTOMER);
        // Nothing comes of a message that bounced, or of an instruction to the billing system.
        assertThat(complaints("EMAIL", "FORMAL", 5, Outcome.BOUNCED)).isEmpty();
        assertThat(complaints("RETRY_PAYMENT", null, 0, Outcome.SENT)).isEmpty();

        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < 200_000; i++) {
            Outcomes.Complained c = Outcomes.complaint("SMS", "FORMAL", 5, Outcome.DELIVERED, rng);
            if (c != null) {
                Duration most = c.kind() == Complaint.STOP_REPLY ? Duration.ofHours(3) : Duration.ofDays(3);
                assertThat(c.after()).isPositive().isLessThanOrEqualTo(most);
            }
        }
    }

    @Test
    void paymentIsLikelierEarlyAfterAFriendlyWordAndAfterAMessageThatArrived() {
        assertThat(Outcomes.payChance("EMAIL", "FRIENDLY", 1, Outcome.DELIVERED))
                .isGreaterThan(Outcomes.payChance("EMAIL", "FORMAL", 1, Outcome.DELIVERED))
                .isGreaterThan(Outcomes.payChance("EMAIL", "FRIENDLY", 4, Outcome.DELIVERED));
        assertThat(Outcomes.payChance("EMAIL", "NEUTRAL", 2, Outcome.REPLIED))
                .isGreaterThan(Outcomes.payChance("EMAIL", "NEUTRAL", 2, Outcome.OPENED))
                .isGreaterThan(Outcomes.payChance("EMAIL", "NEUTRAL", 2, Outcome.DELIVERED))
                .isGreaterThan(Outcomes.payChance("EMAIL", "NEUTRAL", 2, Outcome.BOUNCED));
        SplittableRandom rng = new SplittableRandom(5);
        int within = 0;
        for (int i = 0; i < 10_000; i++) {
            int days = Outcomes.daysToPay(rng);
            assertThat(days).isBetween(1, 40).isNotEqualTo(14);
            within += days <= 13 ? 1 : 0;
        }
        assertThat(within / 10_000.0).isCloseTo(0.75, within(0.02));
    }

    @Test
    void historyDaysAreCheckedAndTheHistoryTakesTheContactsOfItsPeriod() throws Exception {
        assertThat(GenerateCommand.parse(List.of("--customers=5", "--history-days=56")).historyDays()).isEqualTo(56);
        assertThat(GenerateCommand.parse(List.of("--customers=5", "--history-days=56")).historyAsked()).isTrue();
        assertThat(GenerateCommand.parse(List.of("--customers=5")).historyDays()).isEqualTo(56);
        assertThat(GenerateCommand.parse(List.of("--customers=5")).historyAsked()).isFalse();
        assertThat(GenerateCommand.parse(List.of("--customers=5", "--history-days=0")).historyDays()).isZero();
        assertThatThrownBy(() -> GenerateCommand.parse(List.of("--customers=5", "--history-days=400")))
                .isInstanceOf(UsageException.class)
                .hasMessage("--history-days must be from 0 (no past decisions) to 366, not 400");
        assertThatThrownBy(() -> GenerateCommand.parse(List.of("--customers=5", "--history-days=eight")))
                .isInstanceOf(UsageException.class).hasMessageStartingWith("--history-days=eight is not valid");

        LocalDate asOf = LocalDate.parse("2026-11-23");
        Generator.Chunk without = new Generator.Chunk(dir.resolve("a"), dev.dunning.decision.DeclineCodes.shipped(),
                new Generator.Options(2000, 42, asOf, "G-"));
        Generator.Chunk with = new Generator.Chunk(dir.resolve("b"), dev.dunning.decision.DeclineCodes.shipped(),
                new Generator.Options(2000, 42, asOf, "G-", 56));
        without.write(1, 2000);
        with.write(1, 2000);
        int contacts = List.of(Generator.Chunk.FILES).indexOf("contact_attempts");
        for (int t = 0; t < Generator.Chunk.FILES.length; t++) {
            String file = Generator.Chunk.FILES[t] + ".tsv";
            if (t != contacts) {
                assertThat(Files.readString(dir.resolve("b").resolve(file)))
                        .as(file).isEqualTo(Files.readString(dir.resolve("a").resolve(file)));
            }
        }
        // Only ladder contacts of the period go, and only of the customers the history covers.
        List<String> kept = Files.readAllLines(dir.resolve("b").resolve("contact_attempts.tsv"));
        List<String> dropped = Files.readAllLines(dir.resolve("a").resolve("contact_attempts.tsv")).stream()
                .filter(line -> !kept.contains(line)).toList();
        assertThat(dropped).isNotEmpty().allSatisfy(line -> {
            String[] f = line.split("\t");
            assertThat(Generator.inHistory(42, Integer.parseInt(f[0].substring(2)))).as(line).isTrue();
            assertThat(LocalDate.parse(f[1].substring(0, 10))).as(line).isAfterOrEqualTo(asOf.minusDays(56));
        });
    }

    private static Map<Outcome, Integer> draw(String channel, String tone, int stage) {
        SplittableRandom rng = new SplittableRandom(11);
        Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
        for (int i = 0; i < 20_000; i++) {
            counts.merge(Outcomes.outcome(channel, tone, stage, rng), 1, Integer::sum);
        }
        return counts;
    }

    /** Complaints about a million messages of one kind. */
    private static Map<Complaint, Integer> complaints(String channel, String tone, int stage, Outcome outcome) {
        SplittableRandom rng = new SplittableRandom(7);
        Map<Complaint, Integer> counts = new EnumMap<>(Complaint.class);
        for (int i = 0; i < 1_000_000; i++) {
            Outcomes.Complained c = Outcomes.complaint(channel, tone, stage, outcome, rng);
            if (c != null) {
                counts.merge(c.kind(), 1, Integer::sum);
            }
        }
        return counts;
    }

    private static double rate(Map<Complaint, Integer> counts, Complaint kind) {
        return counts.getOrDefault(kind, 0) / 1_000_000.0;
    }

    private static double share(Map<Outcome, Integer> counts, Outcome outcome) {
        return counts.getOrDefault(outcome, 0) / 20_000.0;
    }
}
