package dev.dunning.imports;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.Command;
import dev.dunning.facts.ContactDetails;
import dev.dunning.facts.CustomerContactDetails;
import dev.dunning.facts.Customers;
import dev.dunning.facts.FactsService;
import dev.dunning.facts.FactsService.NewPayment;
import dev.dunning.facts.Invoices;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * The bulk import over HTTP and from the command line, against the real MariaDB: a file is taken whole or not at all,
 * every bad row is named by its physical line, and re-importing a file changes nothing. A small upload limit and
 * problem list make the limits testable.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
    "dunning.import.max-upload-size=64KB",
    "dunning.import.max-listed-problems=5",
    "dunning.import.batch-size=3" // several batches even in small files
})
class BulkImportIT {

    static final String CUSTOMER_HEADER = "id,name,segment,country,timeZone,currency,consentEmail";
    static final String INVOICE_HEADER = "id,customerId,currency,amount,issueDate,dueDate,status";

    @LocalServerPort
    int port;

    @Autowired
    ObjectMapper json;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Customers customers;

    @Autowired
    Invoices invoices;

    @Autowired
    CustomerContactDetails contactDetails;

    @Autowired
    FactsService facts;

    @Autowired
    List<Command> commands;

    @TempDir
    Path dir;

    final HttpClient http = HttpClient.newHttpClient();
    final String p = "IMP-" + UUID.randomUUID().toString().substring(0, 8) + "-";

    @Test
    void aFileWithBadRowsInTheMiddleIsRejectedWholeWithEveryBadLine() throws Exception {
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n");
        importInvoices(INVOICE_HEADER + "\n" + p + "I0,@C1,EUR,50.00,2025-01-01,2025-02-01,OPEN\n");
        String file = INVOICE_HEADER + "\n"
                + p + "I1,@C1,EUR,10.00,2025-01-01,2025-02-01,OPEN\n"     // line 2
                + p + "I2,@C1,EUR,20.00,2025-01-01,2025-02-01,OPEN\n"     // 3
                + p + "I3,@C1,EURO,30.00,2025-01-01,2025-02-01,OPEN\n"    // 4: currency
                + p + "I0,@C1,EUR,99.00,2025-01-01,2025-02-01,OPEN\n"     // 5: fine, would change I0
                + p + "I4,@C1,EUR,40.005,2025-03-01,2025-02-01,OPENED\n"  // 6: decimals, dates, status
                + p + "I5,@C1,EUR,50.00,2025-01-01,2025-02-01,OPEN\n"     // 7
                + p + "I6,@C1,EUR,-1,01/02/2025,2025-02-01,PAID\n";        // 8: negative, date format

        HttpResponse<String> response = post("invoices", "text/csv", file.replace("@", p));

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode body = json.readTree(response.body());
        assertThat(body.get("problemCount").asLong()).isEqualTo(6);
        assertThat(body.get("errors")).hasSize(5); // the listed problems are capped, the count is not
        assertThat(lines(body)).containsExactly(4L, 6L, 6L, 6L, 8L);
        JsonNode first = body.get("errors").get(0);
        assertThat(first.get("column").asString()).isEqualTo("currency");
        assertThat(first.get("value").asString()).isEqualTo("EURO");
        assertThat(first.get("message").asString()).contains("\"EURO\" is not an ISO 4217 currency code");
        assertThat(columns(body)).containsExactly("currency", "amount", "dueDate", "status", "amount");
        assertThat(body.get("errors").get(2).get("message").asString())
                .isEqualTo("the due date 2025-02-01 is before the issue date 2025-03-01");
        assertThat(body.get("errors").get(3).get("message").asString())
                .isEqualTo("\"OPENED\" is not a known invoice status; use one of OPEN, PARTIALLY_PAID, PAID, DISPUTED, "
                        + "WRITTEN_OFF");
        // Nothing from the file was written: no new invoice, and I0 keeps its amount.
        assertThat(jdbc.sql("SELECT COUNT(*) FROM invoices WHERE id LIKE ?").param(p + "%").query(Long.class)
                .single()).isEqualTo(1);
        assertThat(invoices.find(p + "I0").orElseThrow().invoice().amount()).isEqualByComparingTo("50.00");
    }

    @Test
    void anAmountOfABillionDecimalDigitsIsARowProblemNotAStalledImport() throws Exception {
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n");
        String file = INVOICE_HEADER + "\n" + p + "I1,@C1,EUR,0e-999999999,2025-01-01,2025-02-01,OPEN\n";

        HttpResponse<String> response = post("invoices", "text/csv", file.replace("@", p));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json.readTree(response.body());
        assertThat(lines(body)).containsExactly(2L);
        assertThat(columns(body)).containsExactly("amount");
        assertThat(body.get("errors").get(0).get("message").asString())
                .contains("too many digits after the decimal point");
    }

    @Test
    void theCommandLineListsEveryBadLineAndFailsWithoutWriting() throws Exception {
        StringBuilder file = new StringBuilder(INVOICE_HEADER + "\n");
        for (int i = 1; i <= 9; i++) {
            String currency = i % 3 == 0 ? "XXX1" : "USD";
            file.append(p).append("I").append(i).append(",").append(p).append("C1,").append(currency)
                    .append(",1.00,2025-01-01,2025-01-31,OPEN\n");
        }
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,US,America/Chicago,USD,true\n");

        Run run = command("invoices", write("invoices.csv", file.toString()));

        assertThat(run.code()).isEqualTo(1);
        assertThat(run.output()).contains("rejected: the invoices file has 3 problem(s)", "nothing from it was imported")
                .contains("line 4, column currency: \"XXX1\" is not an ISO 4217 currency code")
                .contains("line 7, column currency").contains("line 10, column currency");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM invoices WHERE id LIKE ?").param(p + "%").query(Long.class)
                .single()).isZero();
    }

    @Test
    void theCommandLineImportsAGoodFileAndPrintsTheCounts() throws Exception {
        Path file = write("customers.csv", CUSTOMER_HEADER + "\n"
                + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n"
                + p + "C2,Bob,ENTERPRISE,US,America/New_York,USD,false\n");

        Run first = command("customers", file);
        Run again = command("customers", file);
        Run wrong = command("payments", file);

        assertThat(first.code()).isZero();
        assertThat(first.output()).contains("Imported 2 customers from " + file + ": 2 created, 0 updated");
        assertThat(again.output()).contains("0 created, 2 updated");
        assertThat(customers.find(p + "C2").orElseThrow().timeZone()).isEqualTo("America/New_York");
        assertThat(wrong.code()).isEqualTo(2);
        assertThat(wrong.output()).contains("usage: import customers|invoices <file.csv>");
    }

    @Test
    void lineNumbersCountTheLinesOfQuotedValuesThatSpanSeveral() throws Exception {
        String file = CUSTOMER_HEADER + "\r\n"
                + p + "C1,\"Ada\nLovelace\",CONSUMER,DE,Europe/Berlin,EUR,true\r\n"        // lines 2-3
                + "\n"                                                                     // 4: blank
                + p + "C2,\"Bob \"\"the\"\"\r\nBuilder\r\nLtd\",SMALL_BUSINESS,GB,Europe/London,GBP,maybe\r\n" // 5-7
                + p + "C3,Cy,CONSUMER,XX,Mars/Olympus,EUR,true\r\n";                       // 8

        HttpResponse<String> response = post("customers", "text/csv", file);

        JsonNode body = json.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(lines(body)).containsExactly(5L, 8L, 8L);
        assertThat(columns(body)).containsExactly("consentEmail", "country", "timeZone");
        assertThat(body.get("errors").get(0).get("message").asString()).isEqualTo("\"maybe\" is not true or false");
        assertThat(customers.find(p + "C1")).isEmpty();
    }

    @Test
    void importsTheContactDetailsWithTheCustomersSoThatMessagesCanBeDispatched() throws Exception {
        importCustomers("id,segment,country,timeZone,language,email,mobile,postalAddress\n"
                + p + "C1,CONSUMER,DE,Europe/Berlin,de,ada@example.com,+4915112345678,"
                + "\"Ada Lovelace, Musterstraße 1, 10115 Berlin\"\n"
                + p + "C2,CONSUMER,GB,Europe/London,,bob@example.com,,\n");

        assertThat(contactDetails.of(p + "C1")).isEqualTo(new ContactDetails("ada@example.com", "+4915112345678",
                "Ada Lovelace, Musterstraße 1, 10115 Berlin", null, null));
        assertThat(customers.find(p + "C1").orElseThrow().language()).isEqualTo("de");
        assertThat(contactDetails.of(p + "C2")).isEqualTo(new ContactDetails("bob@example.com", null, null, null,
                null));
        assertThat(customers.find(p + "C2").orElseThrow().language()).isEqualTo("en");

        // A file without contact columns (an older export, say) leaves the stored details as they are ...
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n");
        assertThat(contactDetails.of(p + "C1").email()).isEqualTo("ada@example.com");
        // ... while an empty cell under a contact column clears the detail, as an absent field in the API's PUT does.
        importCustomers("id,segment,country,timeZone,email,mobile\n"
                + p + "C1,CONSUMER,DE,Europe/Berlin,,+4915112345678\n");
        assertThat(contactDetails.of(p + "C1")).isEqualTo(new ContactDetails(null, "+4915112345678", null, null,
                null));
    }

    @Test
    void withdrawalsStayWhileTheFileGivesTheSameAddressOrNumber() throws Exception {
        String header = "id,segment,country,timeZone,email,mobile\n";
        importCustomers(header + p + "C1,CONSUMER,DE,Europe/Berlin,ada@example.com,+4915112345678\n");
        java.time.Instant at = java.time.Instant.parse("2025-03-11T15:00:00Z");
        assertThat(contactDetails.withdrawEmail(p + "C1", "ada@example.com", "hard bounce", at)).isTrue();
        assertThat(contactDetails.withdrawSms(p + "C1", "+4915112345678", "STOP reply", at)).isTrue();

        importCustomers(header + p + "C1,CONSUMER,DE,Europe/Berlin,ada@example.com,+4915112345678\n");
        assertThat(contactDetails.of(p + "C1")).isEqualTo(new ContactDetails("ada@example.com", "+4915112345678",
                null, at, "hard bounce", at, "STOP reply"));
        // A new number may be texted again; the address that bounced stays withdrawn.
        importCustomers(header + p + "C1,CONSUMER,DE,Europe/Berlin,ada@example.com,+4915199999999\n");
        assertThat(contactDetails.of(p + "C1")).isEqualTo(new ContactDetails("ada@example.com", "+4915199999999",
                null, at, "hard bounce", null, null));
    }

    @Test
    void aBadContactDetailIsARowProblemWithItsLineAndColumnAndNothingIsWritten() throws Exception {
        String file = "id,segment,country,timeZone,email,mobile,postalAddress\n"
                + p + "C1,CONSUMER,DE,Europe/Berlin,ada@example.com,+4915112345678,Somewhere 1\n"   // line 2
                + p + "C2,CONSUMER,DE,Europe/Berlin,ada.example.com,,\n"                            // 3: email
                + p + "C3,CONSUMER,DE,Europe/Berlin,,015112345678,\n"                               // 4: mobile
                + p + "C4,CONSUMER,DE,Europe/Berlin,,,\"Somewhere 1\u0007\"\n";                      // 5: control

        HttpResponse<String> response = post("customers", "text/csv", file);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json.readTree(response.body());
        assertThat(lines(body)).containsExactly(3L, 4L, 5L);
        assertThat(columns(body)).containsExactly("email", "mobile", "postalAddress");
        assertThat(body.get("errors").get(0).get("message").asString())
                .isEqualTo("\"ada.example.com\" is not an e-mail address such as ada@example.com");
        assertThat(body.get("errors").get(2).get("message").asString()).startsWith("holds a control character or "
                + "line break (U+0007) at character 12");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM customer_contact_details WHERE customer_id LIKE ?").param(p + "%")
                .query(Long.class).single()).isZero();
        assertThat(jdbc.sql("SELECT COUNT(*) FROM customers WHERE id LIKE ?").param(p + "%").query(Long.class)
                .single()).isZero();
    }

    @Test
    void aControlCharacterInAnIdIsARowProblemWithItsLineAndColumn() throws Exception {
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n");
        String file = INVOICE_HEADER + "\n"
                + p + "I1,@C1,EUR,10.00,2025-01-01,2025-02-01,OPEN\n"            // line 2
                + p + "I\u00012,@C1,EUR,20.00,2025-01-01,2025-02-01,OPEN\n"      // 3: id
                + p + "I3,@C1\u007f,EUR,30.00,2025-01-01,2025-02-01,OPEN\n";     // 4: customerId

        HttpResponse<String> response = post("invoices", "text/csv", file.replace("@", p));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json.readTree(response.body());
        assertThat(lines(body)).containsExactly(3L, 4L);
        assertThat(columns(body)).containsExactly("id", "customerId");
        assertThat(body.get("errors").get(0).get("message").asString()).isEqualTo("holds a control character "
                + "(U+0001) at character " + (p.length() + 2) + "; ids and codes are printable text, e.g. C-1001");
        assertThat(jdbc.sql("SELECT COUNT(*) FROM invoices WHERE id LIKE ?").param(p + "%").query(Long.class)
                .single()).isZero();
    }

    /**
     * Half a surrogate pair has no UTF-8 form; the bytes it would have (ED A0 80, as CESU-8 writes them) are not
     * UTF-8, so the file is refused at that line instead of the pair being read as replacement characters.
     */
    @Test
    void halfASurrogatePairIsRefusedWithItsLine() throws Exception {
        byte[] good = (CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n")
                .getBytes(StandardCharsets.UTF_8);
        byte[] bad = (p + "C2").getBytes(StandardCharsets.UTF_8);
        byte[] rest = ",Bob,CONSUMER,DE,Europe/Berlin,EUR,true\n".getBytes(StandardCharsets.UTF_8);
        var file = new ByteArrayOutputStream();
        file.writeBytes(good);
        file.writeBytes(bad);
        file.writeBytes(new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80}); // line 3
        file.writeBytes(rest);

        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                        + "/api/v1/import/customers")).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofByteArray(file.toByteArray())).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode body = json.readTree(response.body());
        assertThat(lines(body)).containsExactly(3L);
        assertThat(body.get("errors").get(0).get("message").asString()).startsWith("the file is not UTF-8 text");
        assertThat(customers.find(p + "C1")).isEmpty();
    }

    @Test
    void anUnknownColumnIsNamedAndNothingIsRead() throws Exception {
        HttpResponse<String> response = post("customers", "text/csv",
                "id,segmnt,country,timeZone\n" + p + "C1,CONSUMER,DE,Europe/Berlin\n");

        JsonNode body = json.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(lines(body)).containsExactly(1L, 1L);
        assertThat(body.get("errors").get(0).get("message").asString())
                .startsWith("unknown column \"segmnt\"; a customers file has the columns id, name, segment,");
        assertThat(body.get("errors").get(1).get("message").asString())
                .startsWith("the required column \"segment\" is missing");
        assertThat(customers.find(p + "C1")).isEmpty();
    }

    @Test
    void invoicesOfUnknownCustomersAndRepeatedIdsAreRejected() throws Exception {
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n");
        String file = INVOICE_HEADER + "\n"
                + p + "I1," + p + "C1,EUR,10.00,2025-01-01,2025-02-01,OPEN\n"
                + p + "I2," + p + "NOBODY,EUR,10.00,2025-01-01,2025-02-01,OPEN\n"
                + p + "I1," + p + "C1,EUR,11.00,2025-01-01,2025-02-01,OPEN\n";

        HttpResponse<String> response = post("invoices", "text/csv", file);

        JsonNode body = json.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(lines(body)).containsExactly(3L, 4L);
        assertThat(body.get("errors").get(0).get("message").asString()).isEqualTo("there is no customer \"" + p
                + "NOBODY\"; import the customer first (customers file) or correct the customer id");
        assertThat(body.get("errors").get(1).get("message").asString())
                .isEqualTo("the invoice id \"" + p + "I1\" already appears on line 2; each invoice may appear only "
                        + "once in a file");
        assertThat(invoices.find(p + "I1")).isEmpty();
    }

    @Test
    void updatesTheStoredStateForbidsAreConflicts() throws Exception {
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n"
                + p + "C2,Bea,CONSUMER,DE,Europe/Berlin,EUR,true\n");
        importInvoices(INVOICE_HEADER + "\n" + p + "I1," + p + "C1,EUR,100.00,2025-01-01,2025-02-01,OPEN\n");
        facts.recordPayment(p + "I1", new NewPayment(new BigDecimal("60.00"), "EUR", Instant.now(), null));

        HttpResponse<String> response = post("invoices", "text/csv", INVOICE_HEADER + "\n"
                + p + "I1," + p + "C2,USD,50.00,2025-01-01,2025-02-01,OPEN\n");

        JsonNode body = json.readTree(response.body());
        assertThat(response.statusCode()).isEqualTo(409);
        assertThat(columns(body)).containsExactly("customerId", "currency", "amount");
        assertThat(body.get("errors").get(2).get("message").asString())
                .isEqualTo("amount 50.00 is less than the 60.00 EUR already paid on invoice " + p + "I1");
        var stored = invoices.find(p + "I1").orElseThrow();
        assertThat(stored.customerId()).isEqualTo(p + "C1");
        assertThat(stored.invoice().amount()).isEqualByComparingTo("100.00");
    }

    @Test
    void reImportingAFileChangesNothingAndSettlesTheStatusFromPayments() throws Exception {
        importCustomers(CUSTOMER_HEADER + "\n" + p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n");
        String file = INVOICE_HEADER + ",number,paymentMethod\n"
                + p + "I1," + p + "C1,EUR,100.00,2025-01-01,2025-02-01,OPEN,N-1,CARD\n"
                + p + "I2," + p + "C1,EUR,0,2025-01-01,2025-02-01,OPEN,,\n"
                + p + "I3," + p + "C1,JPY,1500,2025-01-01,2025-02-01,DISPUTED,N-3,SEPA\n"
                + p + "I4," + p + "C1,EUR,10,2025-01-01,2025-01-01,OPEN,N-4,CARD\n";

        JsonNode first = json.readTree(post("invoices", "text/csv", file).body());
        facts.recordPayment(p + "I1", new NewPayment(new BigDecimal("30.00"), "EUR", Instant.now(), null));
        var before = invoices.ofCustomer(p + "C1");
        JsonNode second = json.readTree(multipart("invoices", "invoices.csv", file).body());

        assertThat(first.get("rows").asLong()).isEqualTo(4);
        assertThat(first.get("created").asLong()).isEqualTo(4);
        assertThat(second.get("created").asLong()).isZero();
        assertThat(second.get("updated").asLong()).isEqualTo(4);
        var after = invoices.ofCustomer(p + "C1");
        assertThat(after).extracting(s -> s.invoice()).isEqualTo(before.stream().map(s -> s.invoice()).toList());
        Map<String, String> status = Map.of(p + "I1", "PARTIALLY_PAID", p + "I2", "PAID", p + "I3", "DISPUTED",
                p + "I4", "OPEN");
        after.forEach(s -> assertThat(s.invoice().status().name()).isEqualTo(status.get(s.invoice().id())));
        assertThat(invoices.find(p + "I2").orElseThrow().invoice().number()).isEqualTo(p + "I2");
        assertThat(invoices.find(p + "I1").orElseThrow().invoice().amountPaid()).isEqualByComparingTo("30.00");
    }

    @Test
    void anUploadOverTheLimitIsRefusedWith413() throws Exception {
        String big = CUSTOMER_HEADER + "\n" + (p + "C1,Ada,CONSUMER,DE,Europe/Berlin,EUR,true\n").repeat(2000);

        HttpResponse<String> body = post("customers", "text/csv", big);
        HttpResponse<String> form = multipart("customers", "customers.csv", big);

        for (HttpResponse<String> response : List.of(body, form)) {
            assertThat(response.statusCode()).isEqualTo(413);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(json.readTree(response.body()).get("detail").asString())
                    .contains("limit of 64 KB (setting dunning.import.max-upload-size)");
        }
        assertThat(customers.find(p + "C1")).isEmpty();
    }

    // --- helpers

    record Run(int code, String output) {}

    Run command(String kind, Path file) throws Exception {
        Command command = commands.stream().filter(c -> c.name().equals("import")).findFirst().orElseThrow();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int code = command.run(List.of(kind, file.toString()));
            return new Run(code, captured.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(original);
        }
    }

    Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    void importCustomers(String csv) throws Exception {
        HttpResponse<String> response = post("customers", "text/csv", csv);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    void importInvoices(String csv) throws Exception {
        HttpResponse<String> response = post("invoices", "text/csv", csv.replace("@", p));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    HttpResponse<String> post(String kind, String type, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/v1/import/" + kind))
                .header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> multipart(String kind, String filename, String csv) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename
                + "\"\r\nContent-Type: text/csv\r\n\r\n" + csv + "\r\n--" + boundary + "--\r\n";
        return post(kind, "multipart/form-data; boundary=" + boundary, body);
    }

    static List<Long> lines(JsonNode problem) {
        return problem.get("errors").valueStream().map(e -> e.get("line").asLong()).toList();
    }

    static List<String> columns(JsonNode problem) {
        return problem.get("errors").valueStream().map(e -> e.get("column").asString()).toList();
    }
}
