/** The fact model rule authors write against, its code catalogue and the pure derivation of a dunning case. */
package dev.dunning.decision;
