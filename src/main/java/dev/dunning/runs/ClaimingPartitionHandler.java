package dev.dunning.runs;

import java.time.Duration;
import java.time.LocalDateTime;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.partition.support.AbstractPartitionHandler;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.task.TaskExecutor;
import org.springframework.dao.OptimisticLockingFailureException;

/**
 * Hands a run's partitions (already stored by Spring Batch) to whoever claims them first: this instance's own
 * worker threads, and {@link RunWorker}s of other instances sharing the database. Waits until every partition has
 * ended, as the job repository records it, and returns them as stored there.
 *
 * <p>A partition claimed by another instance that stops reporting (no chunk committed for
 * {@code dunning.runs.worker-timeout}) is marked failed, so the run fails instead of waiting forever; a restart
 * continues it after its last committed chunk.
 */
class ClaimingPartitionHandler extends AbstractPartitionHandler {

    private static final Logger log = LoggerFactory.getLogger(ClaimingPartitionHandler.class);

    private final Step step;
    private final JobRepository jobRepository;
    private final PartitionClaims claims;
    private final TaskExecutor workers;
    private final int localWorkers;
    private final Duration poll;
    private final Duration workerTimeout;

    ClaimingPartitionHandler(Step step, JobRepository jobRepository, PartitionClaims claims, TaskExecutor workers,
            RunProperties properties) {
        this.step = step;
        this.jobRepository = jobRepository;
        this.claims = claims;
        this.workers = workers;
        this.localWorkers = properties.effectiveLocalWorkers();
        this.poll = properties.workerPoll().compareTo(Duration.ofMillis(500)) < 0 ? properties.workerPoll()
                : Duration.ofMillis(500);
        this.workerTimeout = properties.workerTimeout();
        setGridSize(properties.effectivePartitions());
    }

    @Override
    protected Set<StepExecution> doHandle(StepExecution manager, Set<StepExecution> partitions) throws Exception {
        long runId = manager.getJobExecution().getJobInstanceId();
        List<StepExecution> ordered = partitions.stream()
                .sorted(java.util.Comparator.comparing(StepExecution::getId)).toList();
        for (int i = 0; i < Math.min(localWorkers, ordered.size()); i++) {
            workers.execute(() -> {
                for (StepExecution partition : ordered) {
                    if (claims.claim(runId, partition.getId())) {
                        execute(partition);
                    }
                }
            });
        }
        while (true) {
            Set<StepExecution> current = new HashSet<>();
            boolean running = false;
            for (StepExecution p : ordered) {
                StepExecution stored = jobRepository.getStepExecution(p.getJobExecutionId(), p.getId());
                if (stored.getStatus().isRunning()) {
                    running = true;
                    failIfAbandoned(stored);
                }
                current.add(stored);
            }
            if (!running) {
                return current;
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private void execute(StepExecution partition) {
        try {
            step.execute(partition);
        } catch (Exception e) {
            // The step records its own failures; this is only what escaped it (e.g. an interrupt).
            log.error("Partition {} of run {} ended abnormally", partition.getStepName(),
                    partition.getJobExecution().getJobInstanceId(), e);
        }
    }

    /** A partition another instance claimed but stopped working on (its process died): fail it, so the run ends. */
    private void failIfAbandoned(StepExecution stored) {
        var holder = claims.holder(stored.getId());
        if (holder.isEmpty() || holder.get().equals(claims.instance())) {
            return;
        }
        LocalDateTime last = stored.getLastUpdated() != null ? stored.getLastUpdated() : stored.getCreateTime();
        if (last == null || last.plus(workerTimeout).isAfter(claims.batchNow())) {
            return;
        }
        stored.setStatus(BatchStatus.FAILED);
        stored.setExitStatus(ExitStatus.FAILED.addExitDescription("Instance " + holder.get() + " stopped working on "
                + stored.getStepName() + " (nothing committed for " + workerTimeout + "); restart the run to "
                + "continue it"));
        stored.setEndTime(claims.batchNow());
        try {
            jobRepository.update(stored);
        } catch (OptimisticLockingFailureException alive) {
            // It committed a chunk meanwhile: it is working after all.
        }
    }
}
