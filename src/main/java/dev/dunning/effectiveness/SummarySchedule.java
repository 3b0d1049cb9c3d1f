package dev.dunning.effectiveness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Runs the summary job every {@code dunning.effectiveness.interval} (when {@code scheduled}) and then refreshes the
 * headline gauges {@code dunning.effectiveness.rate} (tag {@code rate}: payment, delivery, reply, bounce, complaint)
 * over the default time range, so that a Prometheus scrape reads a number instead of querying the database.
 */
@Component
public class SummarySchedule implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SummarySchedule.class);

    static final String GAUGE = "dunning.effectiveness.rate";

    private final Summaries summaries;
    private final Figures figures;
    private final EffectivenessProperties properties;
    private final Clock clock;
    private final AtomicReference<Figures.Row> headline = new AtomicReference<>();
    private ScheduledExecutorService scheduler;
    private volatile boolean running;

    SummarySchedule(Summaries summaries, Figures figures, EffectivenessProperties properties, Clock clock,
            MeterRegistry meters) {
        this.summaries = summaries;
        this.figures = figures;
        this.properties = properties;
        this.clock = clock;
        gauge(meters, "payment", r -> Figures.rate(r.paid(), r.decisions()));
        gauge(meters, "delivery", r -> r.deliveryRate());
        gauge(meters, "reply", r -> Figures.rate(r.replied(), r.sent()));
        gauge(meters, "bounce", r -> r.bounceRate());
        gauge(meters, "complaint", r -> r.complaintRate());
    }

    private void gauge(MeterRegistry meters, String rate, java.util.function.Function<Figures.Row, Double> of) {
        Gauge.builder(GAUGE, headline, h -> {
                    Figures.Row row = h.get();
                    Double value = row == null ? null : of.apply(row);
                    return value == null ? Double.NaN : value;
                })
                .description("Share of the decisions of the default time range: paid (of decisions), delivered, "
                        + "replied, bounced and complained about (of messages sent); docs/effectiveness.md")
                .tag("rate", rate).register(meters);
    }

    /** Brings the summaries up to date and recomputes the gauges; what the schedule runs. */
    public void refresh() {
        summaries.scheduledPass();
        refreshGauges();
    }

    /** Recomputes the gauges from the summaries as they are. */
    public void refreshGauges() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        headline.set(figures.report(new Figures.Filter(today.minusDays(properties.defaultRangeDays() - 1L), today,
                null, null, null), Figures.Cut.NONE).total());
    }

    @Override
    public void start() {
        running = true;
        if (properties.scheduled()) {
            scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "effectiveness-summaries");
                t.setDaemon(true);
                return t;
            });
            long millis = properties.interval().toMillis();
            scheduler.scheduleWithFixedDelay(this::scheduled, Math.min(millis, 5_000), millis, TimeUnit.MILLISECONDS);
        }
    }

    private void scheduled() {
        try {
            refresh();
        } catch (RuntimeException e) {
            // The next pass resumes from the last committed batch; a database outage must not end the schedule.
            log.error("Effectiveness summary pass failed", e);
        }
    }

    @Override
    public void stop() {
        if (scheduler != null) {
            scheduler.shutdown();
        }
        running = false;
    }

    /** Whether passes run on their own schedule ({@code dunning.effectiveness.scheduled}); else only when called. */
    public boolean passesOnItsOwn() {
        ScheduledExecutorService s = scheduler;
        return running && s != null && !s.isShutdown();
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
