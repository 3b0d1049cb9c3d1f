package dev.dunning.rulesets.web;

import dev.dunning.rulesets.RuleSetSimulation;
import dev.dunning.rulesets.SimulationHistory;
import java.util.List;

/**
 * What a version's page (and so its review) shows of the simulations already run for it: the latest finished one with
 * its figures and action matrix, whether the version it was compared against is still in force, the one running now,
 * and the earlier ones. Laid out from the API's list ({@link SimulationHistory}) and job ({@link RuleSetSimulation#job});
 * decides nothing.
 *
 * @param latest the newest finished simulation, null when none finished
 * @param latestView its result as the simulation page lays it out (matrix), null when its result is gone
 * @param comparedWith the version in force the latest one was compared against (from its result), null if unknown
 * @param outdated whether that version is no longer in force
 * @param running the newest simulation still queued or running, null when none is
 * @param runningPercent how far it got
 * @param all the version's simulations, newest first
 */
record SimulationPanel(String version, String inForce, boolean versionInForce, boolean canSimulate,
        SimulationHistory.Summary latest, SimulationView latestView, String comparedWith, boolean outdated,
        SimulationHistory.Summary running, int runningPercent, List<SimulationHistory.Summary> all) {

    /** The simulations a version's page lists at most; the API lists more. */
    static final int LISTED = 20;

    static SimulationPanel of(SimulationHistory.Simulations simulations, RuleSetSimulation simulation,
            boolean canSimulate) {
        List<SimulationHistory.Summary> all = simulations.simulations();
        SimulationHistory.Summary latest = all.stream().filter(SimulationHistory.Summary::finished).findFirst()
                .orElse(null);
        SimulationHistory.Summary running = all.stream().filter(SimulationHistory.Summary::running).findFirst()
                .orElse(null);
        SimulationView view = latest == null ? null
                : simulation.job(latest.id(), 0, 1).filter(j -> j.result() != null).map(SimulationView::of)
                        .orElse(null);
        // the result says what it was compared against even for a job stored before the column was (V43)
        String comparedWith = view != null ? view.job().result().active() : latest == null ? null : latest.active();
        boolean outdated = comparedWith != null && !comparedWith.equals(simulations.inForce());
        int percent = running == null || running.total() == 0 ? 0
                : (int) Math.min(99, running.done() * 100 / running.total());
        return new SimulationPanel(simulations.version(), simulations.inForce(),
                simulations.version().equals(simulations.inForce()), canSimulate, latest, view, comparedWith,
                outdated, running, percent, all);
    }

    /** Earlier simulations are listed when there is more than the one shown in full. */
    public boolean listed() {
        return all.size() > 1 || latest == null && !all.isEmpty();
    }
}
