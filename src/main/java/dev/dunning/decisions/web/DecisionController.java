package dev.dunning.decisions.web;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.dunning.decision.Facts;
import dev.dunning.decisions.DecisionResponse;
import dev.dunning.decisions.DecisionService;
import dev.dunning.dispatch.web.OutboxController;
import dev.dunning.validation.Identifier;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.Principals;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import java.security.Principal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping(path = "/api/v1/decisions", produces = MediaType.APPLICATION_JSON_VALUE)
class DecisionController {

    private final DecisionService decisions;
    private final Validator validator;

    DecisionController(DecisionService decisions, Validator validator) {
        this.decisions = decisions;
        this.validator = validator;
    }

    /** Which customer to decide for, as of when (now if absent), and whether to send what was decided. */
    record DecideRequest(@NotBlank @Size(max = 64) @Identifier(key = true) String customerId, Instant asOf, Boolean dispatch) {}

    /** The decision with what became of it in the outbox (docs/dispatch.md). */
    record DispatchedDecision(@JsonUnwrapped DecisionResponse decision, OutboxController.EntryView dispatch) {}

    /**
     * Decides the next step for a stored customer and keeps the decision; the answer carries its decisionId. With
     * {@code "dispatch": true} the decision is also put in the outbox (the answer's {@code dispatch} shows the entry,
     * null when the decision sends nothing).
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    Object decide(@Valid @RequestBody DecideRequest request, Principal principal) {
        if (Boolean.TRUE.equals(request.dispatch())) {
            var dispatched = decisions.decideAndDispatch(request.customerId(), request.asOf(),
                    Principals.name(principal));
            return new DispatchedDecision(dispatched.decision(),
                    dispatched.entry().map(OutboxController.EntryView::of).orElse(null));
        }
        return decisions.decide(request.customerId(), request.asOf(), Principals.name(principal));
    }

    /**
     * Decides the next step for inline facts. Nothing is sent and no facts are stored; the audit log records it. The
     * answer is the decision's JSON as the audit log chained it (mapped once, not again for the answer).
     */
    @PostMapping(path = "/evaluate", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ApiResponse(responseCode = "200", description = "The decision, as recorded in the audit log",
            content = @Content(mediaType = MediaType.APPLICATION_JSON_VALUE,
                    schema = @Schema(implementation = DecisionResponse.class)))
    ResponseEntity<String> evaluate(@RequestBody Facts facts, Principal principal) {
        // Field constraints and cross-field checks together, so the caller sees every problem at once.
        List<FieldProblem> problems = new ArrayList<>();
        validator.validate(facts).forEach(v -> problems.add(new FieldProblem(v.getPropertyPath().toString(), v.getMessage())));
        problems.addAll(FactsChecks.check(facts));
        if (!problems.isEmpty()) {
            problems.sort(Comparator.comparing(FieldProblem::field));
            throw new InvalidRequestException(problems);
        }
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON)
                .body(decisions.evaluateRecorded(facts, Principals.name(principal)).json());
    }
}
