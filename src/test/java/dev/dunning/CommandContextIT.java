package dev.dunning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dunning.dispatch.Dispatcher;
import dev.dunning.effectiveness.SummarySchedule;
import org.junit.jupiter.api.Test;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.scheduling.annotation.ScheduledAnnotationBeanPostProcessor;

/** A one-off command's application: the commands, the database, nothing that serves, schedules or sends. */
class CommandContextIT {

    @Test
    void aCommandStartsNoWebServerNoSchedulerAndNoDispatcher() {
        try (ConfigurableApplicationContext context = DunningApplication.commandContext("api-key").run()) {
            assertThat(context).isNotInstanceOf(WebServerApplicationContext.class);
            assertThat(context.getBeansOfType(ScheduledAnnotationBeanPostProcessor.class))
                    .as("nothing @Scheduled runs: no run worker, audit checkpoints, retention or scheduled runs")
                    .isEmpty();
            assertThat(context.getBean(Dispatcher.class).sendsOnItsOwn()).as("the dispatcher sends nothing").isFalse();
            assertThat(context.getBean(SummarySchedule.class).passesOnItsOwn()).as("no effectiveness passes")
                    .isFalse();
            assertThat(context.getBeansOfType(Command.class).values()).extracting(Command::name)
                    .containsExactlyInAnyOrderElementsOf(
                            CommandLine.COMMANDS.stream().map(CommandSyntax::name).toList());
        }
    }

    @Test
    void theServiceSchedulesItsWork() {
        try (ConfigurableApplicationContext context = new org.springframework.boot.builder.SpringApplicationBuilder(
                DunningApplication.class).web(org.springframework.boot.WebApplicationType.NONE)
                // Nothing that would work on other tests' rows of the shared test database: no dispatch, no run worker
                // (command-line settings: application.properties switches the dispatcher on, above defaults).
                .run("--dunning.database.demo-data=false", "--dunning.dispatch.scheduled=false",
                        "--dunning.runs.worker=false")) {
            assertThat(context.getBeansOfType(ScheduledAnnotationBeanPostProcessor.class)).hasSize(1);
        }
    }
}
