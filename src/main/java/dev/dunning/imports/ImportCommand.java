package dev.dunning.imports;

import dev.dunning.Command;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar dunning-decision-service.jar import customers|invoices file.csv}: the HTTP import from the command
 * line, into the configured database. Prints a summary, or every listed problem; exits with 1 when the file was
 * rejected and 2 when the command was used wrongly.
 */
@Component
class ImportCommand implements Command {

    static final int REJECTED = 1;
    static final int USAGE = 2;

    private final BulkImporter importer;

    ImportCommand(BulkImporter importer) {
        this.importer = importer;
    }

    @Override
    public String name() {
        return "import";
    }

    @Override
    public String usage() {
        return "import customers|invoices <file.csv>   import a CSV file whole or not at all (docs/import.md)";
    }

    @Override
    public int run(List<String> args) {
        return run(args, System.out);
    }

    int run(List<String> args, PrintStream out) {
        Optional<ImportKind> kind = args.size() == 2 ? ImportKind.of(args.get(0)) : Optional.empty();
        if (kind.isEmpty()) {
            out.println("usage: " + usage());
            return USAGE;
        }
        Path file = Path.of(args.get(1));
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            out.println("import: cannot read the file " + file.toAbsolutePath() + "; check the path");
            return USAGE;
        }
        try {
            out.println(importer.importFile(kind.get(), file).describe(file.toString()));
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
