package dev.dunning.effectiveness.web;

import dev.dunning.effectiveness.Deliverability;
import dev.dunning.effectiveness.Figures;
import dev.dunning.effectiveness.Receivables;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.web.util.UriComponentsBuilder;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the effectiveness page shows, read from the services' reports: nothing is counted here. The timeline's periods
 * carry the activations that fell in them (for the mark on the chart and the column of the table), and the chart's
 * data is the payment rate per period in percent, as the script reads it.
 *
 * @param exportQuery the filters as a query string, for the CSV links
 */
record EffectivenessView(Figures.Report figures, Figures.Timeline timeline, List<Period> periods, String chart,
        Receivables.Report receivables, Deliverability.Report deliverability, String exportQuery) {

    /** The cuts the page offers, as the API names them ({@code by=}); the first is none (the total only). */
    static final List<String> CUTS = List.of("", "ruleSetVersion", "policy", "action", "template", "channel", "tone",
            "segment", "language", "currency");

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** The bars of periods in which a version was activated stand out in this colour (the others: the accent). */
    static final String MARKED = "#b35900";
    static final String PLAIN = "#0b5cad";

    /** A period of the timeline with the versions activated in it. */
    record Period(LocalDate start, Figures.Row figures, List<Figures.Activation> activations) {}

    static EffectivenessView of(Figures.Report report, Figures.Timeline timeline, Receivables.Report receivables,
            Deliverability.Report deliverability, EffectivenessPages.FilterForm form) {
        boolean monthly = "month".equals(timeline.interval());
        Map<LocalDate, List<Figures.Activation>> byPeriod = new LinkedHashMap<>();
        for (Figures.Activation a : timeline.activations()) {
            LocalDate day = LocalDate.ofInstant(a.at(), ZoneOffset.UTC);
            LocalDate start = monthly ? day.withDayOfMonth(1)
                    : day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
            byPeriod.computeIfAbsent(start, k -> new ArrayList<>()).add(a);
        }
        List<Period> periods = timeline.periods().stream()
                .map(p -> new Period(p.start(), p.figures(), byPeriod.getOrDefault(p.start(), List.of()))).toList();
        Map<String, Object> chart = new LinkedHashMap<>();
        chart.put("labels", periods.stream().map(p -> p.start() + (p.activations().isEmpty() ? "" : " ▲")).toList());
        chart.put("values", periods.stream().map(p -> p.figures().paymentRate() == null ? 0.0
                : Math.round(p.figures().paymentRate() * 1000) / 10.0).toList());
        chart.put("colors", periods.stream().map(p -> p.activations().isEmpty() ? PLAIN : MARKED).toList());
        UriComponentsBuilder query = UriComponentsBuilder.newInstance();
        add(query, "from", report.from().toString());
        add(query, "to", report.to().toString());
        add(query, "ruleSetVersion", form.versionOrNull());
        add(query, "segment", form.segmentOrNull());
        add(query, "currency", form.currencyOrNull());
        add(query, "by", form.byOrNull());
        add(query, "interval", form.intervalOrWeek());
        add(query, "asOf", receivables.asOf().toString());
        return new EffectivenessView(report, timeline, periods, JSON.writeValueAsString(chart), receivables,
                deliverability, query.build().encode().getQuery());
    }

    private static void add(UriComponentsBuilder query, String name, String value) {
        if (value != null) {
            query.queryParam(name, value);
        }
    }

    /** A rate (0 to 1) in percent with one decimal, or a dash where it has no denominator. */
    public String percent(Double rate) {
        return rate == null ? "–" : String.format(Locale.ROOT, "%.1f %%", rate * 100);
    }

    /** Recovered amounts, one per currency (never added together), e.g. {@code EUR 400.00 (4)}. */
    public String recovered(List<Figures.Recovered> recovered) {
        return recovered.isEmpty() ? "–" : recovered.stream()
                .map(r -> r.currency() + " " + r.amount().toPlainString() + " (" + r.payments() + ")")
                .collect(Collectors.joining("; "));
    }

    /** Days with one decimal, or a dash. */
    public String days(Double days) {
        return days == null ? "–" : String.format(Locale.ROOT, "%.1f", days);
    }

    /** The versions activated in a period, short. */
    public String activations(List<Figures.Activation> activations) {
        return activations.stream().map(a -> a.version().substring(0, Math.min(12, a.version().length())) + " ("
                + a.by() + ")").collect(Collectors.joining(", "));
    }
}
