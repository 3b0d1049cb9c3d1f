package dev.dunning.rulesets.web;

import dev.dunning.rulesets.RuleSetSimulation;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A background simulation as the console shows it: its progress, and when done the action before/after matrix, the
 * decision mix before and after (the chart's numbers, also shown as a table) and a page of changed customers. Laid out
 * from the API's job ({@link RuleSetSimulation#job}); decides nothing.
 */
record SimulationView(RuleSetSimulation.Job job, int percent, boolean running, List<String> actions,
        List<MatrixRow> matrix, List<Mix> mix, String chartLabels, String chartBefore, String chartAfter,
        boolean hasPrevious, boolean hasNext) {

    /** One row of the matrix: decided {@code from} by the version in force, and how many got each action after. */
    record MatrixRow(String from, List<Long> to, long total) {}

    /** How many customers got an action before and after. */
    record Mix(String action, long before, long after) {}

    static SimulationView of(RuleSetSimulation.Job job) {
        boolean done = "DONE".equals(job.status());
        boolean running = "QUEUED".equals(job.status()) || "RUNNING".equals(job.status());
        int percent = done ? 100 : job.total() == 0 ? 0 : (int) Math.min(99, job.done() * 100 / job.total());
        RuleSetSimulation.Result result = job.result();
        if (result == null) {
            return new SimulationView(job, percent, running, List.of(), List.of(), List.of(), "", "", "", false,
                    false);
        }
        TreeSet<String> actions = new TreeSet<>();
        Map<String, Map<String, Long>> counts = new TreeMap<>();
        Map<String, long[]> mix = new TreeMap<>();
        for (RuleSetSimulation.Transition t : result.actions()) {
            actions.add(t.from());
            actions.add(t.to());
            counts.computeIfAbsent(t.from(), k -> new TreeMap<>()).merge(t.to(), t.count(), Long::sum);
            mix.computeIfAbsent(t.from(), k -> new long[2])[0] += t.count();
            mix.computeIfAbsent(t.to(), k -> new long[2])[1] += t.count();
        }
        List<MatrixRow> matrix = counts.entrySet().stream().map(row -> new MatrixRow(row.getKey(),
                actions.stream().map(to -> row.getValue().getOrDefault(to, 0L)).toList(),
                row.getValue().values().stream().mapToLong(Long::longValue).sum())).toList();
        List<Mix> mixes = mix.entrySet().stream().map(e -> new Mix(e.getKey(), e.getValue()[0], e.getValue()[1]))
                .toList();
        long kept = Math.min(result.changed(), RuleSetSimulation.KEPT_CHANGES);
        return new SimulationView(job, percent, running, List.copyOf(actions), matrix, mixes,
                String.join("|", mixes.stream().map(Mix::action).toList()),
                String.join("|", mixes.stream().map(m -> Long.toString(m.before())).toList()),
                String.join("|", mixes.stream().map(m -> Long.toString(m.after())).toList()),
                result.page() > 0, (long) (result.page() + 1) * result.size() < kept);
    }
}
