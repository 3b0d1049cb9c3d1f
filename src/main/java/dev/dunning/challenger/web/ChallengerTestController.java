package dev.dunning.challenger.web;

import dev.dunning.challenger.ChallengerTests;
import dev.dunning.challenger.TestStateException;
import dev.dunning.rulesets.RuleSetReviews;
import dev.dunning.web.Principals;
import dev.dunning.web.RequestChecks;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.math.BigDecimal;
import java.net.URI;
import java.security.Principal;
import java.time.Instant;
import java.util.List;
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
import org.springframework.web.bind.annotation.RestController;

/**
 * Champion/challenger tests over HTTP (docs/effectiveness.md, "Champion/challenger"): propose (which puts a review
 * request in the rule sets' four-eyes queue), approve (someone else; the same as approving that request), stop, roll
 * back, promote; every change is made in the caller's name, never a name in the body. The comparison
 * of the arms is an effectiveness figure: {@code GET /api/v1/effectiveness/challenger-tests/{id}/comparison}.
 */
@RestController
@RequestMapping(path = "/api/v1/challenger-tests", produces = MediaType.APPLICATION_JSON_VALUE)
class ChallengerTestController {

    private final ChallengerTests tests;
    private final Validator validator;

    ChallengerTestController(ChallengerTests tests, Validator validator) {
        this.tests = tests;
        this.validator = validator;
    }

    /**
     * @param challengerVersion the candidate's hash or a unique prefix of at least 8 characters
     * @param sharePercent the share of customers the challenger decides: 0.01 to 50, at most two decimals
     * @param comment why the test, for the approver and the record
     */
    record ProposeRequest(@NotBlank @Size(max = 64) String challengerVersion, @NotNull BigDecimal sharePercent,
            @Size(max = 1000) String comment) {}

    /** @param reason why the test ends, for the record */
    record EndRequest(@NotBlank @Size(max = 1000) String reason) {}

    record TestView(long id, String status, String championVersion, String challengerVersion, double sharePercent,
            String comment, String proposedBy, Instant proposedAt, String approvedBy, Instant startedAt,
            String endedBy, Instant endedAt, String endReason, Long reviewRequest, List<ChallengerTests.Event> events) {

        static TestView of(ChallengerTests.Test t, Long reviewRequest, List<ChallengerTests.Event> events) {
            return new TestView(t.id(), t.status().name(), t.championVersion(), t.challengerVersion(),
                    t.shareBasisPoints() / 100.0, t.comment(), t.proposedBy(), t.proposedAt(), t.approvedBy(),
                    t.startedAt(), t.endedBy(), t.endedAt(), t.endReason(), reviewRequest, events);
        }
    }

    @GetMapping
    List<TestView> list() {
        return tests.list().stream().map(t -> TestView.of(t, null, null)).toList();
    }

    @GetMapping("/{id}")
    TestView get(@PathVariable long id) {
        return view(id);
    }

    /** Proposes a test of a candidate against the active version: 201, PROPOSED until someone else approves it. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<TestView> propose(@RequestBody ProposeRequest request, Principal principal) {
        RequestChecks.of(validator, request).throwIfAny();
        ChallengerTests.Test test = tests.propose(request.challengerVersion(), request.sharePercent(),
                request.comment(), Principals.name(principal));
        return ResponseEntity.created(URI.create("/api/v1/challenger-tests/" + test.id())).body(view(test.id()));
    }

    /**
     * Approves and starts a proposed test; not by its proposer nor the challenger's author (four eyes). The same as
     * approving the test's review request ({@code POST /api/v1/rule-sets/reviews/{reviewRequest}/approve}).
     */
    @PostMapping("/{id}/approve")
    TestView approve(@PathVariable long id, Principal principal) {
        tests.approve(id, Principals.name(principal));
        return view(id);
    }

    /** Ends a proposed or running test; the champion stays. */
    @PostMapping(path = "/{id}/stop", consumes = MediaType.APPLICATION_JSON_VALUE)
    TestView stop(@PathVariable long id, @RequestBody EndRequest request, Principal principal) {
        RequestChecks.of(validator, request).throwIfAny();
        tests.stop(id, Principals.name(principal), request.reason());
        return view(id);
    }

    /** Ends a test, its challenger abandoned; the champion stays. */
    @PostMapping(path = "/{id}/rollback", consumes = MediaType.APPLICATION_JSON_VALUE)
    TestView rollBack(@PathVariable long id, @RequestBody EndRequest request, Principal principal) {
        RequestChecks.of(validator, request).throwIfAny();
        tests.rollBack(id, Principals.name(principal), request.reason());
        return view(id);
    }

    /** Activates the challenger of a running test (the activation's gates and four-eyes rule) and ends the test. */
    @PostMapping("/{id}/promote")
    TestView promote(@PathVariable long id, Principal principal) {
        tests.promote(id, Principals.name(principal));
        return view(id);
    }

    private TestView view(long id) {
        ChallengerTests.Test test = tests.find(id);
        return TestView.of(test, tests.reviewRequest(test).map(RuleSetReviews.Review::id).orElse(null),
                tests.events(id));
    }

    @ExceptionHandler(TestStateException.class)
    ResponseEntity<ProblemDetail> state(TestStateException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
        problem.setType(URI.create("https://dunning.dev/problems/challenger-test-state"));
        problem.setTitle("Not possible for this test now");
        return ResponseEntity.status(HttpStatus.CONFLICT).body(problem);
    }
}
