/**
 * Bulk import of customers and invoices from CSV files: every row checked before anything is written, then one
 * transaction of batched upserts, so a file is taken whole or not at all.
 */
package dev.dunning.imports;
