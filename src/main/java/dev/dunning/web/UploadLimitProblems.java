package dev.dunning.web;

import dev.dunning.imports.ImportProperties;
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
 * An upload over {@code dunning.import.max-upload-size} becomes a 413 problem that names the limit and the setting.
 * An advice of its own (ahead of {@link ProblemResponses}) because a multipart upload is refused while the request is
 * parsed, before any controller is chosen.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
class UploadLimitProblems {

    private final ImportProperties properties;

    UploadLimitProblems(ImportProperties properties) {
        this.properties = properties;
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<ProblemDetail> tooLarge(MaxUploadSizeExceededException ex) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, "The upload is larger "
                + "than the limit of " + readable(properties.maxUploadSize().toBytes()) + " (setting dunning.import.max-upload-size); "
                + "split the file into smaller ones or raise the setting");
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
