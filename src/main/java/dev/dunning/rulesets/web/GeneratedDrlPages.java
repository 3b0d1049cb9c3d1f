package dev.dunning.rulesets.web;

import dev.dunning.rules.RuleOrigin;
import dev.dunning.rules.RuleSet;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ResponseStatusException;

/**
 * The DRL a decision table generates, for a developer's review: the same text as the API's
 * {@code GET /api/v1/rule-sets/{v}/tables/{name}/drl}, cut into its rules, each named with the table row it comes from
 * ({@code ?row=15} marks that row's rule).
 */
@ConsolePage
class GeneratedDrlPages {

    /** The DRL of one sheet: what precedes the rules (package, imports), then each rule. */
    record Sheet(String table, String head, List<Rule> rules) {}

    /** One generated rule and the sheet row it comes from (null when Drools did not say). */
    record Rule(String name, Integer row, String text, boolean marked) {}

    private static final Pattern PACKAGE = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)");
    private static final Pattern RULE = Pattern.compile("^\\s*rule\\s+\"([^\"]+)\"");

    private final RuleSetLifecycle lifecycle;

    GeneratedDrlPages(RuleSetLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    @GetMapping("/console/rule-sets/{version}/tables/{name}/drl")
    String drl(@PathVariable String version, @PathVariable String name, @RequestParam(required = false) Integer row,
            Model model) {
        RuleSetVersions.Stored stored = RuleSetComparePages.found(() -> lifecycle.find(version));
        RuleSet compiled;
        Map<String, String> generated;
        try {
            compiled = lifecycle.compiled(stored.version());
            generated = lifecycle.generatedDrl(stored.version(), name);
        } catch (CandidateRejectedException rejected) {
            throw new ResponseStatusException(HttpStatus.CONFLICT, "rule-set version "
                    + stored.version().substring(0, 12) + " was rejected at the " + rejected.stoppedAt()
                    + " gate, so it generates no rules; its page lists what to correct");
        }
        if (generated.isEmpty()) {
            throw new NotFoundException("no decision table \"" + name + "\" in rule-set version "
                    + stored.version().substring(0, 12) + "; its tables are "
                    + String.join(", ", lifecycle.generatedTables(stored.version())));
        }
        List<Sheet> sheets = new ArrayList<>();
        generated.forEach((table, text) -> sheets.add(sheet(table, text, compiled, row)));
        model.addAttribute("stored", stored);
        model.addAttribute("name", name);
        model.addAttribute("row", row);
        model.addAttribute("sheets", sheets);
        return "rulesets/drl";
    }

    private static Sheet sheet(String table, String text, RuleSet compiled, Integer row) {
        Matcher pkg = PACKAGE.matcher(text);
        String packageName = pkg.find() ? pkg.group(1) : "";
        StringBuilder head = new StringBuilder();
        List<Rule> rules = new ArrayList<>();
        StringBuilder current = null;
        String currentName = null;
        for (String line : text.split("\n", -1)) {
            Matcher rule = RULE.matcher(line);
            if (current == null && rule.find()) {
                current = new StringBuilder();
                currentName = rule.group(1);
            }
            if (current == null) {
                head.append(line).append('\n');
                continue;
            }
            current.append(line).append('\n');
            if (line.strip().equals("end")) {
                RuleOrigin origin = compiled.origin(packageName, currentName);
                Integer from = origin == null ? null : origin.row();
                rules.add(new Rule(currentName, from, current.toString(), row != null && row.equals(from)));
                current = null;
            }
        }
        if (current != null) {
            head.append(current);
        }
        return new Sheet(table, head.toString().strip(), rules);
    }
}
