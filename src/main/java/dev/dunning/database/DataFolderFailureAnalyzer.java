package dev.dunning.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** A data folder another process owns: the sentence saying how to proceed, instead of a stack trace. */
class DataFolderFailureAnalyzer extends AbstractFailureAnalyzer<EmbeddedMariaDb.FolderInUseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, EmbeddedMariaDb.FolderInUseException cause) {
        return new FailureAnalysis(cause.getMessage(),
                "Nothing was changed in the data folder, and the process that owns it keeps running.", cause);
    }
}
