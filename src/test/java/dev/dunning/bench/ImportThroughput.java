package dev.dunning.bench;

import dev.dunning.DunningApplication;
import dev.dunning.database.TestDatabase;
import dev.dunning.imports.BulkImporter;
import dev.dunning.imports.ImportKind;
import dev.dunning.imports.ImportResult;
import java.io.BufferedWriter;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Bulk import throughput (docs/import.md, "Throughput"): for each size N given, generates N invoices over N/3
 * customers as CSV files, imports them into an empty database on the embedded MariaDB of the test setup (or the
 * server named by DUNNING_TEST_DB_URL), then imports the invoices file again (every row an update), and prints rows
 * per second for each step and the JVM's peak heap use.
 *
 * <pre>
 * MAVEN_OPTS=-Xmx512m ./mvnw -o -q test-compile exec:java -Dexec.classpathScope=test \
 *     -Dexec.mainClass=dev.dunning.bench.ImportThroughput -Dexec.args="100000 1000000"
 * </pre>
 */
public final class ImportThroughput {

    private static final String[][] PLACES = {
        {"DE", "Europe/Berlin", "EUR"}, {"US", "America/Chicago", "USD"}, {"GB", "Europe/London", "GBP"},
        {"JP", "Asia/Tokyo", "JPY"}, {"FR", "Europe/Paris", "EUR"}};
    private static final String[] SEGMENTS = {"CONSUMER", "SMALL_BUSINESS", "ENTERPRISE", "PUBLIC_SECTOR"};

    private ImportThroughput() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "import-throughput"));
        StringBuilder report = new StringBuilder(String.format(Locale.ROOT, "%n%-10s %-22s %12s %12s %14s%n",
                "invoices", "step", "rows", "seconds", "rows/s"));
        for (String arg : args.length == 0 ? new String[] {"100000"} : args) {
            int invoices = Integer.parseInt(arg.replace("_", ""));
            int customers = Math.max(1, invoices / 3);
            Path customerFile = customers(dir.resolve("customers-" + invoices + ".csv"), customers);
            Path invoiceFile = invoices(dir.resolve("invoices-" + invoices + ".csv"), invoices, customers);
            TestDatabase.Connection db = TestDatabase.freshDatabase("import_bench");
            try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                    .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                    // Arguments, not default properties: application.properties' empty spring.datasource.url would
                    // win over those and start the embedded default in ./data instead.
                    .run("--dunning.test.own-database=true", "--spring.datasource.url=" + db.url(),
                            "--spring.datasource.username=" + db.user(),
                            "--spring.datasource.password=" + db.password(), "--logging.level.root=WARN",
                            "--logging.level.dev.dunning.imports=DEBUG")) {
                BulkImporter importer = context.getBean(BulkImporter.class);
                line(report, invoices, "customers, new", importer.importFile(ImportKind.CUSTOMERS, customerFile));
                line(report, invoices, "invoices, new", importer.importFile(ImportKind.INVOICES, invoiceFile));
                line(report, invoices, "invoices, again", importer.importFile(ImportKind.INVOICES, invoiceFile));
            }
            Files.delete(customerFile);
            Files.delete(invoiceFile);
        }
        long peak = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
        report.append(String.format(Locale.ROOT, "peak heap use %d MB (max heap %d MB), %d processors%n",
                peak >> 20, Runtime.getRuntime().maxMemory() >> 20, Runtime.getRuntime().availableProcessors()));
        System.out.println(report);
        System.exit(0); // the embedded server's shutdown hook stops it
    }

    private static void line(StringBuilder report, int size, String step, ImportResult result) {
        double seconds = result.durationMillis() / 1000.0;
        report.append(String.format(Locale.ROOT, "%-10d %-22s %12d %12.1f %,14.0f%n", size, step, result.rows(),
                seconds, result.rows() / seconds));
        System.out.println(step + ": " + result);
    }

    private static Path customers(Path file, int count) throws IOException {
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("id,name,segment,country,timeZone,currency,riskScore,tenureMonths,consentEmail,consentSms,"
                    + "consentPhone,consentLetter,doNotContact,vulnerable,thirdPartyCollection\n");
            for (int i = 0; i < count; i++) {
                String[] place = PLACES[i % PLACES.length];
                out.write(String.format(Locale.ROOT, "C%08d,\"Customer %d, Ltd\",%s,%s,%s,%s,%d,%d,true,%s,true,true,"
                        + "false,%s,true%n", i, i, SEGMENTS[i % SEGMENTS.length], place[0], place[1], place[2],
                        i % 101, i % 240, i % 2 == 0, i % 50 == 0));
            }
        }
        return file;
    }

    private static Path invoices(Path file, int count, int customers) throws IOException {
        LocalDate base = LocalDate.of(2025, 1, 1);
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write("id,customerId,number,currency,amount,issueDate,dueDate,status,paymentMethod\n");
            for (int i = 0; i < count; i++) {
                int customer = i % customers;
                String currency = PLACES[customer % PLACES.length][2];
                String amount = currency.equals("JPY") ? String.valueOf(1000 + i % 90000)
                        : String.format(Locale.ROOT, "%d.%02d", 10 + i % 5000, i % 100);
                LocalDate issued = base.plusDays(i % 300);
                out.write(String.format(Locale.ROOT, "I%09d,C%08d,2025-%09d,%s,%s,%s,%s,%s,%s%n", i, customer, i,
                        currency, amount, issued, issued.plusDays(30), i % 10 == 0 ? "DISPUTED" : "OPEN",
                        i % 3 == 0 ? "SEPA" : "CARD"));
            }
        }
        return file;
    }
}
