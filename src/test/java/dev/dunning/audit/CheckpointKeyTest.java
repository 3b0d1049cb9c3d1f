package dev.dunning.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the checkpoint key comes from: a setting, a file, or a file generated owner-only at the first start. */
class CheckpointKeyTest {

    @TempDir
    Path data;

    @Test
    void withNoKeyConfiguredOneIsGeneratedReadableByItsOwnerOnlyAndKeptAcrossStarts() throws Exception {
        Path file = data.resolve("nested/" + CheckpointKey.FILE_NAME);

        KeyPair first = CheckpointKey.load(null, null, file);
        KeyPair again = CheckpointKey.load("", null, file);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        assertThat(Files.readString(file)).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(again.getPublic()).isEqualTo(first.getPublic());
        assertThat(again.getPrivate().getEncoded()).isEqualTo(first.getPrivate().getEncoded());
        Checkpoint signed = Checkpoint.signed(again, 7, "ab".repeat(32), Instant.parse("2026-01-02T03:04:05Z"));
        assertThat(signed.signedBy(first.getPublic())).isTrue();
    }

    @Test
    void theSettingIsUsedAndItsPublicKeyDerived() throws Exception {
        KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        String setting = Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());

        KeyPair loaded = CheckpointKey.load(setting, data.resolve("ignored.pem"), data.resolve("default.pem"));

        assertThat(loaded.getPublic()).isEqualTo(pair.getPublic());
        assertThat(Files.exists(data.resolve("default.pem"))).as("nothing generated").isFalse();
        assertThat(CheckpointKey.publicKey(CheckpointKey.publicKeyText(loaded.getPublic()))).isEqualTo(pair.getPublic());
    }

    @Test
    void aConfiguredKeyFileMustExistAndHoldAKey() throws Exception {
        Path missing = data.resolve("missing.pem");
        assertThatThrownBy(() -> CheckpointKey.load(null, missing, data.resolve("default.pem")))
                .hasMessageContaining("missing.pem does not exist");
        Path bad = Files.writeString(data.resolve("bad.pem"), "not a key");
        assertThatThrownBy(() -> CheckpointKey.load(null, bad, data.resolve("default.pem")))
                .hasMessageContaining("bad.pem");
        assertThatThrownBy(() -> CheckpointKey.publicKey("nonsense")).hasMessageContaining("not an Ed25519 public key");
    }
}
