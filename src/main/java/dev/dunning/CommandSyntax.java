package dev.dunning;

import java.util.List;

/**
 * How a {@link Command} is called, known without starting anything: its name, a one-line usage, a longer help text,
 * and a check of its arguments. The command line prints help and reports a wrong argument from this alone, before the
 * application or a database starts.
 *
 * @param name the first command-line argument that selects the command, e.g. {@code import}
 * @param usage one line: the command's arguments and what it does
 * @param help the arguments one by one, exit codes, and where to read more
 * @param check throws {@link UsageException} with a sentence when the arguments cannot be right
 */
public record CommandSyntax(String name, String usage, String help, Check check) {

    /** Checks a command's arguments (those after its name) before anything starts. */
    @FunctionalInterface
    public interface Check {
        void check(List<String> args) throws UsageException;
    }

    /** The arguments cannot be right; the message says why in a sentence, without the usage line. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
