package dev.dunning;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.Banner;
import org.springframework.boot.ExitCodeGenerator;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.CommandLinePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
public class DunningApplication {

    /**
     * Set for a one-off command: the command's name. Its context has no web server, no scheduled work (dispatcher,
     * run worker, audit checkpoints, retention, scheduled runs, effectiveness summaries) and no rule-set watcher, and it uses the embedded
     * database of a service running on the same data folder instead of starting one.
     */
    public static final String COMMAND_PROPERTY = "dunning.command";

    public static void main(String[] args) {
        CommandLine.Request request = CommandLine.read(args);
        if (request instanceof CommandLine.Answer answer) {
            CommandLine.print(answer, System.out, System.err);
            System.exit(answer.exitCode());
        } else if (request instanceof CommandLine.Execute execute) {
            System.exit(runCommand(execute.args()));
        } else {
            SpringApplication.run(DunningApplication.class, ((CommandLine.Serve) request).args());
        }
    }

    /** Runs {@code args[0]} as a command; options such as --spring.datasource.url=... apply to its context. */
    static int runCommand(String[] args) {
        String name = args[0];
        List<String> commandArgs = CommandLine.commandArguments(args);
        String[] settings = List.of(args).subList(1, args.length).stream().filter(CommandLine::isSetting)
                .toArray(String[]::new);
        try (ConfigurableApplicationContext context = commandContext(name).run(settings)) {
            Command command = context.getBeansOfType(Command.class).values().stream()
                    .filter(c -> c.name().equals(name))
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("no command named " + name));
            int code = command.run(commandArgs);
            SpringApplication.exit(context, (ExitCodeGenerator) () -> code);
            return code;
        } catch (Exception e) {
            System.err.println(name + " failed: " + rootMessage(e));
            return 1;
        }
    }

    /** The application as a one-off command runs it: no web server, nothing scheduled, nothing in the background. */
    static SpringApplicationBuilder commandContext(String name) {
        Map<String, Object> command = new LinkedHashMap<>();
        command.put(COMMAND_PROPERTY, name);
        command.put("dunning.scheduling", "false");
        command.put("dunning.dispatch.scheduled", "false");
        command.put("dunning.rule-sets.watch", "false");
        command.put("dunning.effectiveness.scheduled", "false");
        // A command works on the database as it finds it: no demo customers unless asked for explicitly, and no
        // activation of whatever rule set the directories of this machine hold.
        command.put("dunning.database.demo-data", "false");
        command.put("dunning.rule-sets.activate-on-start", "false");
        return new SpringApplicationBuilder(DunningApplication.class)
                .web(WebApplicationType.NONE)
                .bannerMode(Banner.Mode.OFF)
                .properties("logging.level.root=WARN", "logging.level.dev.dunning=INFO")
                // Above application.properties and the environment (which switch the service's work on), below the
                // command line's own --settings, which say what the user asked for explicitly.
                .initializers(context -> {
                    MutablePropertySources sources = context.getEnvironment().getPropertySources();
                    MapPropertySource forCommand = new MapPropertySource("one-off command", command);
                    if (sources.contains(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME)) {
                        sources.addAfter(CommandLinePropertySource.COMMAND_LINE_PROPERTY_SOURCE_NAME, forCommand);
                    } else {
                        sources.addFirst(forCommand);
                    }
                });
    }

    /** The innermost message: a failed start wraps the sentence that says what to do in several layers of beans. */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
        return message;
    }

    /** Scheduled work (dispatcher passes aside) runs in the service, never in a one-off command. */
    @Configuration(proxyBeanMethods = false)
    @EnableScheduling
    @ConditionalOnProperty(name = "dunning.scheduling", havingValue = "true", matchIfMissing = true)
    static class Scheduling {}
}
