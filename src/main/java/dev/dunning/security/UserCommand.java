package dev.dunning.security;

import dev.dunning.Command;
import dev.dunning.CommandSyntax;
import dev.dunning.CommandSyntax.UsageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar dunning-decision-service.jar user add|list|disable|password ...}: the people who sign in to the
 * console, from the command line, into the configured database. A password is read from standard input with
 * {@code --password-stdin} (one line, never an argument, which other users of the machine could see) or generated and
 * printed this once. Exits with 1 when the request was refused and 2 when the command was used wrongly.
 */
@Component
public final class UserCommand implements Command {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final String BY = "command line";
    static final String STDIN = "--password-stdin";

    public static final CommandSyntax SYNTAX = new CommandSyntax("user",
            "user add <name> --role ROLE[,ROLE...] [" + STDIN + "] | user list | user disable <name> | "
                    + "user password <name> [" + STDIN + "]   people who sign in to the console (docs/console.md)",
            """
            The people who sign in to the console (/console), in the configured database. Beside a running service on
            the same data folder it uses that service's embedded database.

              add <name> --role ROLE[,ROLE...]   a new person with these roles
              list                               every person: roles, last sign-in, state
              disable <name>                     the person can no longer sign in
              password <name>                    a new password; a lockout is lifted
              %s                   read the password from the first line of standard input
                                                 (never an argument, which others could see); without
                                                 it a password is generated and shown this once

            Roles: %s.
            Exit codes: 0 done, 1 refused (name taken, no such person), 2 the command was used wrongly.
            More in docs/console.md.
            """.formatted(STDIN, String.join(", ", java.util.Arrays.stream(Role.values()).map(Role::name).toList())),
            UserCommand::check);

    private final ConsoleUsers users;

    UserCommand(ConsoleUsers users) {
        this.users = users;
    }

    @Override
    public CommandSyntax syntax() {
        return SYNTAX;
    }

    /** What can be told from the arguments alone: the verb, their number and shape, the roles' names. */
    static void check(List<String> arguments) throws UsageException {
        List<String> args = new ArrayList<>(arguments);
        boolean fromStdin = args.remove(STDIN);
        String verb = args.isEmpty() ? "" : args.get(0);
        switch (verb) {
            case "add" -> {
                if (args.size() != 4 || !args.get(2).equals("--role")) {
                    throw new UsageException("add needs a name and --role with the roles, e.g. user add maria "
                            + "--role CREDIT_CONTROLLER");
                }
                try {
                    Role.parse(args.get(3));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }
            case "list" -> {
                if (args.size() != 1 || fromStdin) {
                    throw new UsageException("list takes no arguments");
                }
            }
            case "disable" -> {
                if (args.size() != 2 || fromStdin) {
                    throw new UsageException("disable needs the person's name, and nothing else");
                }
            }
            case "password" -> {
                if (args.size() != 2) {
                    throw new UsageException("password needs the person's name");
                }
            }
            case "" -> throw new UsageException("say what to do: add, list, disable or password");
            default -> throw new UsageException("\"" + verb + "\" is not something user does; give add, list, "
                    + "disable or password");
        }
    }

    @Override
    public int run(List<String> args) throws IOException {
        return run(args, new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)), System.out);
    }

    int run(List<String> arguments, BufferedReader in, PrintStream out) throws IOException {
        try {
            check(arguments);
        } catch (UsageException e) {
            out.println("user: " + e.getMessage() + "\nusage: " + usage());
            return USAGE;
        }
        List<String> args = new ArrayList<>(arguments);
        boolean fromStdin = args.remove(STDIN);
        String verb = args.isEmpty() ? "" : args.get(0);
        try {
            switch (verb) {
                case "add" -> {
                    if (args.size() != 4 || !args.get(2).equals("--role")) {
                        break;
                    }
                    Set<Role> roles = Role.parse(args.get(3));
                    String password = fromStdin ? readPassword(in) : ConsoleUsers.generatePassword();
                    ConsoleUsers.User user = users.create(args.get(1), roles, password, BY);
                    out.println("Created \"" + user.name() + "\" with roles " + Role.names(user.roles()) + ".");
                    printGenerated(fromStdin, password, out);
                    return 0;
                }
                case "list" -> {
                    if (args.size() != 1 || fromStdin) {
                        break;
                    }
                    out.printf("%-30s %-45s %-28s %s%n", "name", "roles", "last sign-in", "state");
                    for (ConsoleUsers.User u : users.list()) {
                        out.printf("%-30s %-45s %-28s %s%n", u.name(), Role.names(u.roles()),
                                u.lastLoginAt() == null ? "never" : u.lastLoginAt(),
                                !u.enabled() ? "disabled " + u.disabledAt() + " by " + u.disabledBy()
                                        : u.lockedUntil() != null ? "locked until " + u.lockedUntil() : "active");
                    }
                    return 0;
                }
                case "disable" -> {
                    if (args.size() != 2 || fromStdin) {
                        break;
                    }
                    return users.disable(args.get(1), BY).map(u -> {
                        out.println("\"" + u.name() + "\" is disabled since " + u.disabledAt());
                        return 0;
                    }).orElseGet(() -> unknown(args.get(1), out));
                }
                case "password" -> {
                    if (args.size() != 2) {
                        break;
                    }
                    String password = fromStdin ? readPassword(in) : ConsoleUsers.generatePassword();
                    if (users.setPassword(args.get(1), password).isEmpty()) {
                        return unknown(args.get(1), out);
                    }
                    out.println("\"" + args.get(1) + "\" has a new password; a lockout is lifted.");
                    printGenerated(fromStdin, password, out);
                    return 0;
                }
                default -> {
                    // usage below
                }
            }
        } catch (IllegalArgumentException | ConsoleUsers.NameTakenException refused) {
            out.println("user: " + refused.getMessage());
            return REFUSED;
        }
        out.println("usage: " + usage());
        return USAGE;
    }

    private static String readPassword(BufferedReader in) throws IOException {
        String line = in.readLine();
        if (line == null) {
            throw new IllegalArgumentException("standard input is empty; give the password as its first line, e.g. "
                    + "`printf '%s\\n' \"$PASSWORD\" | java -jar ... user add ...`, or leave out " + STDIN
                    + " to have one generated");
        }
        return line;
    }

    private static void printGenerated(boolean fromStdin, String password, PrintStream out) {
        if (!fromStdin) {
            out.println("The password, shown this once (the person can sign in at /console/login):");
            out.println(password);
        }
    }

    private static int unknown(String name, PrintStream out) {
        out.println("user: there is no person named \"" + name + "\"; 'user list' shows them");
        return REFUSED;
    }
}
