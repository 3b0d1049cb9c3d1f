package dev.dunning.rulesets.web;

import dev.dunning.rules.RuleSetGates;
import dev.dunning.rules.RuleSource;
import dev.dunning.rulesets.CandidateRejectedException;
import dev.dunning.rulesets.RuleSetLifecycle;
import dev.dunning.rulesets.RuleSetSimulation;
import dev.dunning.rulesets.RuleSetVersions;
import dev.dunning.rulesets.SimulationHistory;
import dev.dunning.rulesets.UnknownVersionException;
import dev.dunning.rulesets.UploadRefusedException;
import dev.dunning.web.ConsolePage;
import dev.dunning.web.FieldProblem;
import dev.dunning.web.InvalidRequestException;
import dev.dunning.web.NotFoundException;
import dev.dunning.web.Principals;
import io.github.wimdeblauwe.htmx.spring.boot.mvc.HtmxRequest;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.security.Principal;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.http.ContentDisposition;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.MediaTypeFactory;
import org.springframework.http.ResponseEntity;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.multipart.MultipartFile;

/**
 * The rule-set pages of the console: the version in force and the history, a version's files, and an upload whose
 * every problem is shown at its cell. Each action calls the same service as the API ({@link RuleSetController}).
 */
@ConsolePage
class RuleSetPages {

    private final RuleSetLifecycle lifecycle;
    private final SimulationHistory simulations;
    private final RuleSetSimulation simulation;

    RuleSetPages(RuleSetLifecycle lifecycle, SimulationHistory simulations, RuleSetSimulation simulation) {
        this.lifecycle = lifecycle;
        this.simulations = simulations;
        this.simulation = simulation;
    }

    @GetMapping("/console/rule-sets")
    String index(Model model, HttpServletRequest request) {
        model.addAttribute("serving", lifecycle.serving());
        model.addAttribute("versions", lifecycle.list());
        model.addAttribute("canChange", request.isUserInRole("CREDIT_CONTROLLER"));
        return "rulesets/index";
    }

    @GetMapping("/console/rule-sets/{version}")
    String version(@PathVariable String version, Model model, HttpServletRequest request) {
        RuleSetVersions.Stored stored = found(() -> lifecycle.find(version));
        RuleSetLifecycle.Report report = lifecycle.report(stored);
        model.addAttribute("stored", stored);
        model.addAttribute("serving", stored.version().equals(lifecycle.serving().version()));
        model.addAttribute("servingVersion", lifecycle.serving().version());
        model.addAttribute("files", lifecycle.files(stored.version()));
        model.addAttribute("events", lifecycle.events(stored.version()));
        model.addAttribute("report", report == null ? null : UploadResult.of(null, "report", null,
                stored.version(), report.stoppedAt(), report.problems(), List.of(), report.scenarioFailures(),
                report.scenariosRun(), report.scenariosPassed()));
        // what was simulated already, so that a reviewer need not start one (a rejected version cannot decide)
        if (stored.status() != RuleSetVersions.Status.REJECTED) {
            model.addAttribute("simulationPanel", SimulationPanel.of(
                    simulations.of(stored.version(), SimulationPanel.LISTED), simulation,
                    request.isUserInRole("CREDIT_CONTROLLER")));
        }
        return "rulesets/version";
    }

    /** The exact bytes of a file of a version, as the API hands them out. */
    @GetMapping("/console/rule-sets/{version}/files/{*name}")
    ResponseEntity<byte[]> file(@PathVariable String version, @PathVariable String name) {
        RuleSource source = found(() -> lifecycle.file(version, name));
        return ResponseEntity.ok()
                .contentType(MediaTypeFactory.getMediaType(source.baseName()).orElse(MediaType.APPLICATION_OCTET_STREAM))
                .header(HttpHeaders.CONTENT_DISPOSITION,
                        ContentDisposition.attachment().filename(source.baseName()).build().toString())
                .body(source.content());
    }

    /**
     * Checks an upload ({@code intent=check}, the API's validate) or stores it as a candidate ({@code intent=submit},
     * the API's submit), and shows the result: as a fragment for htmx, else as a page of its own.
     */
    @PostMapping("/console/rule-sets/upload")
    String upload(@RequestParam(required = false) MultipartFile file,
            @RequestParam(defaultValue = "check") String intent, @RequestParam(required = false) String comment,
            Principal principal, HtmxRequest htmx, Model model) throws IOException {
        if (file == null || file.isEmpty() && (file.getOriginalFilename() == null
                || file.getOriginalFilename().isBlank())) {
            throw new InvalidRequestException(List.of(new FieldProblem("file",
                    "choose a workbook, CSV, DRL or zip file, or drop it on the upload area")));
        }
        if (comment != null && comment.length() > RuleSetController.MAX_COMMENT) {
            throw new InvalidRequestException(List.of(new FieldProblem("comment", "the comment has "
                    + comment.length() + " characters; at most " + RuleSetController.MAX_COMMENT + " are allowed")));
        }
        String name = file.getOriginalFilename();
        byte[] content = file.getBytes();
        String who = Principals.name(principal);
        UploadResult result;
        try {
            if ("submit".equals(intent)) {
                RuleSetLifecycle.Submitted submitted = lifecycle.submit(name, content, who,
                        comment == null || comment.isBlank() ? null : comment.strip());
                // What the gates found (warnings, every scenario run) is stored with the version: show it here too,
                // as the check shows it, instead of only a link to the version's page.
                RuleSetLifecycle.Report report = lifecycle.report(submitted.stored());
                String outcome = submitted.created() ? "stored" : "known";
                result = report == null
                        ? UploadResult.of(name, outcome, null, submitted.stored().version(), null, List.of(),
                                List.of(), List.of())
                        : UploadResult.of(name, outcome, null, submitted.stored().version(), null, report.problems(),
                                sources(name, content), report.scenarioFailures(), report.scenariosRun(),
                                report.scenariosPassed());
            } else {
                RuleSetGates.Verdict verdict = lifecycle.validate(name, content, who);
                result = UploadResult.of(name, verdict.passed() ? "passed" : "rejected", null, verdict.version(),
                        verdict.stoppedAt(), verdict.problems(), sources(name, content), verdict.scenarioFailures(),
                        verdict.scenariosRun(), verdict.scenariosPassed());
            }
        } catch (CandidateRejectedException rejected) {
            result = UploadResult.of(name, "rejected", null, rejected.version(), rejected.stoppedAt(),
                    rejected.problems(), sources(name, content), rejected.scenarioFailures(),
                    rejected.scenariosPassed().size() + rejected.scenarioFailures().size(), rejected.scenariosPassed());
        } catch (UploadRefusedException refused) {
            result = UploadResult.of(name, "refused", refused.getMessage(), null, null, refused.problems(),
                    List.of(), List.of());
        }
        model.addAttribute("result", result);
        return htmx.isHtmxRequest() ? "rulesets/result :: result" : "rulesets/result";
    }

    /** The candidate's files, to draw its tables; none when the upload cannot be read again. */
    private List<RuleSource> sources(String name, byte[] content) {
        try {
            return lifecycle.candidateSources(name, content);
        } catch (UploadRefusedException unreadable) {
            return List.of();
        }
    }

    private static <T> T found(Supplier<T> lookup) {
        try {
            return lookup.get();
        } catch (UnknownVersionException unknown) {
            throw new NotFoundException(unknown.getMessage());
        }
    }
}
