package dev.dunning.web;

import dev.dunning.decision.Facts;
import dev.dunning.rules.DecisionEngine;
import jakarta.validation.Valid;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
class DecisionController {

    private final DecisionEngine engine;

    DecisionController(DecisionEngine engine) {
        this.engine = engine;
    }

    /** Decides the next step for inline facts. Evaluates only: nothing is stored or sent. */
    @PostMapping(path = "/evaluate", consumes = MediaType.APPLICATION_JSON_VALUE)
    DecisionResponse evaluate(@Valid @RequestBody Facts facts) {
        List<FieldProblem> problems = FactsChecks.check(facts);
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(problems);
        }
        DecisionEngine.Evaluation evaluation = engine.evaluate(facts);
        return DecisionResponse.of(evaluation.decision(), evaluation.ruleSetVersion());
    }
}
