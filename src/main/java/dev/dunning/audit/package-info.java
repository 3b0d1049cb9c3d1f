/**
 * The audit log: every decision with the facts it was made on, the rule-set version and the rules that fired,
 * durable before the decision is returned, append-only and hash-chained so that a changed, removed or reordered
 * record is detected.
 */
package dev.dunning.audit;
