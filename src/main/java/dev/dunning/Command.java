package dev.dunning;

import java.util.List;

/**
 * A command-line form of the service: {@code java -jar dunning-decision-service.jar <name> [args]} runs the command
 * with the full application context but no web server, prints to standard output, and exits with the returned code.
 * A bean implementing this is all a new command needs.
 */
public interface Command {

    /** The first command-line argument that selects this command, e.g. {@code import}. */
    String name();

    /** One line for the usage text. */
    String usage();

    /** Runs with the arguments after the name; returns the process exit code (0 for success). */
    int run(List<String> args) throws Exception;
}
