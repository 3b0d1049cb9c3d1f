package dev.dunning.web;

import static dev.dunning.web.Api.customerJson;
import static dev.dunning.web.Api.invoiceJson;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.ObjectMapper;

/** Each kind of bad write is answered with its status, a problem type and the field at fault. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class FactsValidationIT {

    static final String ISSUE = "2025-01-15";
    static final String DUE = "2025-02-14";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    Api api;
    String customer;
    String invoice;

    @BeforeEach
    void customerWithInvoice() {
        api = new Api(port, json);
        customer = "VAL-" + UUID.randomUUID();
        api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR"));
        invoice = "/api/v1/invoices/" + customer + "-1";
        assertThat(api.put(invoice, invoiceJson(customer, "EUR", "100.00", ISSUE, DUE)).statusCode()).isEqualTo(201);
    }

    @Test
    void unknownCustomerOnAnInvoiceIsABadRequestNotANotFound() {
        api.assertProblem(api.put("/api/v1/invoices/X-" + UUID.randomUUID(),
                invoiceJson("nobody-" + UUID.randomUUID(), "EUR", "1", ISSUE, DUE)), 400, "invalid-request",
                "customerId");
    }

    @Test
    void currencyMustBeIso4217() {
        var response = api.put(invoice, invoiceJson(customer, "EUX", "1", ISSUE, DUE));
        api.assertProblem(response, 400, "invalid-request", "currency");
        assertThat(api.message(response, "currency")).contains("\"EUX\" is not an ISO 4217 currency code");
    }

    @Test
    void customerCurrencyMustBeIso4217() {
        api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "eur")), 400,
                "invalid-request", "currency");
    }

    @Test
    void countryMustBeIso3166() {
        api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("XX", "Europe/Berlin", "EUR")), 400,
                "invalid-request", "country");
    }

    @Test
    void timeZoneMustBeAnIanaRegion() {
        api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("DE", "Mars/Olympus", "EUR")), 400,
                "invalid-request", "timeZone");
    }

    @Test
    void aFixedOffsetIsNotATimeZone() {
        api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("DE", "+02:00", "EUR")), 400,
                "invalid-request", "timeZone");
    }

    @Test
    void aRejectedValueIsQuotedNeverInterpreted() {
        var response = api.put("/api/v1/customers/" + customer, customerJson("DE", "${1+1}", "EUR"));
        assertThat(api.message(response, "timeZone")).startsWith("\"${1+1}\" is not an IANA time zone");
    }

    @Test
    void amountMustNotBeNegative() {
        api.assertProblem(api.put(invoice, invoiceJson(customer, "EUR", "-0.01", ISSUE, DUE)), 400,
                "invalid-request", "amount");
    }

    @Test
    void amountMustFitTheColumnsFourDecimals() {
        api.assertProblem(api.put(invoice, invoiceJson(customer, "CLF", "1.00001", ISSUE, DUE)), 400,
                "invalid-request", "amount");
    }

    @Test
    void amountMustFitTheColumnsFifteenIntegerDigits() {
        api.assertProblem(api.put(invoice, invoiceJson(customer, "EUR", "1000000000000000", ISSUE, DUE)), 400,
                "invalid-request", "amount");
    }

    @Test
    void anAmountOfABillionDecimalDigitsIsRefusedBeforeAnythingComputesWithIt() {
        for (String amount : new String[] {"0e-999999999", "1e-999999999"}) {
            var response = api.put(invoice, invoiceJson(customer, "EUR", amount, ISSUE, DUE));
            api.assertProblem(response, 400, "invalid-request", "amount");
            assertThat(api.message(response, "amount")).as(amount).contains("digits").contains("after");
        }
        var payment = api.post(invoice + "/payments", "{\"amount\": \"1e-999999999\", \"currency\": \"EUR\"}");
        api.assertProblem(payment, 400, "invalid-request", "amount");
    }

    @Test
    void yenAmountsHaveNoDecimals() {
        var response = api.put(invoice, invoiceJson(customer, "JPY", "1200.5", ISSUE, DUE));
        api.assertProblem(response, 400, "invalid-request", "amount");
        assertThat(api.message(response, "amount")).contains("more decimals than JPY has (0)");
    }

    @Test
    void euroAmountsHaveTwoDecimals() {
        api.assertProblem(api.put(invoice, invoiceJson(customer, "EUR", "10.005", ISSUE, DUE)), 400,
                "invalid-request", "amount");
    }

    @Test
    void bahrainiDinarAmountsHaveThreeDecimals() {
        api.assertProblem(api.put(invoice, invoiceJson(customer, "BHD", "10.0005", ISSUE, DUE)), 400,
                "invalid-request", "amount");
        assertThat(api.put("/api/v1/invoices/" + customer + "-BHD", invoiceJson(customer, "BHD", "10.125", ISSUE,
                DUE)).statusCode()).isEqualTo(201);
    }

    @Test
    void dueDateMustNotBeBeforeIssueDate() {
        var response = api.put(invoice, invoiceJson(customer, "EUR", "1", "2025-02-01", "2025-01-31"));
        api.assertProblem(response, 400, "invalid-request", "dueDate");
        assertThat(api.message(response, "dueDate")).contains("2025-01-31").contains("2025-02-01");
    }

    @Test
    void invalidCalendarDateNamesTheField() {
        api.assertProblem(api.put(invoice, invoiceJson(customer, "EUR", "1", ISSUE, "2025-02-30")), 400,
                "invalid-request", "dueDate");
    }

    @Test
    void paymentMustBeInTheInvoicesCurrency() {
        var response = api.post(invoice + "/payments", "{\"amount\": \"10\", \"currency\": \"USD\"}");
        api.assertProblem(response, 400, "invalid-request", "currency");
        assertThat(api.message(response, "currency")).contains("invoice's currency");
    }

    @Test
    void paymentMustBePositive() {
        api.assertProblem(api.post(invoice + "/payments", "{\"amount\": \"0\", \"currency\": \"EUR\"}"), 400,
                "invalid-request", "amount");
    }

    @Test
    void overpaymentIsAConflict() {
        api.assertProblem(api.post(invoice + "/payments", "{\"amount\": \"100.01\", \"currency\": \"EUR\"}"), 409,
                "conflict", "amount");
    }

    @Test
    void aReferenceReusedForAnotherAmountIsAConflict() {
        api.post(invoice + "/payments", "{\"amount\": \"10\", \"currency\": \"EUR\", \"reference\": \"r-1\"}");
        api.assertProblem(api.post(invoice + "/payments",
                "{\"amount\": \"11\", \"currency\": \"EUR\", \"reference\": \"r-1\"}"), 409, "conflict", "reference");
    }

    @Test
    void invoiceAmountBelowWhatWasPaidIsAConflict() {
        api.post(invoice + "/payments", "{\"amount\": \"60\", \"currency\": \"EUR\"}");
        api.assertProblem(api.put(invoice, invoiceJson(customer, "EUR", "50", ISSUE, DUE)), 409, "conflict",
                "amount");
    }

    @Test
    void anInvoiceNeverMovesToAnotherCustomer() {
        String other = "VAL-" + UUID.randomUUID();
        api.put("/api/v1/customers/" + other, customerJson("DE", "Europe/Berlin", "EUR"));
        api.assertProblem(api.put(invoice, invoiceJson(other, "EUR", "100", ISSUE, DUE)), 409, "conflict",
                "customerId");
    }

    @Test
    void unknownEnumValueListsTheAllowedOnes() {
        var response = api.put("/api/v1/customers/" + customer,
                customerJson("DE", "Europe/Berlin", "EUR").replace("CONSUMER", "RETAIL"));
        api.assertProblem(response, 400, "invalid-request", "segment");
        assertThat(api.message(response, "segment")).contains("CONSUMER, SMALL_BUSINESS, ENTERPRISE, PUBLIC_SECTOR");
    }

    @Test
    void unknownConsentChannelListsTheChannels() {
        var response = api.put("/api/v1/customers/" + customer,
                customerJson("DE", "Europe/Berlin", "EUR").replace("\"SMS\"", "\"FAX\""));
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("EMAIL, SMS, PHONE, LETTER");
    }

    @Test
    void unknownInvoiceStatusFilterListsTheStatuses() {
        var response = api.get("/api/v1/customers/" + customer + "/invoices?status=OPEN,LATE");
        api.assertProblem(response, 400, "invalid-request", "status");
        assertThat(api.message(response, "status")).contains("\"LATE\"").contains("PARTIALLY_PAID");
    }

    @Test
    void stringLongerThanItsColumnIsRefused() {
        api.assertProblem(api.put("/api/v1/customers/" + customer, customerJson("DE", "Europe/Berlin", "EUR")
                .replace("Ada Example", "x".repeat(201))), 400, "invalid-request", "name");
    }

    @Test
    void referenceLongerThanItsColumnIsRefused() {
        api.assertProblem(api.post(invoice + "/payments", "{\"amount\": \"1\", \"currency\": \"EUR\", \"reference\": \""
                + "r".repeat(101) + "\"}"), 400, "invalid-request", "reference");
    }

    @Test
    void idInThePathLongerThanItsColumnIsRefused() {
        api.assertProblem(api.put("/api/v1/customers/" + "c".repeat(65), customerJson("DE", "Europe/Berlin", "EUR")),
                400, "invalid-request", "id");
    }

    @Test
    void bodyIdMustMatchThePath() {
        api.assertProblem(api.put(invoice, invoiceJson(customer, "EUR", "1", ISSUE, DUE).replace("{",
                "{\"id\": \"another\", ")), 400, "invalid-request", "id");
    }

    @Test
    void missingRequiredFieldIsNamed() {
        api.assertProblem(api.post("/api/v1/customers/" + customer + "/contacts",
                "{\"at\": \"2025-03-01T09:00:00Z\", \"channel\": \"EMAIL\"}"), 400, "invalid-request", "outcome");
    }

    @Test
    void holdMustNotEndBeforeItBegins() {
        api.assertProblem(api.post("/api/v1/customers/" + customer + "/holds",
                "{\"kind\": \"MANUAL\", \"from\": \"2025-03-01\", \"until\": \"2025-02-28\"}"), 400, "invalid-request",
                "until");
    }

    @Test
    void holdOnAnUnknownInvoiceIsABadRequest() {
        api.assertProblem(api.post("/api/v1/customers/" + customer + "/holds",
                "{\"kind\": \"DISPUTE\", \"invoiceId\": \"nope\", \"from\": \"2025-03-01\"}"), 400, "invalid-request",
                "invoiceId");
    }

    @Test
    void everyProblemOfARequestIsReportedAtOnce() {
        var response = api.put("/api/v1/customers/" + customer, customerJson("XX", "Nowhere/City", "EUX"));
        api.assertProblem(response, 400, "invalid-request", "country");
        assertThat(api.body(response).get("errors").size()).isEqualTo(3);
    }

    @Test
    void unknownCustomerOnThePathIsNotFound() {
        api.assertProblem(api.get("/api/v1/customers/nobody-" + UUID.randomUUID()), 404, "not-found", null);
        api.assertProblem(api.post("/api/v1/customers/nobody/contacts",
                "{\"at\": \"2025-03-01T09:00:00Z\", \"channel\": \"EMAIL\", \"outcome\": \"SENT\"}"), 404, "not-found",
                null);
    }

    @Test
    void unknownInvoiceOnThePathIsNotFound() {
        api.assertProblem(api.post("/api/v1/invoices/nope-" + UUID.randomUUID() + "/payments",
                "{\"amount\": \"1\", \"currency\": \"EUR\"}"), 404, "not-found", null);
    }

    @Test
    void unknownHoldOnThePathIsNotFound() {
        api.assertProblem(api.delete("/api/v1/customers/" + customer + "/holds/999999999"), 404, "not-found", null);
    }

    @Test
    void malformedJsonIsABadRequest() {
        api.assertProblem(api.put(invoice, "{\"customerId\": "), 400, "invalid-request", null);
    }
}
