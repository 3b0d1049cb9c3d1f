/** Dunning runs: a decision for every customer with overdue invoices as of a date, chunked, partitioned and restartable. */
package dev.dunning.runs;
