package dev.dunning.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The arms of a champion/challenger test: the share of customers in the challenger arm is the setting's within one
 * point, and a customer's arm depends on nothing but the salt, the share and the id.
 */
class ArmAssignerTest {

    private static long inChallenger(ArmAssigner arms, int n) {
        return IntStream.range(0, n).mapToObj(i -> "C-" + i).filter(arms::challenger).count();
    }

    @Test
    void theChallengersShareIsWithinOnePointOfTheSettingOver100000Customers() {
        for (int share : new int[] {1_000, 500, 2_500, 5_000}) {
            long n = inChallenger(new ArmAssigner(ArmAssigner.newSalt(), share), 100_000);
            assertThat(n / 1_000.0).as("percent in the challenger arm at a share of %d basis points", share)
                    .isCloseTo(share / 100.0, org.assertj.core.data.Offset.offset(1.0));
        }
    }

    @Test
    void aCustomersArmIsTheSameForTwoIndependentlyCreatedAssigners() {
        String salt = "5f0c2d9e8b7a41c3a6d2e1f0b9c8d7e6";
        ArmAssigner one = new ArmAssigner(salt, 1_000);
        ArmAssigner other = new ArmAssigner(new String(salt.toCharArray()), 1_000);
        IntStream.range(0, 100_000).mapToObj(i -> "C-" + i)
                .forEach(id -> assertThat(other.challenger(id)).as(id).isEqualTo(one.challenger(id)));
    }

    @Test
    void theBucketIsTheFirstEightBytesOfSha256OfSaltAndIdModulo10000() throws Exception {
        byte[] digest = java.security.MessageDigest.getInstance("SHA-256")
                .digest("salt-1C-42".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        long first8 = java.nio.ByteBuffer.wrap(digest, 0, 8).getLong();
        assertThat(new ArmAssigner("salt-1", 1_000).bucket("C-42"))
                .isEqualTo((int) Long.remainderUnsigned(first8, 10_000));
    }

    @Test
    void anotherSaltDrawsTheArmsAfresh() {
        ArmAssigner a = new ArmAssigner("salt-a", 5_000);
        ArmAssigner b = new ArmAssigner("salt-b", 5_000);
        long same = IntStream.range(0, 10_000).mapToObj(i -> "C-" + i)
                .filter(id -> a.challenger(id) == b.challenger(id)).count();
        assertThat(same).as("about half agree by chance, not all").isBetween(4_500L, 5_500L);
    }

    @Test
    void aShareOutsideOneTo9999BasisPointsIsRefused() {
        assertThatThrownBy(() -> new ArmAssigner("s", 0)).hasMessageContaining("between 1");
        assertThatThrownBy(() -> new ArmAssigner("s", 10_000)).hasMessageContaining("between 1");
    }
}
