package dev.dunning.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 as lower-case hex, and the chain's link: hash = SHA-256(previous hash, newline, content). */
final class Hashes {

    static final String GENESIS = "0".repeat(64);

    private Hashes() {}

    static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String link(String previousHash, String content) {
        return sha256(previousHash + "\n" + content);
    }
}
