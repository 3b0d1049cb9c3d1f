package dev.dunning.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    @Test
    void aDemoFileWithAConsentedChannelButNoDetailForItIsRefused() {
        String file = """
                {"customers": [{"id": "DEMO-X", "name": "X", "segment": "CONSUMER", "country": "US", "language": "en",
                  "timeZone": "America/Chicago", "currency": "USD", "riskScore": 40, "tenureMonths": 18,
                  "mobile": "+13125550199", "consents": ["EMAIL", "SMS", "LETTER"],
                  "expect": {"shows": "x", "action": "NO_ACTION"}}]}
                """;

        assertThatThrownBy(() -> DemoFile.read(new java.io.ByteArrayInputStream(file.getBytes(
                java.nio.charset.StandardCharsets.UTF_8))))
                .hasMessageContaining("DEMO-X: e-mail is consented but \"email\" is missing")
                .hasMessageContaining("DEMO-X: letters are consented but \"postalAddress\" is missing")
                .hasMessageNotContaining("mobile");
    }

    @Test
    void everyDemoCustomerHasAnEmailAMobileAndAPostalAddress() {
        assertThat(DemoFile.shipped().customers()).allSatisfy(c -> {
            assertThat(c.email()).isNotBlank();
            assertThat(c.mobile()).startsWith("+");
            assertThat(c.postalAddress()).startsWith(c.name() + "\n");
        });
    }
}
