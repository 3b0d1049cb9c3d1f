package dev.dunning.runs;

import dev.dunning.audit.AuditLog;
import dev.dunning.decisions.DecisionService;
import dev.dunning.dispatch.DispatchService;
import dev.dunning.facts.CustomerFacts;
import dev.dunning.rules.ActiveRuleSet;
import dev.dunning.rules.DecisionEngine;
import java.time.Clock;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.Job;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.listener.ItemWriteListener;
import org.springframework.batch.core.listener.JobExecutionListener;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.Step;
import org.springframework.batch.core.step.StepExecution;
import org.springframework.batch.core.step.builder.ChunkOrientedStepBuilder;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.batch.autoconfigure.BatchTaskExecutor;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.core.task.TaskExecutor;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.PlatformTransactionManager;
import tools.jackson.databind.json.JsonMapper;

/**
 * The Spring Batch job of a run: one partitioned step over customer id ranges, each partition worked by the instance
 * that claims it; each partition is a chunk-oriented step whose reader streams ids and whose writer decides a chunk
 * at a time.
 */
@Configuration
class RunJob {

    static final String JOB = "dunningRun";
    static final String PARTITIONED_STEP = "decideCustomers";
    static final String WORKER_STEP = "decideRange";

    /** Runs start in the background: POST /api/v1/runs answers at once with the run's id. */
    @Bean
    @BatchTaskExecutor
    TaskExecutor runLauncher() {
        return new SimpleAsyncTaskExecutor("run-");
    }

    @Bean
    Job dunningRun(JobRepository jobRepository, Step decideCustomers, RunReport report, Clock clock) {
        return new JobBuilder(JOB, jobRepository)
                .listener(new JobExecutionListener() {
                    @Override
                    public void beforeJob(org.springframework.batch.core.job.JobExecution execution) {
                        report.register(execution.getJobInstanceId(), RunParameters.request(
                                execution.getJobParameters()), clock.instant());
                    }
                })
                .start(decideCustomers)
                .build();
    }

    @Bean
    Step decideCustomers(JobRepository jobRepository, Step decideRange, JdbcClient jdbc, RunProperties properties,
            PartitionClaims claims) {
        return new StepBuilder(PARTITIONED_STEP, jobRepository)
                .partitioner(WORKER_STEP, new RangePartitioner(jdbc))
                .partitionHandler(new ClaimingPartitionHandler(decideRange, jobRepository, claims,
                        new SimpleAsyncTaskExecutor("run-partition-"), properties))
                .build();
    }

    /** Listeners on every chunk's write, inside its transaction (operators' metrics; tests that fail a chunk). */
    @Bean
    Step decideRange(JobRepository jobRepository, PlatformTransactionManager transactionManager,
            CustomerRangeReader rangeReader, ChunkDecider chunkDecider, RunProperties properties,
            ObjectProvider<ItemWriteListener<String>> writeListeners) {
        ChunkOrientedStepBuilder<String, String> step = new StepBuilder(WORKER_STEP, jobRepository)
                .<String, String>chunk(properties.chunkSize())
                .transactionManager(transactionManager)
                .reader(rangeReader)
                .writer(chunkDecider);
        writeListeners.orderedStream().forEach(step::listener);
        return step.build();
    }

    @Bean
    @StepScope
    PhaseTimes phaseTimes() {
        return new PhaseTimes();
    }

    @Bean
    @StepScope
    CustomerRangeReader rangeReader(@Value("#{stepExecution}") StepExecution stepExecution, JdbcClient jdbc,
            RunProperties properties, PhaseTimes phaseTimes) {
        return new CustomerRangeReader(jdbc, RunParameters.request(stepExecution.getJobParameters()),
                properties.chunkSize(), phaseTimes);
    }

    @Bean
    @StepScope
    ChunkDecider chunkDecider(@Value("#{stepExecution}") StepExecution stepExecution, CustomerFacts customerFacts,
            DecisionEngine engine, ActiveRuleSet activeRuleSet, AuditLog auditLog, DecisionService decisions,
            DispatchService dispatch, RunReport report, PhaseTimes phaseTimes, JsonMapper json, Clock clock) {
        return new ChunkDecider(stepExecution.getJobExecution().getJobInstanceId(),
                stepExecution.getStepName(), RunParameters.request(stepExecution.getJobParameters()), customerFacts,
                engine, activeRuleSet, auditLog, decisions, dispatch, report, phaseTimes, json, clock);
    }
}
