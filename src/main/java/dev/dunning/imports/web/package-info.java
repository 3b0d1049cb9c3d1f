/** Bulk imports over HTTP: CSV uploads of customers and invoices. */
package dev.dunning.imports.web;
