package dev.dunning.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/demo-data.md lists the demo customers exactly as the demo file states them. */
class DemoDataDocsTest {

    @Test
    void theDocsTableIsTheOneGeneratedFromTheDemoFile() throws Exception {
        String docs = Files.readString(Path.of("docs/demo-data.md"));
        String table = DemoFile.shipped().markdownTable();

        assertThat(docs).as("docs/demo-data.md must contain this table exactly (generated from "
                + "src/main/resources/demo/customers.json):\n%s", table).contains(table);
    }

    @Test
    void everyDemoCustomerStatesWhatItShowsAndTheActionExpected() {
        assertThat(DemoFile.shipped().customers()).hasSizeGreaterThanOrEqualTo(24)
                .allSatisfy(c -> {
                    assertThat(c.expect().shows()).isNotBlank();
                    assertThat(c.expect().action()).isNotNull();
                });
    }
}
