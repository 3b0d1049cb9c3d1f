package dev.dunning.audit;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Instant;
import java.util.Base64;

/**
 * A signed statement that the chain's head was record {@code seq} with {@code hash} at {@code at}. Signed with an
 * Ed25519 key that is not in the database, and published where the database cannot reach it, a checkpoint an
 * auditor keeps proves later that no record up to {@code seq} was cut off or rewritten.
 *
 * @param keyId the first 16 hex digits of the SHA-256 of the signing public key (X.509 encoding): which key to use
 * @param signature Ed25519 signature (base64) over {@link #payload()} in UTF-8
 */
public record Checkpoint(long seq, String hash, Instant at, String keyId, String signature) {

    /** What is signed, a line of text anyone can rebuild: {@value #FORMAT} seq=.. hash=.. at=.. */
    public static final String FORMAT = "dunning-audit-checkpoint/1";

    public String payload() {
        return FORMAT + " seq=" + seq + " hash=" + hash + " at=" + at;
    }

    /** True if {@link #signature} is this checkpoint's payload signed by the private half of {@code key}. */
    public boolean signedBy(PublicKey key) {
        if (signature == null || hash == null || at == null) {
            return false;
        }
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initVerify(key);
            ed25519.update(payload().getBytes(StandardCharsets.UTF_8));
            return ed25519.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false; // a malformed signature is no signature
        }
    }

    /** The checkpoint of {@code seq} and {@code hash} at {@code at}, signed with {@code key}'s private half. */
    static Checkpoint signed(java.security.KeyPair key, long seq, String hash, Instant at) {
        Checkpoint unsigned = new Checkpoint(seq, hash, at, keyId(key.getPublic()), null);
        try {
            Signature ed25519 = Signature.getInstance("Ed25519");
            ed25519.initSign(key.getPrivate());
            ed25519.update(unsigned.payload().getBytes(StandardCharsets.UTF_8));
            return new Checkpoint(seq, hash, at, unsigned.keyId(), Base64.getEncoder().encodeToString(ed25519.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The key id of a public key: the first 16 hex digits of the SHA-256 of its X.509 encoding. */
    public static String keyId(PublicKey key) {
        return Hashes.sha256(key.getEncoded()).substring(0, 16);
    }
}
