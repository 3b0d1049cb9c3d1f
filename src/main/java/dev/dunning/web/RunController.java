package dev.dunning.web;

import dev.dunning.decision.Segment;
import dev.dunning.runs.RunRequest;
import dev.dunning.runs.RunStatus;
import dev.dunning.runs.Runs;
import dev.dunning.validation.CountryCode;
import dev.dunning.validation.CurrencyCode;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Dunning runs (docs/runs.md): start one, follow its progress, list past runs, stop and restart. */
@RestController
@RequestMapping(path = "/api/v1/runs", produces = MediaType.APPLICATION_JSON_VALUE)
class RunController {

    static final URI DISPATCH_UNAVAILABLE = URI.create("https://dunning.dev/problems/dispatch-unavailable");

    private final Runs runs;

    RunController(Runs runs) {
        this.runs = runs;
    }

    /**
     * What to run: decisions as of {@code asOf} for the customers with overdue invoices that match every filter given.
     *
     * @param mode {@code dry-run} (computed and counted only) or {@code live} (decisions recorded in the audit log)
     * @param dispatch send the decisions through the outbox; not available yet (422)
     */
    record StartRequest(
            @NotNull Instant asOf,
            @NotBlank @Pattern(regexp = "dry-run|live", message = "must be \"dry-run\" or \"live\"") String mode,
            Segment segment,
            @CountryCode String country,
            @CurrencyCode String currency,
            Boolean dispatch) {}

    /** Starts a run in the background: 202 with the run's first status and its address in Location. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> start(@Valid @RequestBody StartRequest request, Principal principal) {
        if (Boolean.TRUE.equals(request.dispatch())) {
            // The outbox is not built yet; refusing is honest, silently deciding without dispatching is not.
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
                    "dispatch: dispatch is not available yet; start the run without \"dispatch\" (or with false) and "
                            + "the decisions are recorded in the audit log only");
            problem.setType(DISPATCH_UNAVAILABLE);
            problem.setTitle("Dispatch is not available yet");
            problem.setProperty("errors", List.of(new FieldProblem("dispatch", "dispatch is not available yet")));
            return ResponseEntity.unprocessableContent().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        long id = runs.start(new RunRequest(request.asOf(), RunRequest.DRY_RUN.equals(request.mode()),
                request.segment(), request.country(), request.currency(), Principals.name(principal)));
        URI location = ServletUriComponentsBuilder.fromCurrentRequestUri().path("/{id}").buildAndExpand(id).toUri();
        return ResponseEntity.accepted().location(location).body(status(id));
    }

    @GetMapping("/{id}")
    RunStatus status(@PathVariable long id) {
        return runs.status(id).orElseThrow(() -> new NotFoundException(
                "No run with id " + id + "; GET /api/v1/runs lists the runs"));
    }

    /** The latest runs, newest first. */
    @GetMapping
    List<RunStatus> list(@RequestParam(defaultValue = "20") @Min(1) @Max(200) int limit) {
        return runs.list(limit);
    }

    /** Continues a failed or stopped run where it stopped; customers already decided are not decided again. */
    @PostMapping("/{id}/restart")
    ResponseEntity<?> restart(@PathVariable long id) {
        status(id);
        try {
            runs.restart(id);
        } catch (IllegalArgumentException e) {
            return conflict(e.getMessage());
        }
        return ResponseEntity.accepted().body(status(id));
    }

    /** Asks a running run to stop after the chunks in progress; it can be restarted later. */
    @PostMapping("/{id}/stop")
    ResponseEntity<?> stop(@PathVariable long id) {
        status(id);
        if (!runs.stop(id)) {
            return conflict("Run " + id + " is not running here, so it cannot be stopped; GET /api/v1/runs/" + id
                    + " shows its status");
        }
        return ResponseEntity.accepted().body(status(id));
    }

    private static ResponseEntity<ProblemDetail> conflict(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail);
        problem.setType(ProblemResponses.CONFLICT);
        problem.setTitle("Conflicts with the run's state");
        return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
