package dev.dunning.demo;

import com.zaxxer.hikari.HikariDataSource;
import dev.dunning.Command;
import dev.dunning.CommandSyntax;
import dev.dunning.CommandSyntax.UsageException;
import dev.dunning.decision.DeclineCodes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.sql.DataSource;
import org.springframework.stereotype.Component;

/**
 * {@code generate --customers=N [--seed=42] [--as-of=2026-11-23] [--history-days=56]}: realistic customers for
 * benchmarks, into the configured database (the embedded default or your own server), over a connection of its own
 * that allows {@code LOAD DATA LOCAL INFILE}; the application's pool is left as it is. Past dunning decisions with
 * their messages, outcomes and payments follow ({@link History}), through the application: by default the last
 * {@value #DEFAULT_HISTORY_DAYS} days, so that a new user's effectiveness figures show something; when the audit log
 * already holds decisions of that period, a default history is left out with a notice (one asked for is refused).
 */
@Component
public final class GenerateCommand implements Command {

    /** Days of past decisions when {@code --history-days} is not given: eight weeks, so every weekly figure has some. */
    public static final int DEFAULT_HISTORY_DAYS = 56;

    public static final CommandSyntax SYNTAX = new CommandSyntax("generate",
            "generate --customers=N [--seed=42] [--as-of=YYYY-MM-DD] [--id-prefix=G-] [--history-days=56]   creates N "
                    + "realistic customers with invoices, payments, failures, contacts and holds (for benchmarks), "
                    + "and past decisions with their outcomes",
            """
            Creates realistic made-up customers in the configured database, for trying the service and for
            benchmarks. Their contact details are fake by construction (e-mail under example.invalid, mobile numbers
            in a range reserved for drama). Beside a running service on the same data folder it uses that service's
            embedded database.

              --customers=N        how many (required; 1_000_000 and 1,000,000 are read as one million)
              --seed=42            the same seed makes the same customers
              --as-of=YYYY-MM-DD   the day the invoices are aged to (default today)
              --id-prefix=G-       customer ids are this prefix and a number
              --history-days=56    past dunning decisions over this many days before --as-of: decisions, sent
                                   messages, their outcomes and payments, so that the effectiveness figures have
                                   something to show (0: none, customers and their rows only). Needs an audit log
                                   without decisions in that period or later (a fresh database); when the audit log
                                   has some and the option was not given, the history is left out with a notice

            Exit codes: 0 generated, 1 failed, 2 the command was used wrongly. More in docs/demo-data.md.
            """, args -> parse(args));

    /**
     * The checked arguments; {@code asOf} is null for today; {@code historyAsked} is whether {@code --history-days} was
     * given (a history asked for is refused when it cannot be written, the default one is left out).
     */
    record Arguments(int customers, long seed, LocalDate asOf, String prefix, int historyDays, boolean historyAsked) {}

    private final DataSource dataSource;
    private final DeclineCodes declineCodes;
    private final Clock clock;
    private final History history;

    GenerateCommand(DataSource dataSource, DeclineCodes declineCodes, Clock clock, History history) {
        this.dataSource = dataSource;
        this.declineCodes = declineCodes;
        this.clock = clock;
        this.history = history;
    }

    @Override
    public CommandSyntax syntax() {
        return SYNTAX;
    }

    static Arguments parse(List<String> args) throws UsageException {
        Integer customers = null;
        long seed = 42;
        LocalDate asOf = null;
        String prefix = "G-";
        int historyDays = DEFAULT_HISTORY_DAYS;
        boolean historyAsked = false;
        for (String arg : args) {
            String[] kv = arg.split("=", 2);
            String value = kv.length > 1 ? kv[1] : "";
            try {
                switch (kv[0]) {
                    case "--customers" -> customers = Integer.parseInt(value.replace("_", "").replace(",", ""));
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--as-of" -> asOf = LocalDate.parse(value);
                    case "--id-prefix" -> prefix = value;
                    case "--history-days" -> {
                        historyDays = Integer.parseInt(value);
                        historyAsked = true;
                    }
                    default -> throw new UsageException("\"" + arg + "\" is not an argument of generate");
                }
            } catch (NumberFormatException | DateTimeParseException e) {
                throw new UsageException(arg + " is not valid (" + e.getMessage() + ")");
            }
        }
        if (customers == null) {
            throw new UsageException("--customers=N is required");
        }
        try {
            new Generator.Options(customers, seed, LocalDate.EPOCH, prefix, historyDays); // its checks, on any day
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        return new Arguments(customers, seed, asOf, prefix, historyDays, historyAsked);
    }

    @Override
    public int run(List<String> args) throws Exception {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (UsageException e) {
            System.err.println("generate: " + e.getMessage() + "\nusage: " + usage());
            return 2;
        }
        long seed = arguments.seed();
        LocalDate asOf = arguments.asOf() != null ? arguments.asOf() : LocalDate.now(clock.withZone(ZoneOffset.UTC));
        Generator.Options options = new Generator.Options(arguments.customers(), seed, asOf, arguments.prefix(),
                arguments.historyDays());
        if (options.historyDays() > 0) {
            Optional<Instant> later = history.laterDecision(options);
            if (later.isPresent() && arguments.historyAsked()) {
                System.err.println("generate: " + History.refusal(options, later.get()));
                return 1;
            }
            if (later.isPresent()) {
                System.out.println("generate: no past decisions this time: the audit log already holds a decision "
                        + "recorded at " + later.get() + ", within the " + options.historyDays() + " days before "
                        + asOf + " that the history would fill, and its chain is in time order. The customers and "
                        + "their rows follow without them; generate into an empty database to have both.");
                options = new Generator.Options(arguments.customers(), seed, asOf, arguments.prefix(), 0);
            }
        }
        try (Connection connection = openWithLocalInfile()) {
            Generator.Result r = new Generator(declineCodes).generate(connection, options, System.out::println);
            System.out.println(String.format(Locale.ROOT,
                    "generated %,d customers, %,d invoices, %,d payments, %,d payment failures, %,d contacts, %,d holds "
                            + "(seed %d, as of %s) in %.1f s",
                    r.customers(), r.invoices(), r.payments(), r.failures(), r.contacts(), r.holds(), seed, asOf,
                    r.took().toMillis() / 1000.0));
        }
        if (options.historyDays() > 0) {
            History.Result h = history.write(options, System.out::println);
            System.out.println(String.format(Locale.ROOT,
                    "generated %,d past decisions over %d days, %,d messages sent, %,d complaints about them, %,d "
                            + "payments after them in %.1f s (%s)", h.decisions(), options.historyDays(), h.sent(),
                    h.complaints(), h.payments(),
                    h.took().toMillis() / 1000.0, h.phases().entrySet().stream().map(e -> String.format(Locale.ROOT,
                            "%s %.1f s", e.getKey(), e.getValue().toMillis() / 1000.0))
                            .collect(java.util.stream.Collectors.joining(", "))));
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
