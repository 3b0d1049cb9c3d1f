package dev.dunning.rulesets;

/** An instance already holds as many background simulations as it takes; a later request may succeed. */
public class SimulationsBusyException extends RuntimeException {

    public SimulationsBusyException(int held) {
        super("this instance already has " + held + " background simulations running or queued (at most "
                + RuleSetSimulation.MAX_QUEUED + "); try again when one has finished");
    }
}
