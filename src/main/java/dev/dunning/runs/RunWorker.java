package dev.dunning.runs;

import java.util.concurrent.Semaphore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Lets this instance work partitions of runs started elsewhere ({@code dunning.runs.worker=true}): every
 * {@code dunning.runs.worker-poll} it looks for partitions nobody has claimed, claims as many as it has free threads
 * ({@code dunning.runs.local-workers}) and works them as the starting instance would.
 */
@Component
class RunWorker {

    private static final Logger log = LoggerFactory.getLogger(RunWorker.class);

    private final PartitionClaims claims;
    private final JobRepository jobRepository;
    private final Step step;
    private final boolean enabled;
    private final Semaphore free;
    private final SimpleAsyncTaskExecutor threads = new SimpleAsyncTaskExecutor("run-worker-");

    RunWorker(PartitionClaims claims, JobRepository jobRepository, Step decideRange, RunProperties properties) {
        this.claims = claims;
        this.jobRepository = jobRepository;
        this.step = decideRange;
        this.enabled = properties.worker();
        this.free = new Semaphore(properties.effectiveLocalWorkers());
    }

    @Scheduled(fixedDelayString = "${dunning.runs.worker-poll:2s}")
    void workOpenPartitions() {
        if (!enabled || free.availablePermits() == 0) {
            return;
        }
        for (PartitionClaims.Open open : claims.open(RunJob.WORKER_STEP, free.availablePermits())) {
            StepExecution partition = jobRepository.getStepExecution(open.jobExecutionId(), open.stepExecutionId());
            if (partition == null || !partition.getExecutionContext().containsKey(RangePartitioner.PARTITION)) {
                continue; // its range is not stored yet: the next poll takes it
            }
            if (!free.tryAcquire()) {
                continue;
            }
            if (!claims.claim(partition.getJobExecution().getJobInstanceId(), partition.getId())) {
                free.release();
                continue;
            }
            log.info("Working {} of run {} started elsewhere", partition.getStepName(),
                    partition.getJobExecution().getJobInstanceId());
            threads.execute(() -> {
                try {
                    step.execute(partition);
                } catch (Exception e) {
                    log.error("Partition {} ended abnormally", partition.getStepName(), e);
                } finally {
                    free.release();
                }
            });
        }
    }
}
