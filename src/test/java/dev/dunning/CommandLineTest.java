package dev.dunning;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What the command line asks for is decided from the arguments alone, before anything starts. */
class CommandLineTest {

    @Test
    void noArgumentsOrOnlySettingsStartTheService() {
        assertThat(CommandLine.read(new String[0])).isInstanceOf(CommandLine.Serve.class);
        assertThat(CommandLine.read(new String[] {"--server.port=8081", "--dunning.database.data-dir=x"}))
                .isInstanceOfSatisfying(CommandLine.Serve.class,
                        s -> assertThat(s.args()).containsExactly("--server.port=8081", "--dunning.database.data-dir=x"));
    }

    @Test
    void helpListsEveryCommandWithItsUsage() {
        for (String ask : List.of("--help", "-h", "help")) {
            CommandLine.Answer answer = answer(ask);
            assertThat(answer.exitCode()).isZero();
            CommandLine.COMMANDS.forEach(c -> assertThat(answer.text()).contains(c.usage()));
        }
    }

    @Test
    void everyCommandHasItsOwnHelpBothWays() {
        for (CommandSyntax c : CommandLine.COMMANDS) {
            CommandLine.Answer asked = answer(c.name(), "--help");
            assertThat(asked.exitCode()).isZero();
            assertThat(asked.text()).startsWith("usage: java -jar dunning-decision-service.jar " + c.usage())
                    .contains("Exit codes");
            assertThat(answer("help", c.name())).isEqualTo(asked);
        }
        assertThat(answer("import", "customers", "x.csv", "-h").text()).contains("customers <file.csv>, columns");
        assertThat(answer("--help", "--dunning.database.data-dir=x").text()).contains("commands:");
        assertThat(answer("help", "--dunning.database.data-dir=x", "run").text()).contains("--restart=ID");
    }

    @Test
    void anUnknownCommandIsNamedAndTheCommandsListed() {
        CommandLine.Answer answer = answer("imprt", "invoices", "a.csv");
        assertThat(answer.exitCode()).isEqualTo(CommandLine.USAGE);
        assertThat(answer.text()).contains("\"imprt\" is not a command of this service",
                "import, generate, run, api-key, user");
        assertThat(answer("help", "nothing").exitCode()).isEqualTo(CommandLine.USAGE);
    }

    @Test
    void wrongArgumentsAreReportedWithASentenceAndTheUsage() {
        assertWrong(new String[] {"run", "--as-of=2026-02-30"}, "run: --as-of=2026-02-30 is not valid");
        assertWrong(new String[] {"run", "--mode=live"}, "run: --as-of is required");
        assertWrong(new String[] {"run", "--as-of=2026-11-23", "--dispatch"}, "--dispatch needs --mode=live");
        assertWrong(new String[] {"run", "--sgement=SMB"}, "\"--sgement=SMB\" is not an argument of run");
        assertWrong(new String[] {"generate"}, "generate: --customers=N is required");
        assertWrong(new String[] {"generate", "--customers=0"}, "--customers must be at least 1, not 0");
        assertWrong(new String[] {"generate", "--customers=ten"}, "--customers=ten is not valid");
        assertWrong(new String[] {"import", "payments", "p.csv"}, "\"payments\" is not something to import");
        assertWrong(new String[] {"import", "invoices", "/no/such/file.csv"}, "cannot read the file /no/such/file.csv");
        assertWrong(new String[] {"import", "invoices"}, "give what to import");
        assertWrong(new String[] {"api-key"}, "say what to do: create, list or revoke");
        assertWrong(new String[] {"api-key", "create", "ops", "ROOT"}, "ROOT");
        assertWrong(new String[] {"api-key", "revoke", "seven"}, "revoke needs the key's id");
        assertWrong(new String[] {"api-key", "list", "--all"}, "list takes no arguments");
        assertWrong(new String[] {"user", "add", "maria", "CREDIT_CONTROLLER"}, "add needs a name and --role");
        assertWrong(new String[] {"user", "add", "maria", "--role", "BOSS"}, "BOSS");
        assertWrong(new String[] {"user", "remove", "maria"}, "\"remove\" is not something user does");
    }

    @Test
    void aCommandGetsItsArgumentsAndTheApplicationItsSettings() {
        String[] args = {"api-key", "list", "--dunning.database.data-dir=/srv/dunning", "--spring.datasource.url=x"};
        assertThat(CommandLine.read(args)).isInstanceOfSatisfying(CommandLine.Execute.class,
                e -> assertThat(e.syntax().name()).isEqualTo("api-key"));
        assertThat(CommandLine.commandArguments(args)).containsExactly("list");
    }

    private static void assertWrong(String[] args, String sentence) {
        CommandLine.Answer answer = answer(args);
        assertThat(answer.exitCode()).as(String.join(" ", args)).isEqualTo(CommandLine.USAGE);
        assertThat(answer.text()).as(String.join(" ", args)).contains(sentence, "usage: " + args[0]);
    }

    private static CommandLine.Answer answer(String... args) {
        CommandLine.Request request = CommandLine.read(args);
        assertThat(request).as(String.join(" ", args)).isInstanceOf(CommandLine.Answer.class);
        return (CommandLine.Answer) request;
    }
}
