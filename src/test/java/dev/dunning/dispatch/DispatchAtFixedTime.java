package dev.dunning.dispatch;

import dev.dunning.facts.Contacts;
import dev.dunning.facts.CustomerContactDetails;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.springframework.context.ApplicationContext;

/**
 * The application's DispatchService, with its own beans, but with a clock that stands still: two ways of enqueueing the
 * same decisions then write rows that can be compared column by column, times included.
 */
public final class DispatchAtFixedTime {

    private DispatchAtFixedTime() {}

    public static DispatchService of(ApplicationContext context, Instant now) {
        return new DispatchService(context.getBean(Outbox.class), context.getBean(Contacts.class),
                context.getBean(CustomerContactDetails.class), context.getBean(MessageFacts.Loader.class),
                context.getBean(EmailChannel.class), context.getBean(WebhookChannel.class),
                context.getBean(DispatchProperties.class), context.getBean(DispatchMetrics.class),
                Clock.fixed(now, ZoneOffset.UTC));
    }
}
