package dev.dunning.security;

import dev.dunning.Command;
import dev.dunning.CommandSyntax;
import dev.dunning.CommandSyntax.UsageException;
import java.io.PrintStream;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar dunning-decision-service.jar api-key create|list|revoke ...}: API keys from the command line, into
 * the configured database; the way to make the first admin key for a service on your own database. Exits with 1
 * when the request was refused and 2 when the command was used wrongly.
 */
@Component
public final class ApiKeyCommand implements Command {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final String BY = "command line";

    public static final CommandSyntax SYNTAX = new CommandSyntax("api-key",
            "api-key create <name> <ROLE[,ROLE...]> | api-key list | api-key revoke <id>   (docs/security.md)",
            """
            API keys in the configured database; the way to make the first admin key for a service on your own
            database. Beside a running service on the same data folder it uses that service's embedded database.

              create <name> <ROLE[,ROLE...]>   a new key with these roles; the key is shown this once
              list                            every key: id, name, prefix, roles, last use, revocation
              revoke <id>                     the key stops working at once (ids from list)

            Roles: %s.
            Exit codes: 0 done, 1 refused (name taken, no such key), 2 the command was used wrongly.
            More in docs/security.md.
            """.formatted(String.join(", ", java.util.Arrays.stream(Role.values()).map(Role::name).toList())),
            ApiKeyCommand::check);

    /** What can be told from the arguments alone: the verb, their number, the roles' names, the id's form. */
    static void check(List<String> args) throws UsageException {
        String verb = args.isEmpty() ? "" : args.get(0);
        switch (verb) {
            case "create" -> {
                if (args.size() != 3) {
                    throw new UsageException("create needs a name and the roles, e.g. api-key create billing-eu "
                            + "BILLING_SYSTEM");
                }
                try {
                    Role.parse(args.get(2));
                } catch (IllegalArgumentException e) {
                    throw new UsageException(e.getMessage());
                }
            }
            case "list" -> {
                if (args.size() != 1) {
                    throw new UsageException("list takes no arguments");
                }
            }
            case "revoke" -> {
                if (args.size() != 2 || !args.get(1).matches("\\d{1,18}")) {
                    throw new UsageException("revoke needs the key's id, a number from api-key list");
                }
            }
            case "" -> throw new UsageException("say what to do: create, list or revoke");
            default -> throw new UsageException("\"" + verb + "\" is not something api-key does; give create, list "
                    + "or revoke");
        }
    }

    private final ApiKeys keys;

    ApiKeyCommand(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public CommandSyntax syntax() {
        return SYNTAX;
    }

    @Override
    public int run(List<String> args) {
        return run(args, System.out);
    }

    int run(List<String> args, PrintStream out) {
        try {
            check(args);
        } catch (UsageException e) {
            out.println("api-key: " + e.getMessage() + "\nusage: " + usage());
            return USAGE;
        }
        String verb = args.isEmpty() ? "" : args.get(0);
        try {
            switch (verb) {
                case "create" -> {
                    if (args.size() != 3) {
                        break;
                    }
                    ApiKeys.CreatedKey created = keys.create(args.get(1), Role.parse(args.get(2)), BY);
                    out.println("Created API key " + created.stored().id() + " \"" + created.stored().name()
                            + "\" with roles " + Role.names(created.stored().roles()) + ". The key, shown this once:");
                    out.println(created.key());
                    return 0;
                }
                case "list" -> {
                    if (args.size() != 1) {
                        break;
                    }
                    out.printf("%-6s %-30s %-10s %-45s %-28s %s%n", "id", "name", "prefix", "roles", "last used",
                            "revoked");
                    for (ApiKeys.StoredKey k : keys.list()) {
                        out.printf("%-6d %-30s %-10s %-45s %-28s %s%n", k.id(), k.name(), k.prefix(),
                                Role.names(k.roles()), k.lastUsedAt() == null ? "never" : k.lastUsedAt(),
                                k.revokedAt() == null ? "" : k.revokedAt() + " by " + k.revokedBy());
                    }
                    return 0;
                }
                case "revoke" -> {
                    if (args.size() != 2 || !args.get(1).matches("\\d{1,18}")) {
                        break;
                    }
                    long id = Long.parseLong(args.get(1));
                    return keys.revoke(id, BY).map(k -> {
                        out.println("API key " + k.id() + " \"" + k.name() + "\" is revoked since " + k.revokedAt());
                        return 0;
                    }).orElseGet(() -> {
                        out.println("api-key: there is no key with id " + id + "; 'api-key list' shows them");
                        return REFUSED;
                    });
                }
                default -> {
                    // usage below
                }
            }
        } catch (IllegalArgumentException | ApiKeys.NameTakenException refused) {
            out.println("api-key: " + refused.getMessage());
            return REFUSED;
        }
        out.println("usage: " + usage());
        return USAGE;
    }
}
