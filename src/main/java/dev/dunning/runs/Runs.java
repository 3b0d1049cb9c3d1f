package dev.dunning.runs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.JobExecution;
import org.springframework.batch.core.job.JobInstance;
import org.springframework.batch.core.launch.JobOperator;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.stereotype.Service;

/** Starts, restarts and reports dunning runs; the run id is the Spring Batch job instance id. */
@Service
public class Runs {

    /** Failed items shown with a run's status; all of them are in run_failures. */
    static final int FAILED_SHOWN = 100;

    private final JobOperator jobOperator;
    private final JobRepository jobRepository;
    private final Job job;
    private final RunReport report;
    private final Clock clock;
    /** Executions this instance started and that may still be running here (the others are someone else's). */
    private final Set<Long> startedHere = ConcurrentHashMap.newKeySet();

    Runs(JobOperator jobOperator, JobRepository jobRepository, Job dunningRun, RunReport report, Clock clock) {
        this.clock = clock;
        this.jobOperator = jobOperator;
        this.jobRepository = jobRepository;
        this.job = dunningRun;
        this.report = report;
    }

    /** Starts a run in the background and returns its id. */
    public long start(RunRequest request) {
        try {
            JobExecution execution = jobOperator.start(job, RunParameters.of(request));
            startedHere.add(execution.getId());
            return execution.getJobInstanceId();
        } catch (Exception e) {
            throw new IllegalStateException("The run could not be started: " + e.getMessage(), e);
        }
    }

    /**
     * Continues a run that failed, was stopped, or was left running by an instance that died: customers already
     * decided for it are not decided again.
     *
     * @throws IllegalArgumentException if there is no such run, or it is complete or running here
     */
    public long restart(long runId) {
        JobExecution last = lastExecution(runId).orElseThrow(() -> new IllegalArgumentException(
                "There is no run " + runId + "; GET /api/v1/runs lists the runs"));
        if (last.getStatus() == BatchStatus.COMPLETED) {
            throw new IllegalArgumentException("Run " + runId + " is complete; start a new run instead");
        }
        if (last.isRunning()) {
            if (startedHere.contains(last.getId())) {
                throw new IllegalArgumentException("Run " + runId + " is running; wait for it or stop it first");
            }
            // Left "started" by an instance that stopped without ending it: mark it failed so it can be restarted.
            last = jobOperator.recover(last);
        }
        try {
            JobExecution next = jobOperator.restart(last);
            startedHere.add(next.getId());
            return runId;
        } catch (Exception e) {
            throw new IllegalStateException("Run " + runId + " could not be restarted: " + e.getMessage(), e);
        }
    }

    /** Asks the running run to stop after its current chunks; it can be restarted later. */
    public boolean stop(long runId) {
        Optional<JobExecution> last = lastExecution(runId);
        if (last.isEmpty() || !last.get().isRunning()) {
            return false;
        }
        try {
            return jobOperator.stop(last.get());
        } catch (Exception e) {
            return false;
        }
    }

    public Optional<RunStatus> status(long runId) {
        JobInstance instance = jobRepository.getJobInstance(runId);
        if (instance == null || !instance.getJobName().equals(RunJob.JOB)) {
            return Optional.empty();
        }
        List<JobExecution> executions = jobRepository.getJobExecutions(instance);
        if (executions.isEmpty()) {
            return Optional.empty();
        }
        executions.sort(Comparator.comparing(JobExecution::getId));
        JobExecution first = executions.get(0);
        JobExecution last = executions.get(executions.size() - 1);
        if (!last.isRunning()) {
            startedHere.remove(last.getId());
        }
        RunRequest request = RunParameters.request(last.getJobParameters());
        Map<String, Map<String, Long>> tallies = report.tallies(runId);
        long failed = report.failureCount(runId);
        Map<String, Long> actions = tallies.getOrDefault("action", Map.of());
        long decided = actions.values().stream().mapToLong(Long::longValue).sum();
        long done = decided + failed;
        long total = report.find(runId).map(RunReport.Stored::total).orElse(0L);
        double seconds = executions.stream().mapToDouble(this::runningSeconds).sum();
        double rate = seconds > 0 ? done / seconds : 0;
        Long left = last.isRunning() && rate > 0 ? Math.round(Math.max(0, total - done) / rate) : null;
        String exitMessage = last.getExitStatus() == null ? null : last.getExitStatus().getExitDescription();
        Map<String, Long> outbox = tallies.getOrDefault(ChunkDecider.OUTBOX, Map.of());
        return Optional.of(new RunStatus(runId, last.getStatus().name().toLowerCase(Locale.ROOT), request.mode(),
                request.dispatch(), request.asOf(),
                new RunStatus.Filter(request.segment() == null ? null : request.segment().name(), request.country(),
                        request.currency()),
                request.principal(), instant(first.getStartTime()), last.isRunning() ? null : instant(last.getEndTime()),
                executions.size(), exitMessage == null || exitMessage.isBlank() ? null : firstLine(exitMessage),
                new RunStatus.Progress(done, Math.max(total, done), Math.round(rate * 10) / 10.0, left),
                new RunStatus.Summary(decided, actions, tallies.getOrDefault("channel", Map.of()),
                        tallies.getOrDefault("tone", Map.of()), tallies.getOrDefault("hold", Map.of()),
                        outbox.values().stream().mapToLong(Long::longValue).sum(), outbox,
                        tallies.getOrDefault(ChunkDecider.RULE, Map.of())),
                failed, report.failures(runId, FAILED_SHOWN), tallies.getOrDefault("ms", Map.of())));
    }

    /** The latest runs, newest first. */
    public List<RunStatus> list(int limit) {
        return list(0, limit);
    }

    /** The runs after skipping the {@code start} newest, newest first: a page of the history. */
    public List<RunStatus> list(int start, int limit) {
        return jobRepository.getJobInstances(RunJob.JOB, start, limit).stream()
                .map(i -> status(i.getInstanceId()))
                .flatMap(Optional::stream)
                .toList();
    }

    private Optional<JobExecution> lastExecution(long runId) {
        JobInstance instance = jobRepository.getJobInstance(runId);
        if (instance == null || !instance.getJobName().equals(RunJob.JOB)) {
            return Optional.empty();
        }
        return Optional.ofNullable(jobRepository.getLastJobExecution(instance));
    }

    private double runningSeconds(JobExecution e) {
        if (e.getStartTime() == null) {
            return 0;
        }
        LocalDateTime end = e.getEndTime() != null ? e.getEndTime() : PartitionClaims.batchNow(clock);
        return Duration.between(e.getStartTime(), end).toMillis() / 1000.0;
    }

    /** Spring Batch keeps times as local date-times of the JVM's zone. */
    private static Instant instant(LocalDateTime time) {
        return time == null ? null : time.atZone(ZoneId.systemDefault()).toInstant();
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
