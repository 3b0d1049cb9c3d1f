package dev.dunning.rulesets.web;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A unified diff (as RuleSetDiff writes it for DRL and scenario files) cut into lines to show: each with its kind and
 * its numbers in the older and the newer file, so that the page marks an added or removed line by a sign and a word,
 * not by colour alone.
 */
record UnifiedDiff(List<Line> lines) {

    /**
     * One line: {@code kind} is {@code header} (the file names), {@code hunk} (an @@ line), {@code added},
     * {@code removed} or {@code same}; {@code before}/{@code after} its line numbers, null where it has none.
     */
    record Line(String kind, Integer before, Integer after, String text) {}

    private static final Pattern HUNK = Pattern.compile("@@ -(\\d+)(?:,\\d+)? \\+(\\d+)(?:,\\d+)? @@.*");

    static UnifiedDiff of(String unified) {
        List<Line> lines = new ArrayList<>();
        if (unified == null) {
            return new UnifiedDiff(lines);
        }
        int before = 0;
        int after = 0;
        for (String line : unified.split("\n", -1)) {
            Matcher hunk = HUNK.matcher(line);
            if (line.startsWith("--- ") || line.startsWith("+++ ")) {
                lines.add(new Line("header", null, null, line));
            } else if (hunk.matches()) {
                before = Integer.parseInt(hunk.group(1));
                after = Integer.parseInt(hunk.group(2));
                lines.add(new Line("hunk", null, null, line));
            } else if (line.startsWith("+")) {
                lines.add(new Line("added", null, after++, line.substring(1)));
            } else if (line.startsWith("-")) {
                lines.add(new Line("removed", before++, null, line.substring(1)));
            } else if (line.startsWith(" ")) {
                lines.add(new Line("same", before++, after++, line.substring(1)));
            }
        }
        return new UnifiedDiff(lines);
    }
}
