package dev.dunning.effectiveness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The worked example of docs/effectiveness.md ("The comparison"), computed there by hand: 3,120 customers per arm,
 * 456 paid in the challenger arm (14.615 %), 390 in the champion arm (12.500 %).
 */
class TwoProportionsTest {

    static final TwoProportions EXAMPLE = TwoProportions.of(456, 3_120, 390, 3_120);

    @Test
    void theDifferenceAndItsIntervalMatchTheWorkedExample() {
        assertThat(EXAMPLE.challengerRate()).isCloseTo(0.146154, offset(1e-6));
        assertThat(EXAMPLE.championRate()).isCloseTo(0.125, offset(1e-9));
        assertThat(EXAMPLE.difference()).isCloseTo(0.021154, offset(1e-6));
        // SE = sqrt(0.146154 x 0.853846 / 3120 + 0.125 x 0.875 / 3120) = 0.0086634; 1.96 x SE = 0.016980
        assertThat(EXAMPLE.low()).isCloseTo(0.004174, offset(1e-6));
        assertThat(EXAMPLE.high()).isCloseTo(0.038134, offset(1e-6));
        // pooled p = 846 / 6240 = 0.135577; SE0 = sqrt(p(1-p) x 2/3120) = 0.0086675; z = 2.4406; p = 0.0147
        assertThat(EXAMPLE.z()).isCloseTo(2.4406, offset(1e-4));
        assertThat(EXAMPLE.pValue()).isCloseTo(0.0147, offset(1e-4));
        assertThat(EXAMPLE.approximate()).isFalse();
        assertThat(TwoProportions.Z_95).isCloseTo(1.959964, offset(1e-6));
    }

    @Test
    void thePlainSentenceOfTheWorkedExample() {
        ChallengerComparison.Arm champion = arm("CHAMPION", 3_120, 390);
        ChallengerComparison.Arm challenger = arm("CHALLENGER", 3_120, 456);
        assertThat(ChallengerComparison.sentence(champion, challenger, EXAMPLE)).isEqualTo("After 3,120 customers per "
                + "arm, the challenger's payment rate is 2.1 points higher, 95 % CI 0.4 to 3.8.");
    }

    @Test
    void armsOfDifferentSizesAndALowerRateAreSaidSo() {
        TwoProportions lower = TwoProportions.of(30, 312, 390, 2_808);
        String sentence = ChallengerComparison.sentence(arm("CHAMPION", 2_808, 390), arm("CHALLENGER", 312, 30),
                lower);
        assertThat(sentence).startsWith("After 312 customers in the challenger arm and 2,808 in the champion arm, "
                + "the challenger's payment rate is 4.3 points lower, 95 % CI ");
    }

    @Test
    void anEmptyArmHasNoIntervalAndSaysWhy() {
        assertThat(TwoProportions.of(0, 0, 5, 10)).isNull();
        assertThat(ChallengerComparison.sentence(arm("CHAMPION", 10, 5), arm("CHALLENGER", 0, 0), null))
                .isEqualTo("No customer has been decided in the challenger arm yet, so there is nothing to compare.");
    }

    @Test
    void theComplaintRatesAreComparedTheSameWayAndSaidPlainly() {
        // 3,120 customers per arm; 12 complained in the challenger arm, 31 in the champion arm.
        TwoProportions rates = TwoProportions.of(12, 3_120, 31, 3_120);
        assertThat(rates.difference()).isCloseTo(-0.006090, offset(0.000001));
        assertThat(ChallengerComparison.complaintSentence(rates)).isEqualTo("The challenger's complaint rate is 0.6 "
                + "points lower, 95 % CI -1.0 to -0.2.");
        assertThat(ChallengerComparison.complaintSentence(TwoProportions.of(0, 50, 0, 60)))
                .isEqualTo("No customer in either arm has complained.");
        assertThat(ChallengerComparison.complaintSentence(null)).isNull();
    }

    @Test
    void fewPayersMakeTheIntervalApproximate() {
        assertThat(TwoProportions.of(4, 6, 2, 6).approximate()).isTrue();
    }

    private static ChallengerComparison.Arm arm(String name, long customers, long paid) {
        return new ChallengerComparison.Arm(name, "v", customers, customers, customers, customers, 1.0, paid,
                (double) paid / customers, List.of(), 0, 0, 0, 0, 0.0);
    }
}
