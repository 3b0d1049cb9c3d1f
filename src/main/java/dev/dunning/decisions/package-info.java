/** Decisions by customer id: load the stored facts, evaluate with the active rules, keep the decision, show history. */
package dev.dunning.decisions;
