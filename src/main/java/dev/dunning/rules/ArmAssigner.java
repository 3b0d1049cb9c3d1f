package dev.dunning.rules;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Puts customers in the arms of a champion/challenger test: SHA-256 of the test's salt followed by the customer id
 * (both UTF-8), its first 8 bytes read as an unsigned number, taken modulo 10,000; a customer whose number is below
 * the challenger's share in basis points is in the challenger arm. Nothing but the salt, the share and the id goes in,
 * so every instance, before and after a restart, puts a customer in the same arm for the whole test; a new test (a new
 * salt) draws afresh.
 */
public final class ArmAssigner {

    /** The share is given in basis points: 1,000 is 10 %. */
    public static final int BASIS_POINTS = 10_000;

    private final byte[] salt;
    private final int shareBasisPoints;

    public ArmAssigner(String salt, int shareBasisPoints) {
        if (salt == null || salt.isBlank()) {
            throw new IllegalArgumentException("a test needs a salt");
        }
        if (shareBasisPoints < 1 || shareBasisPoints >= BASIS_POINTS) {
            throw new IllegalArgumentException("the challenger's share is " + shareBasisPoints
                    + " basis points; it must be between 1 (0.01 %) and 9,999 (99.99 %)");
        }
        this.salt = salt.getBytes(StandardCharsets.UTF_8);
        this.shareBasisPoints = shareBasisPoints;
    }

    /** Whether the customer is decided by the challenger. */
    public boolean challenger(String customerId) {
        return bucket(customerId) < shareBasisPoints;
    }

    /** The customer's place, 0 to 9,999. */
    public int bucket(String customerId) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        sha256.update(salt);
        byte[] digest = sha256.digest(customerId.getBytes(StandardCharsets.UTF_8));
        long first8 = 0;
        for (int i = 0; i < 8; i++) {
            first8 = (first8 << 8) | (digest[i] & 0xff);
        }
        return (int) Long.remainderUnsigned(first8, BASIS_POINTS);
    }

    public int shareBasisPoints() {
        return shareBasisPoints;
    }

    /** A new salt: 16 random bytes in hex. */
    public static String newSalt() {
        byte[] bytes = new byte[16];
        new java.security.SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
