package dev.dunning.security;

import dev.dunning.Command;
import java.io.PrintStream;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * {@code java -jar dunning-decision-service.jar api-key create|list|revoke ...}: API keys from the command line, into
 * the configured database; the way to make the first admin key for a service on your own database. Exits with 1
 * when the request was refused and 2 when the command was used wrongly.
 */
@Component
class ApiKeyCommand implements Command {

    static final int REFUSED = 1;
    static final int USAGE = 2;
    static final String BY = "command line";

    private final ApiKeys keys;

    ApiKeyCommand(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public String name() {
        return "api-key";
    }

    @Override
    public String usage() {
        return "api-key create <name> <ROLE[,ROLE...]> | api-key list | api-key revoke <id>   (docs/security.md)";
    }

    @Override
    public int run(List<String> args) {
        return run(args, System.out);
    }

    int run(List<String> args, PrintStream out) {
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
