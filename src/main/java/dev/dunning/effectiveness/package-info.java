/**
 * Effectiveness: which decisions, rows, messages and channels get customers to pay, from summary rows the summary job
 * keeps up to date as decisions, contact events and payments arrive (docs/effectiveness.md).
 */
package dev.dunning.effectiveness;
