/**
 * Bean Validation constraints for codes the service stores (currencies, countries, time zones, printable ids) and
 * what text must be to be stored exactly, shared by every API and the import.
 */
package dev.dunning.validation;
