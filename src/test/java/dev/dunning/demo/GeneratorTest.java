package dev.dunning.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.DeclineCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The generator's files, without a database: every table gets rows, the same for the same seed. */
class GeneratorTest {

    @TempDir
    Path dir;

    @Test
    void everyTableGetsRowsAndTheSameSeedWritesTheSameFiles() throws Exception {
        Generator.Options options = new Generator.Options(2000, 42, LocalDate.parse("2026-11-23"), "G-");
        Generator.Chunk a = new Generator.Chunk(dir.resolve("a"), DeclineCodes.shipped(), options);
        Generator.Chunk b = new Generator.Chunk(dir.resolve("b"), DeclineCodes.shipped(), options);
        a.write(1, 2000);
        b.write(1, 2000);

        for (int t = 0; t < 6; t++) {
            assertThat(a.rows[t]).as(Generator.Chunk.FILES[t]).isPositive();
            String file = Generator.Chunk.FILES[t] + ".tsv";
            assertThat(Files.readString(dir.resolve("a").resolve(file)))
                    .isEqualTo(Files.readString(dir.resolve("b").resolve(file)));
        }
        assertThat(a.rows[1]).isBetween(5000L, 7000L);
    }
}
