package dev.dunning.imports.web;

import dev.dunning.imports.ImportProperties;
import dev.dunning.rulesets.RuleSetProperties;
import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.multipart.MaxUploadSizeExceededException;

/**
 * An upload over the multipart limit becomes a 413 problem that names the limit that applies to what was uploaded, and
 * its setting: {@code dunning.rule-sets.max-upload-size} for a rule set, {@code dunning.import.max-upload-size} (which
 * the multipart limits follow) for an import. An advice of its own (ahead of {@link dev.dunning.web.ProblemResponses}) because a
 * multipart upload is refused while the request is parsed, before any controller is chosen.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UploadLimitProblems {

    private final ImportProperties imports;
    private final RuleSetProperties ruleSets;

    UploadLimitProblems(ImportProperties imports, RuleSetProperties ruleSets) {
        this.imports = imports;
        this.ruleSets = ruleSets;
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ProblemDetail> tooLarge(MaxUploadSizeExceededException ex, HttpServletRequest request) {
        long importLimit = imports.maxUploadSize().toBytes();
        String detail;
        if (request.getRequestURI().startsWith("/api/v1/rule-sets")) {
            long ruleSetLimit = ruleSets.maxUploadSize().toBytes();
            detail = "The upload is larger than the limit of " + readable(Math.min(ruleSetLimit, importLimit))
                    + " for a rule set (setting dunning.rule-sets.max-upload-size"
                    + (ruleSetLimit > importLimit ? ", capped by dunning.import.max-upload-size" : "")
                    + "); a rule set is far smaller: check that this is the right file";
        } else {
            detail = "The upload is larger than the limit of " + readable(importLimit)
                    + " (setting dunning.import.max-upload-size); split the file into smaller ones or raise the setting";
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, detail);
        problem.setType(URI.create("https://dunning.dev/problems/upload-too-large"));
        problem.setTitle("Upload too large");
        return ResponseEntity.status(HttpStatus.CONTENT_TOO_LARGE).body(problem);
    }

    private static String readable(long bytes) {
        if (bytes % (1024 * 1024) == 0) {
            return bytes / (1024 * 1024) + " MB";
        }
        return bytes % 1024 == 0 ? bytes / 1024 + " KB" : bytes + " bytes";
    }
}
