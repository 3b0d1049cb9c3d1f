package dev.dunning.web;

import static dev.dunning.web.Api.customerJson;
import static dev.dunning.web.Api.invoiceJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** dunning.decline-codes-file replaces the shipped decline-code list for classifying payment failures. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "dunning.decline-codes-file=src/test/resources/decline-codes-custom.csv")
class DeclineCodesSettingIT {

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Test
    void failuresAreClassifiedFromTheConfiguredList() {
        Api api = new Api(port, json);
        String customer = "DCL-" + UUID.randomUUID();
        api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR"));
        String invoice = "/api/v1/invoices/" + customer + "-1";
        api.put(invoice, invoiceJson(customer, "EUR", "10", "2025-01-15", "2025-02-14"));

        JsonNode reclassified = api.body(api.post(invoice + "/payment-failures",
                "{\"declineCode\": \"insufficient_funds\"}"));
        JsonNode ownCode = api.body(api.post(invoice + "/payment-failures", "{\"declineCode\": \"ACME_BLOCKED\"}"));
        JsonNode notOnThisList = api.body(api.post(invoice + "/payment-failures", "{\"declineCode\": \"stolen_card\"}"));

        assertThat(reclassified.get("declineClass").asString()).isEqualTo("HARD"); // SOFT in the shipped list
        assertThat(ownCode.get("declineClass").asString()).isEqualTo("HARD");
        assertThat(ownCode.get("knownCode").asBoolean()).isTrue();
        // The file replaces the shipped list rather than adding to it.
        assertThat(notOnThisList.get("knownCode").asBoolean()).isFalse();
        assertThat(notOnThisList.get("declineClass").asString()).isEqualTo("SOFT");
    }
}
