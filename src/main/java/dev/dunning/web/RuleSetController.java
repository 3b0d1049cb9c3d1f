package dev.dunning.web;

import dev.dunning.decision.Catalogue;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleSet;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1")
class RuleSetController {

    record RuleSetView(String version, Instant loadedAt, int ruleCount, List<String> groups, List<RuleSet.File> files) {}

    private final ActiveRuleSet active;

    RuleSetController(ActiveRuleSet active) {
        this.active = active;
    }

    @GetMapping(path = "/rule-set", produces = MediaType.APPLICATION_JSON_VALUE)
    RuleSetView ruleSet() {
        RuleSet rs = active.get();
        return new RuleSetView(rs.version(), rs.loadedAt(), rs.ruleCount(), DecisionEngine.GROUPS, rs.files());
    }

    /** The DRL Drools compiled from a decision table sheet, for review; {@code table} is "file!sheet". */
    @GetMapping(path = "/rule-set/generated-drl", produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> generatedDrl(@RequestParam(required = false) String table) {
        Map<String, String> generated = active.get().generatedDrl();
        if (table == null) {
            return ResponseEntity.ok(String.join("\n", generated.keySet()) + "\n");
        }
        String drl = generated.get(table);
        if (drl == null) {
            throw new NotFoundException("no decision table sheet \"" + table + "\" in the active rule set; known: "
                    + String.join(", ", generated.keySet()));
        }
        return ResponseEntity.ok(drl);
    }

    /** Every code rule authors and callers may use. */
    @GetMapping(path = "/catalogue", produces = MediaType.APPLICATION_JSON_VALUE)
    Map<String, List<String>> catalogue() {
        return Catalogue.all();
    }
}
