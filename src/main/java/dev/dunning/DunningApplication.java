package dev.dunning;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.springframework.boot.Banner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
public class DunningApplication {

    /** First arguments that select a {@link Command} instead of starting the web service. */
    static final Set<String> COMMANDS = Set.of("import", "generate", "api-key", "run");

    public static void main(String[] args) {
        if (args.length > 0 && COMMANDS.contains(args[0])) {
            System.exit(runCommand(args));
        }
        SpringApplication.run(DunningApplication.class, args);
    }

    /** Runs {@code args[0]} as a command without a web server; options such as --spring.datasource.url=... apply. */
    static int runCommand(String[] args) {
        String name = args[0];
        List<String> rest = Arrays.asList(args).subList(1, args.length);
        String[] springArgs = rest.stream().filter(a -> a.startsWith("--spring.") || a.startsWith("--dunning."))
                .toArray(String[]::new);
        List<String> commandArgs = rest.stream().filter(a -> !a.startsWith("--spring.") && !a.startsWith("--dunning."))
                .toList();
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                // A command works on the database as it finds it: no demo customers unless asked for explicitly,
                // and no activation of whatever rule set the directories of this machine hold.
                .properties("logging.level.root=WARN", "logging.level.dev.dunning=INFO",
                        "dunning.database.demo-data=false", "dunning.rule-sets.activate-on-start=false")
                .run(springArgs)) {
            Command command = context.getBeansOfType(Command.class).values().stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no command named " + name));
            int code = command.run(commandArgs);
            SpringApplication.exit(context, (ExitCodeGenerator) () -> code);
            return code;
        } catch (Exception e) {
            System.err.println(name + " failed: " + e.getMessage());
            return 1;
        }
    }
}
