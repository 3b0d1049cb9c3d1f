package dev.dunning.rulesets.web;

import dev.dunning.decision.Catalogue;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import dev.dunning.rules.RuleProblem;
import dev.dunning.rules.RuleSet;
import dev.dunning.rules.RuleSetDiff;
import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSource;
import dev.dunning.rulesets.AlteredVersionException;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.rulesets.RuleSetSimulation;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.rulesets.ScopeNeededException;
import dev.dunning.rulesets.SimulationHistory;
import dev.dunning.rulesets.TakenAs;
import dev.dunning.rulesets.UnknownVersionException;
import dev.dunning.rulesets.UploadRefusedException;
import dev.dunning.rulesets.UploadRequest;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import dev.dunning.web.ProblemResponses;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import java.io.IOException;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/**
 * Rule-set versions over HTTP: validate an upload, submit a candidate, activate (or roll back to) a version, read the
 * history, download the exact files, review a table's generated DRL, and compare two versions cell by cell.
 */
@RestController
@RequestMapping(path = "/api/v1")
class RuleSetController {

    /** The length of rule_set_versions.comment. */
    static final int MAX_COMMENT = 2000;

    record RuleSetView(String version, Instant loadedAt, int ruleCount, List<String> groups, List<RuleSet.File> files) {}

    /**
     * What the gates said about an upload; {@code valid} when every gate passed; {@code upload}: whether it was taken
     * as a whole set or a change, and every file of the candidate with its origin.
     */
    record ValidationView(String version, boolean valid, String stoppedAt, List<ProblemView> problems,
            int scenariosRun, List<RuleSetGates.ScenarioFailure> scenarioFailures, TakenAs upload) {

        static ValidationView of(RuleSetLifecycle.Validation validation) {
            RuleSetGates.Verdict v = validation.verdict();
            return new ValidationView(v.version(), v.passed(), v.stoppedAt(), ProblemView.all(v.problems()),
                    v.scenariosRun(), v.scenarioFailures(), validation.upload());
        }
    }

    /** A problem with its location spelled out, e.g. "decision-tables/escalation.xlsx, sheet Ladder, cell D12". */
    record ProblemView(String severity, String file, String sheet, String cell, Integer line, Integer column,
            String location, String message) {

        static List<ProblemView> all(List<RuleProblem> problems) {
            return problems.stream().map(p -> new ProblemView(p.severity().name(), p.file(), p.sheet(), p.cell(),
                    p.line(), p.column(), p.location(), p.message())).toList();
        }
    }

    record VersionSummary(String version, String status, boolean serving, String origin, String author,
            Instant createdAt, String comment, String activatedBy, Instant activatedAt) {

        static VersionSummary of(RuleSetVersions.Stored s, String serving) {
            return new VersionSummary(s.version(), s.status().name(), s.version().equals(serving), s.origin(),
                    s.author(), s.createdAt(), s.comment(), s.activatedBy(), s.activatedAt());
        }
    }

    record History(String serving, List<VersionSummary> versions) {}

    record VersionView(String version, String status, boolean serving, String origin, String author,
            Instant createdAt, String comment, String activatedBy, Instant activatedAt,
            List<RuleSetVersions.FileRow> files, String stoppedAt, List<ProblemView> problems, Integer scenariosRun,
            List<RuleSetGates.ScenarioFailure> scenarioFailures, List<RuleSetVersions.Event> history,
            TakenAs upload) {}

    private final ActiveRuleSet active;
    private final RuleSetLifecycle lifecycle;
    private final RuleSetSimulation simulation;
    private final Validator validator;
    private final RuleSetReviews reviews;
    private final SimulationHistory simulations;

    RuleSetController(ActiveRuleSet active, RuleSetLifecycle lifecycle, RuleSetSimulation simulation,
            Validator validator, RuleSetReviews reviews, SimulationHistory simulations) {
        this.active = active;
        this.simulations = simulations;
        this.reviews = reviews;
        this.validator = validator;
        this.lifecycle = lifecycle;
        this.simulation = simulation;
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

    /**
     * Runs every gate on an upload (one file against the active set, or a zip of a whole set); stores no version, but
     * records the validation in the candidate version's history ({@code GET /rule-sets/{version}/events}).
     */
    @PostMapping(path = "/rule-sets/validate", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ValidationView validate(@RequestPart("file") MultipartFile file, @RequestParam(required = false) String scope,
            @RequestParam(required = false) List<String> delete, Principal principal) throws IOException {
        return ValidationView.of(lifecycle.validate(uploadRequest(file, scope, delete), Principals.name(principal)));
    }

    /** Stores a candidate; 201 when new, 200 when the same content is already a version, 422 when rejected. */
    @PostMapping(path = "/rule-sets", consumes = MediaType.MULTIPART_FORM_DATA_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<VersionView> submit(@RequestPart("file") MultipartFile file,
            @RequestParam(required = false) String comment, @RequestParam(required = false) String scope,
            @RequestParam(required = false) List<String> delete, Principal principal) throws IOException {
        if (comment != null && comment.length() > MAX_COMMENT) {
            // the column holds 2,000 characters; a longer comment was cut off without a word
            throw new InvalidRequestException(List.of(new FieldProblem("comment", "the comment has "
                    + comment.length() + " characters; at most " + MAX_COMMENT + " are allowed")));
        }
        UploadRequest request = uploadRequest(file, scope, delete);
        RuleSetLifecycle.Submitted submitted = lifecycle.submit(request, Principals.name(principal), comment);
        VersionView view = view(submitted.stored(), submitted.upload());
        return submitted.created()
                ? ResponseEntity.created(URI.create("/api/v1/rule-sets/" + view.version())).body(view)
                : ResponseEntity.ok(view);
    }

    /**
     * An upload with what it is: {@code scope} (form field or query parameter) {@code whole} or {@code change}, and for
     * a change the active files to {@code delete} (repeatable).
     */
    private static UploadRequest uploadRequest(MultipartFile file, String scope, List<String> delete)
            throws IOException {
        UploadRequest.Scope parsed;
        try {
            parsed = UploadRequest.Scope.parse(scope);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(List.of(new FieldProblem("scope", e.getMessage())));
        }
        return new UploadRequest(file.getOriginalFilename(), file.getBytes(), parsed, delete);
    }

    /**
     * Makes a version the active one everywhere, with four eyes ({@link RuleSetReviews#activate}): approves the
     * version's pending review request if it has one; a candidate is activated by someone other than its author; a
     * rollback to an earlier version needs a review request a second person approves, unless four eyes are relaxed.
     */
    @PostMapping(path = "/rule-sets/{version}/activate", produces = MediaType.APPLICATION_JSON_VALUE)
    VersionView activate(@PathVariable String version, Principal principal) {
        return view(reviews.activate(version, Principals.name(principal)));
    }

    @GetMapping(path = "/rule-sets", produces = MediaType.APPLICATION_JSON_VALUE)
    History history() {
        String serving = lifecycle.serving().version();
        return new History(serving, lifecycle.list().stream().map(s -> VersionSummary.of(s, serving)).toList());
    }

    @GetMapping(path = "/rule-sets/{version}", produces = MediaType.APPLICATION_JSON_VALUE)
    VersionView version(@PathVariable String version) {
        return view(lifecycle.find(version));
    }

    /** What happened to a version, in order: also for a version that was only validated, by its full hash. */
    @GetMapping(path = "/rule-sets/{version}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    List<RuleSetVersions.Event> events(@PathVariable String version) {
        return lifecycle.history(version);
    }

    /** The exact bytes of a file of a version, by its name (decision-tables/escalation.xlsx) or its base name. */
    @GetMapping(path = "/rule-sets/{version}/files/{*name}")
    ResponseEntity<byte[]> file(@PathVariable String version, @PathVariable String name) {
        RuleSource source = lifecycle.file(version, name);
        return ResponseEntity.ok()
                .contentType(mediaType(source.name()))
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(source.baseName()).build().toString())
                .body(source.content());
    }

    /** The DRL a table generates, for review: {@code escalation.xlsx} (every sheet) or {@code escalation.xlsx!Ladder}. */
    @GetMapping(path = "/rule-sets/{version}/tables/{name}/drl", produces = MediaType.TEXT_PLAIN_VALUE)
    String tableDrl(@PathVariable String version, @PathVariable String name) {
        Map<String, String> matching = lifecycle.generatedDrl(version, name);
        if (matching.isEmpty()) {
            throw new NotFoundException("no decision table \"" + name + "\" in rule-set version " + version
                    + "; its tables are " + String.join(", ", lifecycle.generatedTables(version)));
        }
        return matching.entrySet().stream().map(e -> "// " + e.getKey() + "\n" + e.getValue())
                .collect(Collectors.joining("\n"));
    }

    /** Cell-level changes per table and a unified diff per DRL and scenarios file, from {@code a} to {@code b}. */
    @GetMapping(path = "/rule-sets/{a}/diff/{b}", produces = MediaType.APPLICATION_JSON_VALUE)
    RuleSetDiff.Result diff(@PathVariable String a, @PathVariable String b) {
        return lifecycle.diff(a, b);
    }

    /**
     * What would change if a version were active: both versions decide for the stored customers (all, or filtered),
     * and the answer counts the transitions and lists the changed customers, a page at a time. Writes nothing.
     */
    @PostMapping(path = "/rule-sets/{version}/simulate", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<?> simulate(@PathVariable String version, @RequestParam(defaultValue = "false") boolean background,
            @RequestBody(required = false) RuleSetSimulation.Request request, Principal principal) {
        RuleSetSimulation.Request r = request == null
                ? new RuleSetSimulation.Request(null, null, null, null, null, null) : request;
        RequestChecks checks = RequestChecks.of(validator, r);
        if (!background) {
            checks.pageWithin(r.pageNumber(), Math.max(1, r.pageSize()), RuleSetSimulation.KEPT_CHANGES,
                    "narrow the customers with the filters");
        }
        checks.throwIfAny();
        if (!background) {
            return ResponseEntity.ok(simulation.simulate(version, r));
        }
        RuleSetSimulation.Job job = simulation.start(version, r, Principals.name(principal));
        return ResponseEntity.accepted().location(URI.create("/api/v1/rule-sets/simulations/" + job.id())).body(job);
    }

    /** A background simulation: progress while it runs, then the result, a page of changed customers at a time. */
    @GetMapping(path = "/rule-sets/simulations/{id}", produces = MediaType.APPLICATION_JSON_VALUE)
    RuleSetSimulation.Job simulationJob(@PathVariable String id,
            @RequestParam(defaultValue = "0") @Min(0) int page,
            @RequestParam(defaultValue = "50") @Min(1) @Max(500) int size) {
        RequestChecks.empty().pageWithin(page, size, RuleSetSimulation.KEPT_CHANGES,
                "a simulation keeps the first changed customers for paging; the counts cover all").throwIfAny();
        return simulation.job(id, page, size).orElseThrow(() -> new NotFoundException("no simulation " + id
                + "; finished simulations are kept for dunning.rule-sets.simulation-retention (default 7 days)"));
    }

    /**
     * The background simulations already run for a version, newest first: who ran each, when, with which filters,
     * against which version in force (and whether that one is still in force), with their counts. No result is read.
     */
    @GetMapping(path = "/rule-sets/{version}/simulations", produces = MediaType.APPLICATION_JSON_VALUE)
    SimulationHistory.Simulations simulations(@PathVariable String version,
            @RequestParam(defaultValue = "50") int limit) {
        if (limit < 1 || limit > SimulationHistory.MAX_LISTED) {
            RequestChecks.empty().add("limit", "limit is how many simulations to list, from 1 to "
                    + SimulationHistory.MAX_LISTED + "; " + limit + " is not").throwIfAny();
        }
        return simulations.of(version, limit);
    }

    /** A rejected candidate: 422 for an upload, 409 for an activation (the version's state forbids it). */
    @ExceptionHandler(CandidateRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(CandidateRejectedException ex) {
        return rejectedProblem(ex);
    }

    static ResponseEntity<ProblemDetail> rejectedProblem(CandidateRejectedException ex) {
        HttpStatus status = ex.onActivation() ? HttpStatus.CONFLICT : HttpStatus.UNPROCESSABLE_CONTENT;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/rule-set-rejected"));
        problem.setTitle("Rule set rejected");
        problem.setProperty("version", ex.version());
        problem.setProperty("stoppedAt", ex.stoppedAt());
        problem.setProperty("problems", ProblemView.all(ex.problems()));
        problem.setProperty("scenarioFailures", ex.scenarioFailures());
        if (ex.upload() != null) {
            problem.setProperty("upload", ex.upload());
        }
        return ResponseEntity.status(status).body(problem);
    }

    /** Refused before it was stored: 413 when too large, else 422 (zip bomb, macros, names outside a rule set). */
    @ExceptionHandler(UploadRefusedException.class)
    ResponseEntity<ProblemDetail> refused(UploadRefusedException ex) {
        HttpStatus status = ex.tooLarge() ? HttpStatus.CONTENT_TOO_LARGE : HttpStatus.UNPROCESSABLE_CONTENT;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
        problem.setType(URI.create(ex.tooLarge() ? "https://dunning.dev/problems/upload-too-large"
                : "https://dunning.dev/problems/upload-refused"));
        problem.setTitle(ex.tooLarge() ? "Upload too large" : "Upload refused");
        problem.setProperty("problems", ProblemView.all(ex.problems()));
        return ResponseEntity.status(status).body(problem);
    }

    /** A zip that leaves out files of the active set without saying whether it is the whole set or a change: 422. */
    @ExceptionHandler(ScopeNeededException.class)
    ResponseEntity<ProblemDetail> scopeNeeded(ScopeNeededException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNPROCESSABLE_CONTENT, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/upload-scope-needed"));
        problem.setTitle("Whole rule set or a change?");
        problem.setProperty("activeVersion", ex.activeVersion());
        problem.setProperty("missing", ex.missing());
        problem.setProperty("problems", ProblemView.all(ex.problems()));
        return ResponseEntity.status(HttpStatus.UNPROCESSABLE_CONTENT).body(problem);
    }

    /** Stored files that no longer hash to their version: never compiled or handed out (409, nothing changed). */
    @ExceptionHandler(AlteredVersionException.class)
    ResponseEntity<ProblemDetail> altered(AlteredVersionException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/rule-set-altered"));
        problem.setTitle("Rule-set files altered in the database");
        problem.setProperty("version", ex.version());
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }

    @ExceptionHandler(UnknownVersionException.class)
    ResponseEntity<ProblemDetail> unknown(UnknownVersionException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.NOT_FOUND, ex.getMessage());
        problem.setType(ProblemResponses.NOT_FOUND);
        problem.setTitle("Not found");
        return ResponseEntity.status(HttpStatus.NOT_FOUND).body(problem);
    }

    private VersionView view(RuleSetVersions.Stored s) {
        return view(s, null);
    }

    private VersionView view(RuleSetVersions.Stored s, TakenAs upload) {
        RuleSetLifecycle.Report report = lifecycle.report(s);
        return new VersionView(s.version(), s.status().name(), s.version().equals(lifecycle.serving().version()),
                s.origin(), s.author(), s.createdAt(), s.comment(), s.activatedBy(), s.activatedAt(),
                lifecycle.files(s.version()), report == null ? null : report.stoppedAt(),
                report == null ? List.of() : ProblemView.all(report.problems()),
                report == null ? null : report.scenariosRun(),
                report == null ? List.of() : report.scenarioFailures(), lifecycle.events(s.version()), upload);
    }

    private static MediaType mediaType(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".xlsx")) {
            return MediaType.parseMediaType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
        }
        if (lower.endsWith(".xls")) {
            return MediaType.parseMediaType("application/vnd.ms-excel");
        }
        if (lower.endsWith(".csv")) {
            return MediaType.parseMediaType("text/csv;charset=UTF-8");
        }
        return MediaType.parseMediaType("text/plain;charset=UTF-8");
    }
}
