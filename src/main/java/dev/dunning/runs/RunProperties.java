package dev.dunning.runs;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param chunkSize customers per chunk: facts are loaded in one set of queries and audited together per chunk
 * @param partitions customer id ranges a run is split into, each worked by its own thread; 0 (the default) means
 *     two per core: while one partition waits for its chunk's audit records to commit, another reads and evaluates
 * @param schedule cron expression (six fields, Spring's) for a scheduled live run as of its start; "-" (the
 *     default) schedules none
 * @param scheduleDispatch true: the scheduled live run also dispatches (each decision that sends something gets its
 *     outbox entry, as with {@code "dispatch": true}); false (the default): it only records its decisions
 * @param localWorkers threads of this instance that work a run's partitions (its own runs, and others' if
 *     {@code worker}); 0 (the default) means as many as partitions. Fewer leave partitions to other instances.
 * @param worker true: this instance also works partitions of runs other instances started (docs/runs.md)
 * @param workerPoll how often a worker instance looks for partitions nobody has claimed
 * @param workerTimeout a partition claimed by another instance that commits nothing for this long is failed
 */
@ConfigurationProperties("dunning.runs")
public record RunProperties(
        @DefaultValue("500") int chunkSize,
        @DefaultValue("0") int partitions,
        @DefaultValue("-") String schedule,
        @DefaultValue("false") boolean scheduleDispatch,
        @DefaultValue("0") int localWorkers,
        @DefaultValue("false") boolean worker,
        @DefaultValue("2s") Duration workerPoll,
        @DefaultValue("5m") Duration workerTimeout) {

    public RunProperties {
        if (chunkSize < 1 || chunkSize > 10_000) {
            throw new IllegalArgumentException("dunning.runs.chunk-size must be between 1 and 10000, was " + chunkSize);
        }
        if (localWorkers < 0) {
            throw new IllegalArgumentException("dunning.runs.local-workers must be 0 (as many as partitions) or more, "
                    + "was " + localWorkers);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("dunning.runs.partitions must be 0 (two per core) or more, was "
                    + partitions);
        }
    }

    int effectiveLocalWorkers() {
        return localWorkers == 0 ? effectivePartitions() : localWorkers;
    }

    int effectivePartitions() {
        return partitions == 0 ? 2 * Runtime.getRuntime().availableProcessors() : partitions;
    }
}
