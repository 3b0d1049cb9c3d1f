package dev.dunning.rulesets.web;

import dev.dunning.rules.RuleSetDiff;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.rulesets.UnknownVersionException;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Compare any two versions: only what changed, as the API's diff has it ({@link RuleSetLifecycle#diff}): each table as
 * a grid of its changed, added and removed rows with every changed cell old and new, and DRL and scenario files as a
 * unified diff.
 */
@ConsolePage
class RuleSetComparePages {

    /** A file of the diff with its unified diff cut into lines (text files) to show. */
    record ComparedFile(RuleSetDiff.FileDiff diff, UnifiedDiff text) {}

    private final RuleSetLifecycle lifecycle;

    RuleSetComparePages(RuleSetLifecycle lifecycle) {
        this.lifecycle = lifecycle;
    }

    /** The history's compare form: two versions chosen, then the page of their differences. */
    @GetMapping("/console/rule-sets/compare")
    String choose(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        List<FieldProblem> problems = new ArrayList<>();
        if (from == null || from.isBlank()) {
            problems.add(new FieldProblem("from", "choose the older version to compare"));
        }
        if (to == null || to.isBlank()) {
            problems.add(new FieldProblem("to", "choose the newer version to compare"));
        }
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        return "redirect:" + UriComponentsBuilder.fromPath("/console/rule-sets/{a}/compare/{b}")
                .buildAndExpand(from.strip(), to.strip()).encode().toUriString();
    }

    @GetMapping("/console/rule-sets/{a}/compare/{b}")
    String compare(@PathVariable String a, @PathVariable String b, Model model) {
        RuleSetVersions.Stored from = found(() -> lifecycle.find(a));
        RuleSetVersions.Stored to = found(() -> lifecycle.find(b));
        RuleSetDiff.Result diff = found(() -> lifecycle.diff(from.version(), to.version()));
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("serving", lifecycle.serving().version());
        model.addAttribute("files", diff.files().stream()
                .map(f -> new ComparedFile(f, UnifiedDiff.of(f.unifiedDiff()))).toList());
        model.addAttribute("versions", lifecycle.list());
        return "rulesets/compare";
    }

    static <T> T found(Supplier<T> lookup) {
        try {
            return lookup.get();
        } catch (UnknownVersionException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
    }
}
