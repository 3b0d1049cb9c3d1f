package dev.dunning.runs.web;

import dev.dunning.decision.Segment;
import dev.dunning.runs.RunRequest;
import dev.dunning.runs.RunStatus;
import dev.dunning.runs.Runs;
import dev.dunning.validation.CountryCode;
import dev.dunning.validation.CurrencyCode;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import dev.dunning.web.ProblemResponses;
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

    /** Why dispatch with a dry run is refused; the console's start form says the same. */
    static final String DISPATCH_NEEDS_LIVE = "a dry run dispatches nothing; use \"mode\": \"live\" to dispatch, "
            + "or leave \"dispatch\" out (or false) for a dry run";

    private final Runs runs;

    RunController(Runs runs) {
        this.runs = runs;
    }

    /**
     * What to run: decisions as of {@code asOf} for the customers with overdue invoices that match every filter given.
     *
     * @param mode {@code dry-run} (computed and counted only) or {@code live} (decisions recorded in the audit log)
     * @param dispatch live runs only: {@code true} also gives each decision that sends something its outbox entry,
     *     committed with its audit record, so the dispatcher sends it (docs/runs.md, "Dispatching runs"); a customer
     *     is dispatched at most once per run, also across restarts. A decision whose entry cannot be written is refused
     *     whole and reported among the run's failed customers. {@code true} with {@code dry-run} is a 422. Default
     *     false
     */
    record StartRequest(
            @NotNull Instant asOf,
            @NotBlank @Pattern(regexp = "dry-run|live", message = "must be \"dry-run\" or \"live\"") String mode,
            Segment segment,
            @CountryCode String country,
            @CurrencyCode String currency,
            Boolean dispatch) {}

    /**
     * Starts a run in the background: 202 with the run's first status and its address in Location. A live run with
     * {@code "dispatch": true} is a dispatching run.
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> start(@Valid @RequestBody StartRequest request, Principal principal) {
        boolean dryRun = RunRequest.DRY_RUN.equals(request.mode());
        boolean dispatch = Boolean.TRUE.equals(request.dispatch());
        if (dryRun && dispatch) {
            // Each field is valid alone, the two together ask for something that cannot be: 422, not 400.
            String message = DISPATCH_NEEDS_LIVE;
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT,
                    "dispatch: " + message);
            problem.setType(ProblemResponses.INVALID);
            problem.setTitle("Dispatch needs a live run");
            problem.setProperty("errors", List.of(new FieldProblem("dispatch", message)));
            return ResponseEntity.unprocessableContent().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        long id = runs.start(new RunRequest(request.asOf(), dryRun, request.segment(), request.country(),
                request.currency(), Principals.name(principal), dispatch));
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
            return conflict(notRunningHere(id));
        }
        return ResponseEntity.accepted().body(status(id));
    }

    /** Why a run cannot be stopped: it is not running on this instance. */
    static String notRunningHere(long id) {
        return "Run " + id + " is not running here, so it cannot be stopped; GET /api/v1/runs/" + id
                + " shows its status";
    }

    private static ResponseEntity<ProblemDetail> conflict(String detail) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, detail);
        problem.setType(ProblemResponses.CONFLICT);
        problem.setTitle("Conflicts with the run's state");
        return ResponseEntity.status(HttpStatus.CONFLICT).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }
}
