/** Bean Validation constraints for codes the service stores (currencies, countries, time zones), shared by every API. */
package dev.dunning.validation;
