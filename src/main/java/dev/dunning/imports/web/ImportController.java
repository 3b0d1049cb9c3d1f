package dev.dunning.imports.web;

import dev.dunning.imports.BulkImporter;
import dev.dunning.imports.ImportKind;
import dev.dunning.imports.ImportProperties;
import dev.dunning.imports.ImportRejectedException;
import dev.dunning.imports.ImportResult;
import dev.dunning.web.NotFoundException;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartFile;

/**
 * Bulk import: {@code POST /api/v1/import/customers} and {@code /api/v1/import/invoices}, the file as a
 * {@code text/csv} body or as the {@code file} part of a form. The upload is spooled to a temporary file first (the
 * import reads it streaming and never holds it in memory), and the file is imported whole or not at all.
 */
@RestController
@RequestMapping("/api/v1/import")
class ImportController {

    static final URI REJECTED = URI.create("https://dunning.dev/problems/import-rejected");

    private final BulkImporter importer;
    private final ImportProperties properties;

    ImportController(BulkImporter importer, ImportProperties properties) {
        this.importer = importer;
        this.properties = properties;
    }

    @PostMapping(path = "/{kind}", consumes = "text/csv")
    ImportResult csvBody(@PathVariable String kind, HttpServletRequest request) throws IOException {
        ImportKind what = kind(kind);
        long limit = properties.maxUploadSize().toBytes();
        if (request.getContentLengthLong() > limit) {
            throw new MaxUploadSizeExceededException(limit); // refused before reading a byte of it
        }
        Path spool = Files.createTempFile("dunning-import-", ".csv");
        try {
            try (InputStream in = request.getInputStream(); OutputStream out = Files.newOutputStream(spool)) {
                copy(in, out, limit); // a chunked body has no length to check up front
            }
            return importer.importFile(what, spool);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    @PostMapping(path = "/{kind}", consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    ImportResult multipart(@PathVariable String kind, @RequestParam("file") MultipartFile file) throws IOException {
        ImportKind what = kind(kind);
        Path spool = Files.createTempFile("dunning-import-", ".csv");
        try {
            file.transferTo(spool);
            return importer.importFile(what, spool);
        } finally {
            Files.deleteIfExists(spool);
        }
    }

    private static ImportKind kind(String kind) {
        return ImportKind.of(kind).orElseThrow(() -> new NotFoundException("There is no import of \"" + kind
                + "\"; use /api/v1/import/customers or /api/v1/import/invoices"));
    }

    private static void copy(InputStream in, OutputStream out, long limit) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) >= 0) {
            total += n;
            if (total > limit) {
                throw new MaxUploadSizeExceededException(limit);
            }
            out.write(buffer, 0, n);
        }
    }

    /** 400 with every listed problem by line and column; 409 when the rows are fine but the stored facts forbid them. */
    @ExceptionHandler(ImportRejectedException.class)
    ResponseEntity<ProblemDetail> rejected(ImportRejectedException ex) {
        HttpStatus status = ex.conflictsOnly() ? HttpStatus.CONFLICT : HttpStatus.BAD_REQUEST;
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, ex.getMessage());
        problem.setType(REJECTED);
        problem.setTitle("Import rejected");
        problem.setProperty("problemCount", ex.problemCount());
        problem.setProperty("errors", ex.problems());
        return ResponseEntity.status(status).body(problem);
    }
}
