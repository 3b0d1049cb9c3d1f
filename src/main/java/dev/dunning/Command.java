package dev.dunning;

import java.util.List;

/**
 * A command-line form of the service: {@code java -jar dunning-decision-service.jar <name> [args]} runs the command
 * with the application context but no web server, dispatcher or scheduler, prints to standard output, and exits with
 * the returned code. A bean implementing this, and its {@link CommandSyntax} listed in {@link CommandLine}, is all a
 * new command needs.
 */
public interface Command {

    /** How the command is called: the same constant {@link CommandLine} reads before anything starts. */
    CommandSyntax syntax();

    /** The first command-line argument that selects this command, e.g. {@code import}. */
    default String name() {
        return syntax().name();
    }

    /** One line for the usage text. */
    default String usage() {
        return syntax().usage();
    }

    /** Runs with the arguments after the name; returns the process exit code (0 for success). */
    int run(List<String> args) throws Exception;
}
