package dev.dunning.imports;

import dev.dunning.Command;
import dev.dunning.CommandSyntax;
import dev.dunning.CommandSyntax.UsageException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar dunning-decision-service.jar import customers|invoices file.csv}: the HTTP import from the command
 * line, into the configured database. Prints a summary, or every listed problem; exits with 1 when the file was
 * rejected and 2 when the command was used wrongly.
 */
@Component
public final class ImportCommand implements Command {

    static final int REJECTED = 1;
    static final int USAGE = 2;

    public static final CommandSyntax SYNTAX = new CommandSyntax("import",
            "import customers|invoices <file.csv>   import a CSV file whole or not at all (docs/import.md)",
            help(), args -> parse(args));

    /** The checked arguments: what to import, from which readable file. */
    record Arguments(ImportKind kind, Path file) {}

    private final BulkImporter importer;

    ImportCommand(BulkImporter importer) {
        this.importer = importer;
    }

    private static String help() {
        StringBuilder b = new StringBuilder("""
                Imports a CSV file of customers or invoices into the configured database, whole or not at all: with
                one problem in the file, nothing of it is stored. Beside a running service on the same data folder it
                uses that service's embedded database.
                """);
        for (ImportKind kind : ImportKind.values()) {
            b.append("\n  ").append(kind.plural()).append(" <file.csv>, columns (* required):\n");
            for (CsvColumns.Column column : kind.columns()) {
                b.append(String.format(java.util.Locale.ROOT, "    %-22s %s%n",
                        column.name() + (column.required() ? " *" : ""), column.format()));
            }
        }
        return b.append("""

                Exit codes: 0 imported, 1 the file was rejected (every problem is listed), 2 the command was used
                wrongly. More in docs/import.md.
                """).toString();
    }

    @Override
    public CommandSyntax syntax() {
        return SYNTAX;
    }

    static Arguments parse(List<String> args) throws UsageException {
        if (args.size() != 2) {
            throw new UsageException("give what to import (customers or invoices) and the file, e.g. "
                    + "import invoices invoices.csv");
        }
        ImportKind kind = ImportKind.of(args.get(0)).orElseThrow(() -> new UsageException("\"" + args.get(0)
                + "\" is not something to import; give customers or invoices"));
        Path file = Path.of(args.get(1));
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new UsageException("cannot read the file " + file.toAbsolutePath() + "; check the path");
        }
        return new Arguments(kind, file);
    }

    @Override
    public int run(List<String> args) {
        return run(args, System.out);
    }

    int run(List<String> args, PrintStream out) {
        Arguments arguments;
        try {
            arguments = parse(args);
        } catch (UsageException e) {
            out.println("import: " + e.getMessage() + "\nusage: " + usage());
            return USAGE;
        }
        Path file = arguments.file();
        try {
            out.println(importer.importFile(arguments.kind(), file).describe(file.toString()));
            return 0;
        } catch (ImportRejectedException rejected) {
            out.println(file + " rejected: " + rejected.getMessage() + ".");
            rejected.problems().forEach(p -> out.println("  " + p.describe()));
            long unlisted = rejected.problemCount() - rejected.problems().size();
            if (unlisted > 0) {
                out.println("  ... and " + unlisted + " more problem(s)");
            }
            return REJECTED;
        }
    }
}
