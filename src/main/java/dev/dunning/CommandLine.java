package dev.dunning;

import dev.dunning.demo.GenerateCommand;
import dev.dunning.imports.ImportCommand;
import dev.dunning.runs.RunCommand;
import dev.dunning.security.ApiKeyCommand;
import dev.dunning.security.UserCommand;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What the command line asks for, read before anything starts: the service, a command, or help. Help and a wrong
 * argument are answered from each command's {@link CommandSyntax} alone, at once, without the application or a
 * database.
 */
final class CommandLine {

    /** Every command, in the order the help lists them. */
    static final List<CommandSyntax> COMMANDS = List.of(ImportCommand.SYNTAX, GenerateCommand.SYNTAX,
            RunCommand.SYNTAX, ApiKeyCommand.SYNTAX, UserCommand.SYNTAX);

    static final int OK = 0;
    static final int USAGE = 2;

    private static final Set<String> HELP = Set.of("--help", "-h", "-help", "-?", "help");
    /** Inside a command's arguments only options ask for help: "help" could be a key's or a file's name. */
    private static final Set<String> COMMAND_HELP = Set.of("--help", "-h", "-?");

    /** What to do with the arguments. */
    sealed interface Request {}

    /** Start the web service with these arguments (Spring Boot's {@code --name=value} settings). */
    record Serve(String[] args) implements Request {}

    /** Run this command, whose arguments were checked. */
    record Execute(CommandSyntax syntax, String[] args) implements Request {}

    /** Print this and exit with this code; nothing starts. */
    record Answer(String text, int exitCode) implements Request {}

    private CommandLine() {}

    static Request read(String[] args) {
        if (args.length == 0) {
            return new Serve(args);
        }
        String first = args[0];
        if (HELP.contains(first)) {
            List<String> about = commandArguments(args);
            if (about.isEmpty()) {
                return new Answer(usage(), OK);
            }
            return find(about.get(0)).<Request>map(c -> new Answer(help(c), OK))
                    .orElseGet(() -> unknown(about.get(0)));
        }
        Optional<CommandSyntax> command = find(first);
        if (command.isPresent()) {
            CommandSyntax syntax = command.get();
            List<String> own = commandArguments(args);
            if (own.stream().anyMatch(COMMAND_HELP::contains)) {
                return new Answer(help(syntax), OK);
            }
            try {
                syntax.check().check(own);
            } catch (CommandSyntax.UsageException e) {
                return new Answer(syntax.name() + ": " + e.getMessage() + "\nusage: " + syntax.usage()
                        + "\n'" + syntax.name() + " --help' explains every argument.", USAGE);
            }
            return new Execute(syntax, args);
        }
        if (first.startsWith("--")) {
            return new Serve(args); // settings for the service, e.g. --server.port=8081
        }
        return unknown(first);
    }

    /** The arguments after the command's name that are the command's own, not settings for the application. */
    static List<String> commandArguments(String[] args) {
        return List.of(args).subList(1, args.length).stream().filter(a -> !isSetting(a)).toList();
    }

    /** {@code --spring.*} and {@code --dunning.*} settings apply to the application, whatever the command. */
    static boolean isSetting(String arg) {
        return arg.startsWith("--spring.") || arg.startsWith("--dunning.") || arg.startsWith("--logging.");
    }

    static void print(Answer answer, PrintStream out, PrintStream err) {
        (answer.exitCode() == OK ? out : err).println(answer.text());
    }

    private static Optional<CommandSyntax> find(String name) {
        return COMMANDS.stream().filter(c -> c.name().equals(name)).findFirst();
    }

    private static Answer unknown(String word) {
        return new Answer("\"" + word + "\" is not a command of this service. The commands are "
                + String.join(", ", COMMANDS.stream().map(CommandSyntax::name).toList())
                + "; '--help' lists them with their arguments.", USAGE);
    }

    static String usage() {
        StringBuilder b = new StringBuilder("""
                Dunning decision service

                usage: java -jar dunning-decision-service.jar [--setting=value ...]
                         starts the service (web API on port 8080; the embedded database unless
                         spring.datasource.url or DUNNING_DB_URL names your own), e.g. --server.port=8081
                       java -jar dunning-decision-service.jar <command> [arguments] [--setting=value ...]
                         runs one command and exits; beside a running service on the same data folder a
                         command uses that service's embedded database

                commands:
                """);
        for (CommandSyntax c : COMMANDS) {
            b.append("  ").append(c.usage()).append('\n');
        }
        return b.append("""

                'help <command>' or '<command> --help' explains a command's arguments. Settings are listed in
                README.md and docs/; the commonest: --dunning.database.data-dir=data (the embedded database's
                folder), --spring.datasource.url=jdbc:mariadb://host/dunning (your own server).""").toString();
    }

    static String help(CommandSyntax c) {
        return "usage: java -jar dunning-decision-service.jar " + c.usage() + "\n\n" + c.help().strip();
    }
}
