package dev.dunning.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.dunning.Command;
import dev.dunning.decision.DeclineCodes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * {@code generate --customers=N [--seed=42] [--as-of=2026-11-23]}: realistic customers for benchmarks, into the
 * configured database (the embedded default or your own server), over a connection of its own that allows
 * {@code LOAD DATA LOCAL INFILE}; the application's pool is left as it is.
 */
@Component
class GenerateCommand implements Command {

    private final DataSource dataSource;
    private final DeclineCodes declineCodes;
    private final Clock clock;

    GenerateCommand(DataSource dataSource, DeclineCodes declineCodes, Clock clock) {
        this.dataSource = dataSource;
        this.declineCodes = declineCodes;
        this.clock = clock;
    }

    @Override
    public String name() {
        return "generate";
    }

    @Override
    public String usage() {
        return "generate --customers=N [--seed=42] [--as-of=YYYY-MM-DD] [--id-prefix=G-]   creates N realistic "
                + "customers with invoices, payments, failures, contacts and holds (for benchmarks)";
    }

    @Override
    public int run(List<String> args) throws Exception {
        Integer customers = null;
        long seed = 42;
        LocalDate asOf = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        String prefix = "G-";
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            String value = kv.length > 1 ? kv[1] : "";
            try {
                switch (kv[0]) {
                    case "--customers" -> customers = Integer.parseInt(value.replace("_", "").replace(",", ""));
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--as-of" -> asOf = LocalDate.parse(value);
                    case "--id-prefix" -> prefix = value;
                    default -> {
                        System.err.println("generate: unknown argument \"" + arg + "\"; usage: " + usage());
                        return 2;
                    }
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                System.err.println("generate: " + arg + " is not valid (" + e.getMessage() + "); usage: " + usage());
                return 2;
            }
        }
        if (customers == null) {
            System.err.println("generate: --customers=N is required; usage: " + usage());
            return 2;
        }
        Generator.Options options = new Generator.Options(customers, seed, asOf, prefix);
        try (Connection connection = openWithLocalInfile()) {
            Generator.Result r = new Generator(declineCodes).generate(connection, options, System.out::println);
            System.out.println(String.format(Locale.ROOT,
                    "generated %,d customers, %,d invoices, %,d payments, %,d payment failures, %,d contacts, %,d holds "
                            + "(seed %d, as of %s) in %.1f s",
                    r.customers(), r.invoices(), r.payments(), r.failures(), r.contacts(), r.holds(), seed, asOf,
                    r.took().toMillis() / 1000.0));
        }
        return 0;
    }

    /** A connection of its own: LOAD DATA LOCAL needs allowLocalInfile=true, which the pool does not need. */
    Connection openWithLocalInfile() throws Exception {
        if (dataSource instanceof HikariDataSource hikari) {
            return DriverManager.getConnection(Generator.withLocalInfile(hikari.getJdbcUrl()), hikari.getUsername(),
                    hikari.getPassword());
        }
        throw new IllegalStateException("generate needs a HikariCP DataSource (Spring Boot's default) to learn the "
                + "database URL; found " + dataSource.getClass().getName());
    }
}
