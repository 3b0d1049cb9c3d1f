package dev.dunning.dispatch;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/**
 * Counters {@code dunning.dispatch.messages} with tags {@code outcome} (sent, failed, retried, dead, superseded) and
 * {@code channel} (the route: EMAIL, SMS, PHONE, LETTER or the instruction). A failed attempt counts as failed and
 * then as either retried or dead.
 */
@Component
class DispatchMetrics {

    static final String NAME = "dunning.dispatch.messages";

    private final MeterRegistry meters;

    DispatchMetrics(MeterRegistry meters) {
        this.meters = meters;
    }

    void sent(String route) {
        count("sent", route);
    }

    void retried(String route) {
        count("failed", route);
        count("retried", route);
    }

    void dead(String route) {
        count("failed", route);
        count("dead", route);
    }

    void superseded(String route) {
        count("superseded", route);
    }

    private void count(String outcome, String route) {
        Counter.builder(NAME).description("Outbox entries by what became of them, per channel")
                .tag("outcome", outcome).tag("channel", route).register(meters).increment();
    }
}
