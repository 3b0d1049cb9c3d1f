package dev.dunning.runs;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param chunkSize customers per chunk: facts are loaded in one set of queries and audited together per chunk
 * @param partitions customer id ranges a run is split into, each worked by its own thread; 0 (the default) means
 *     two per core: while one partition waits for its chunk's audit records to commit, another reads and evaluates
 * @param schedule cron expression (six fields, Spring's) for a scheduled live run as of its start; "-" (the
 *     default) schedules none
 */
@ConfigurationProperties("dunning.runs")
public record RunProperties(
        @DefaultValue("500") int chunkSize,
        @DefaultValue("0") int partitions,
        @DefaultValue("-") String schedule) {

    public RunProperties {
        if (chunkSize < 1 || chunkSize > 10_000) {
            throw new IllegalArgumentException("dunning.runs.chunk-size must be between 1 and 10000, was " + chunkSize);
        }
        if (partitions < 0) {
            throw new IllegalArgumentException("dunning.runs.partitions must be 0 (two per core) or more, was "
                    + partitions);
        }
    }

    int effectivePartitions() {
        return partitions == 0 ? 2 * Runtime.getRuntime().availableProcessors() : partitions;
    }
}
