package dev.dunning.audit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.interfaces.EdECPrivateKey;
import java.security.spec.NamedParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Ed25519 key pair checkpoints are signed with: read from a setting or a file, or generated into a file. */
final class CheckpointKey {

    private static final Logger log = LoggerFactory.getLogger(CheckpointKey.class);
    static final String FILE_NAME = "audit-checkpoint-key.pem";
    private static final String BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String END = "-----END PRIVATE KEY-----";

    private CheckpointKey() {}

    /**
     * The key pair: from {@code base64Pkcs8} if given, else from {@code keyFile} if given (it must exist), else from
     * {@code defaultFile}, which is generated (readable by the owner only) when it does not exist yet.
     */
    static KeyPair load(String base64Pkcs8, Path keyFile, Path defaultFile) {
        if (base64Pkcs8 != null && !base64Pkcs8.isBlank()) {
            return fromPkcs8(decode(base64Pkcs8, "dunning.audit.checkpoint.private-key"));
        }
        if (keyFile != null) {
            if (!Files.isRegularFile(keyFile)) {
                throw new IllegalStateException("dunning.audit.checkpoint.key-file " + keyFile.toAbsolutePath()
                        + " does not exist: give the file holding the checkpoint key, or leave the setting out to "
                        + "have one generated in the data folder");
            }
            return read(keyFile);
        }
        if (Files.isRegularFile(defaultFile)) {
            return read(defaultFile);
        }
        return generate(defaultFile);
    }

    private static KeyPair read(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII).replace(BEGIN, "").replace(END, "");
            return fromPkcs8(decode(text, file.toAbsolutePath().toString()));
        } catch (IllegalStateException e) {
            throw new IllegalStateException("The audit checkpoint key file " + file.toAbsolutePath()
                    + " holds no usable key: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the audit checkpoint key " + file.toAbsolutePath(), e);
        }
    }

    private static KeyPair generate(Path file) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            String pem = BEGIN + "\n" + Base64.getMimeEncoder(64, new byte[] {'\n'})
                    .encodeToString(pair.getPrivate().getEncoded()) + "\n" + END + "\n";
            Files.createDirectories(file.toAbsolutePath().getParent());
            // Created owner-only before anything is written into it; CREATE_NEW semantics: of two starts at once,
            // one creates it and the other reads it.
            try {
                Files.createFile(file, PosixFilePermissions.asFileAttribute(
                        PosixFilePermissions.fromString("rw-------")));
            } catch (FileAlreadyExistsException raced) {
                return read(file);
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(file);
                log.warn("The file system of {} has no POSIX permissions: restrict who can read it yourself", file);
            }
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
            log.warn("Generated a new audit checkpoint key in {} (readable by its owner only). Keep a copy away from "
                    + "the database, and give auditors its public key: {}", file.toAbsolutePath(),
                    publicKeyText(pair.getPublic()));
            return pair;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the audit checkpoint key " + file.toAbsolutePath()
                    + "; set dunning.audit.checkpoint.key-file or dunning.audit.checkpoint.private-key", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] decode(String base64, String where) {
        try {
            return Base64.getMimeDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("The audit checkpoint key in " + where + " is not base64 PKCS#8", e);
        }
    }

    /**
     * The pair of an Ed25519 private key. The JDK cannot derive the public key from a private one directly, but its
     * generator derives it from 32 random bytes, which are the private key: given these bytes as its "randomness" it
     * rebuilds the pair. A signature made and checked with it proves the pair belongs together.
     */
    static KeyPair fromPkcs8(byte[] der) {
        try {
            PrivateKey key = KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
            byte[] seed = ((EdECPrivateKey) key).getBytes().orElseThrow();
            SecureRandom replay = new SecureRandom() {
                @Override
                public void nextBytes(byte[] bytes) {
                    System.arraycopy(seed, 0, bytes, 0, Math.min(seed.length, bytes.length));
                }
            };
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, replay);
            KeyPair pair = generator.generateKeyPair();
            byte[] probe = "dunning-audit-checkpoint-key-probe".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance("Ed25519");
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance("Ed25519");
            verifier.initVerify(pair.getPublic());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalStateException("Cannot derive the public key of the audit checkpoint key");
            }
            return new KeyPair(pair.getPublic(), key);
        } catch (GeneralSecurityException | ClassCastException | java.util.NoSuchElementException e) {
            throw new IllegalStateException("The audit checkpoint key is not an Ed25519 private key in PKCS#8: "
                    + e.getMessage(), e);
        }
    }

    /** A public key as auditors pass it around: base64 of its X.509 encoding. */
    static String publicKeyText(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** The public key of {@link #publicKeyText}. */
    static PublicKey publicKey(String base64X509) {
        try {
            return KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(
                    Base64.getMimeDecoder().decode(base64X509.strip())));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("\"" + base64X509 + "\" is not an Ed25519 public key (base64 of its "
                    + "X.509 encoding, as the service logs it at start: \"public key (X.509, base64)\")", e);
        }
    }
}
