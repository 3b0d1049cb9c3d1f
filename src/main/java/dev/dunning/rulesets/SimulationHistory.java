package dev.dunning.rulesets;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.springframework.stereotype.Service;

/**
 * The background simulations already run for a version, newest first, as a reviewer judges them: who ran each, when,
 * with which filters, against which version in force, and its counts; without reading any result. The API's
 * {@code GET /api/v1/rule-sets/{version}/simulations} and the version's page show the same list.
 */
@Service
public class SimulationHistory {

    /** The most simulations one list holds; finished ones are forgotten after the retention anyway. */
    public static final int MAX_LISTED = 200;

    /**
     * The customers a simulation was asked for.
     *
     * @param asOf the instant decided as of (for a finished one, the instant it used; null while a job started without
     *     one waits or runs, or when not recorded)
     * @param customerIds how many customer ids were named, null when none were
     * @param segment the segment, null for all
     * @param country the country, null for all
     */
    public record Filters(Instant asOf, Integer customerIds, String segment, String country) {

        /** No filter: every stored customer (up to {@link RuleSetSimulation#MAX_CUSTOMERS}). */
        public boolean all() {
            return customerIds == null && segment == null && country == null;
        }
    }

    /**
     * One stored simulation of a version.
     *
     * @param active the version in force it was compared against; null until it finishes (and for one stored before
     *     this was recorded)
     * @param outdated whether it finished against a version that is no longer in force: run it again to see what this
     *     version would change now
     * @param customers how many customers both versions decided, {@code changed} how many would get another decision,
     *     {@code failedCount} how many could not be decided; null until it finishes
     */
    public record Summary(String id, String candidate, String requestedBy, String status, long total, long done,
            Instant startedAt, Instant finishedAt, String error, Filters filters, String active, boolean outdated,
            Long customers, Long changed, Long failedCount) {

        public boolean finished() {
            return "DONE".equals(status);
        }

        public boolean running() {
            return "QUEUED".equals(status) || "RUNNING".equals(status);
        }
    }

    /** A version's simulations, newest first, and the version in force now (against which {@code outdated} is told). */
    public record Simulations(String version, String inForce, List<Summary> simulations) {}

    private final RuleSetLifecycle lifecycle;
    private final SimulationJobs jobs;
    private final Clock clock;

    SimulationHistory(RuleSetLifecycle lifecycle, SimulationJobs jobs, Clock clock) {
        this.lifecycle = lifecycle;
        this.jobs = jobs;
        this.clock = clock;
    }

    /**
     * The simulations of a version (its hash or a unique prefix), newest first, at most {@code limit}; a job whose
     * instance went silent is reported failed, as when it is polled.
     *
     * @throws UnknownVersionException when no stored version matches
     */
    public Simulations of(String versionOrPrefix, int limit) {
        String version = lifecycle.find(versionOrPrefix).version();
        String inForce = lifecycle.serving().version();
        List<Summary> listed = jobs.ofCandidate(version, Math.max(1, Math.min(limit, MAX_LISTED)), clock.instant(),
                RuleSetSimulation.SILENCE).stream().map(row -> summary(row, inForce)).toList();
        return new Simulations(version, inForce, listed);
    }

    private static Summary summary(SimulationJobs.Row row, String inForce) {
        boolean done = row.status() == SimulationJobs.Status.DONE;
        return new Summary(row.id(), row.candidate(), row.requestedBy(), row.status().name(), row.total(), row.done(),
                row.startedAt(), row.finishedAt(), row.error(),
                new Filters(row.asOf(), row.namedCustomers(), row.segment(), row.country()), row.active(),
                done && row.active() != null && !row.active().equals(inForce), row.customers(), row.changed(),
                row.failedCount());
    }
}
