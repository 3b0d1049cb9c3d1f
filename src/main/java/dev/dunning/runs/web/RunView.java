package dev.dunning.runs.web;

import dev.dunning.runs.RunStatus;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/**
 * A run as its console page shows it: the status, how far it is in percent, what may be done with it, and its report
 * as tables (largest count first) with the chart's data beside them.
 *
 * @param counts per dimension of the report (actions, channels, rules, ...), value -> count, largest first
 * @param chart the actions' counts as the chart script reads them: {"labels": [...], "values": [...]}
 */
record RunView(RunStatus status, int percent, boolean running, boolean restartable,
        Map<String, Map<String, Long>> counts, String chart) {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    static RunView of(RunStatus s) {
        long total = s.progress().total();
        long done = s.progress().done();
        int percent = total == 0 ? (s.finished() ? 100 : 0) : (int) Math.min(100, done * 100 / total);
        boolean running = !s.finished();
        Map<String, Map<String, Long>> counts = new LinkedHashMap<>();
        counts.put("actions", largestFirst(s.summary().actions()));
        counts.put("channels", largestFirst(s.summary().channels()));
        counts.put("rules", largestFirst(s.summary().rules()));
        counts.put("tones", largestFirst(s.summary().tones()));
        counts.put("holds", largestFirst(s.summary().holds()));
        if (s.dispatch()) {
            counts.put("outbox", largestFirst(s.summary().enqueuedByRoute()));
        }
        Map<String, Long> actions = counts.get("actions");
        String chart = JSON.writeValueAsString(Map.of("labels", List.copyOf(actions.keySet()),
                "values", List.copyOf(actions.values())));
        return new RunView(s, percent, running, !running && !s.status().equals("completed"), counts, chart);
    }

    private static Map<String, Long> largestFirst(Map<String, Long> counts) {
        Map<String, Long> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }
}
