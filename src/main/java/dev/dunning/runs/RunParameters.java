package dev.dunning.runs;

import dev.dunning.decision.Segment;
import java.time.Instant;
import java.util.UUID;
import org.springframework.batch.core.job.parameters.JobParameters;
import org.springframework.batch.core.job.parameters.JobParametersBuilder;

/**
 * A run request as Spring Batch job parameters and back; a random key makes every start a new job instance. Runs
 * started before dispatching runs existed have no {@code dispatch} parameter: they dispatch nothing.
 */
final class RunParameters {

    private RunParameters() {}

    static JobParameters of(RunRequest request) {
        JobParametersBuilder b = new JobParametersBuilder()
                .addString("key", UUID.randomUUID().toString())
                .addString("asOf", request.asOf().toString())
                .addString("mode", request.mode())
                .addString("principal", request.principal())
                // A job parameter, so that a restarted run dispatches as the first start did.
                .addString("dispatch", Boolean.toString(request.dispatch()));
        if (request.segment() != null) {
            b.addString("segment", request.segment().name());
        }
        if (request.country() != null) {
            b.addString("country", request.country());
        }
        if (request.currency() != null) {
            b.addString("currency", request.currency());
        }
        return b.toJobParameters();
    }

    static RunRequest request(JobParameters p) {
        String segment = p.getString("segment");
        return new RunRequest(Instant.parse(p.getString("asOf")), RunRequest.DRY_RUN.equals(p.getString("mode")),
                segment == null ? null : Segment.valueOf(segment), p.getString("country"), p.getString("currency"),
                p.getString("principal"), Boolean.parseBoolean(p.getString("dispatch")));
    }
}
