package dev.dunning.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.decision.DeclineCodes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.regex.Pattern;
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

        for (int t = 0; t < Generator.Chunk.FILES.length; t++) {
            assertThat(a.rows[t]).as(Generator.Chunk.FILES[t]).isPositive();
            String file = Generator.Chunk.FILES[t] + ".tsv";
            assertThat(Files.readString(dir.resolve("a").resolve(file)))
                    .isEqualTo(Files.readString(dir.resolve("b").resolve(file)));
        }
        assertThat(a.rows[1]).isBetween(5000L, 7000L);
    }

    /**
     * Dispatching a run over generated customers must reach the local test servers and nobody else: every customer
     * gets an e-mail address under a domain RFC 2606 reserves, a mobile number in Ofcom's drama range and an address
     * that says it is fictional.
     */
    @Test
    void everyCustomerGetsContactDetailsThatAreFakeByConstruction() throws Exception {
        Generator.Options options = new Generator.Options(3000, 7, LocalDate.parse("2026-11-23"), "G-");
        Generator.Chunk chunk = new Generator.Chunk(dir, DeclineCodes.shipped(), options);
        chunk.write(1, 3000);

        List<String> customers = Files.readAllLines(dir.resolve("customers.tsv"));
        List<String> details = Files.readAllLines(dir.resolve("customer_contact_details.tsv"));
        assertThat(details).hasSameSizeAs(customers).hasSize(3000);
        Pattern email = Pattern.compile("g-[0-9]{7}@example\\.invalid");
        Pattern mobile = Pattern.compile("\\+447700900[0-9]{3}");
        for (int i = 0; i < details.size(); i++) {
            String[] d = details.get(i).split("\t", -1);
            String customerId = customers.get(i).split("\t", -1)[0];
            assertThat(d[0]).isEqualTo(customerId);
            assertThat(d[1]).matches(email).isEqualTo(customerId.toLowerCase() + "@example.invalid");
            assertThat(d[2]).matches(mobile).matches(dev.dunning.facts.ContactDetails.MOBILE);
            assertThat(d[3]).startsWith(customerId + ", ").contains("Example Street", "(fictional address)")
                    .hasSizeLessThanOrEqualTo(dev.dunning.facts.ContactDetails.POSTAL_ADDRESS_MAX);
        }
    }
}
